"""DNS blocklists at connect (issue 7 item 6; RFC 5782) with the real
`tern serve` and a real DNS server (unbound from peers.py).

The zone bl.test lists 127.0.0.1 (1.0.0.127.bl.test A 127.0.0.2, the way
every list publishes its test entry); clean.test lists nobody; test.test
answers 127.0.0.1, the reserved "test/error" code of RFC 5782 5. The
reverse zone gives 127.0.0.1 the name mx.sender.test, which resolves back
to 127.0.0.1 (forward-confirmed reverse DNS).

  (a) zones "clean.test, bl.test": a client from 127.0.0.1 gets
      554 5.7.1 naming bl.test instead of the greeting; EHLO then gets
      503 5.5.1, QUIT 221 and the server closes; submission is not checked;
  (b) zones "clean.test, test.test, none.test" (none.test is NXDOMAIN,
      RFC 6761's default for .test: not listed; test.test's 127.0.0.1 is an
      error, fail open): the normal 220 greeting, mail is accepted, the log
      line smtp.client records fcrdns=pass with the PTR name and
      dnsbl=none, and the error is logged;
  (c) domain lists (RFC 5782 3), mailauth.dnsbl_domain_zones "dbl.test"
      listing bad.example: MAIL FROM:<x@bad.example> (and from a subdomain,
      through the organizational domain) gets 554 5.7.1 naming the domain
      and the zone, nothing is stored; a sender from good.example in the same
      session is accepted and stored, and the null sender is not checked.
"""
import smtplib
import unittest

import harness
from harness import LineClient, Tern
from peers import Unbound

USER = "alice@tern.test"
LISTENERS = [("smtp", "smtp", "starttls"), ("submission", "submission", "starttls")]

ZONES = {
    "bl.test.": ["1.0.0.127.bl.test. 60 IN A 127.0.0.2",
                 "1.0.0.127.bl.test. 60 IN A 127.0.0.10"],
    "clean.test.": ["clean.test. 60 IN A 192.0.2.1"],
    "test.test.": ["1.0.0.127.test.test. 60 IN A 127.0.0.1"],
    # The same name as unbound's default local zone for 127.x, so it wins.
    "127.in-addr.arpa.": ["1.0.0.127.in-addr.arpa. 60 IN PTR mx.sender.test."],
    "sender.test.": ["mx.sender.test. 60 IN A 127.0.0.1"],
    "dbl.test.": ["bad.example.dbl.test. 60 IN A 127.0.1.2"],
}


def start_tern(dns, zones, domain_zones=""):
    settings = {"dns": {"nameservers": dns.nameserver, "timeout_ms": 500},
                "mailauth": {"dnsbl_zones": zones, "dnsbl_domain_zones": domain_zones,
                             "spf": False, "dkim_verify": False, "dmarc": False}}
    tern = Tern(settings, listeners=LISTENERS)
    tern.add_user(USER, "dnsbl secret")
    return tern  # started by the with statement


class Dnsbl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dns = Unbound(ZONES).start()

    @classmethod
    def tearDownClass(cls):
        cls.dns.stop()

    def test_a_listed_client_gets_554_and_only_quit(self):
        with start_tern(self.dns, "clean.test, bl.test") as tern:
            c = LineClient(tern.ports["smtp"])
            try:
                self.assertEqual(
                    c.reply(),
                    "554 5.7.1 Service unavailable; client [127.0.0.1] blocked using bl.test\r\n")
                c.send("EHLO client.test\r\n")
                self.assertTrue(c.reply().startswith("503 5.5.1 "))
                c.send("QUIT\r\n")
                self.assertTrue(c.reply().startswith("221 "))
                self.assertTrue(c.closed())
            finally:
                c.close()
            # Submission: users connect from anywhere; no blocklist there.
            c = LineClient(tern.ports["submission"])
            try:
                self.assertTrue(c.reply().startswith("220 "))
            finally:
                c.close()
            log = tern.log()
            self.assertIn("dnsbl=bl.test", log)
            self.assertIn("reason=dnsbl", log)

    def test_b_unlisted_client_is_greeted_and_fcrdns_logged(self):
        with start_tern(self.dns, "clean.test, test.test, none.test") as tern:
            with smtplib.SMTP("127.0.0.1", tern.ports["smtp"], timeout=30) as s:
                code, _ = s.ehlo("mx.sender.test")
                self.assertEqual(code, 250)
                s.sendmail("bob@sender.test", [USER],
                           b"Subject: not listed\r\n\r\nHello.\r\n")
            log = tern.log()
            self.assertIn("fcrdns=pass ptr=mx.sender.test dnsbl=none", log)
            # 127.0.0.1 from test.test is an error, logged; NXDOMAIN is not.
            self.assertIn("zone=test.test answer=127.0.0.1", log)
            self.assertNotIn("zone=none.test", log)
            self.assertIn("event=smtp.accepted", log)
            # One message stored in the INBOX (`mail list`: one line per message).
            listing = tern.admin("mail", "list", USER, "INBOX").stdout.split()
            self.assertEqual(listing[0], "1")

    def test_c_listed_sender_domain_is_refused_at_mail_from(self):
        with start_tern(self.dns, "", domain_zones="dbl.test") as tern:
            with smtplib.SMTP("127.0.0.1", tern.ports["smtp"], timeout=30) as s:
                s.ehlo("mx.sender.test")
                for sender in ("x@bad.example", "y@Mail.Bad.Example"):
                    code, text = s.mail(sender)
                    self.assertEqual(
                        (code, text.decode()),
                        (554, "5.7.1 Sender address rejected: bad.example blocked using dbl.test"))
                # No transaction started.
                code, _ = s.rcpt(USER)
                self.assertEqual(code, 503)
                s.sendmail("bob@good.example", [USER],
                           b"Subject: clean sender\r\n\r\nHello.\r\n")
                s.sendmail("", [USER], b"Subject: a bounce\r\n\r\nReturned.\r\n")
            log = tern.log()
            self.assertIn("event=smtp.sender_blocked", log)
            self.assertIn("domain=bad.example dnsbl=dbl.test dnsbl_answer=127.0.1.2", log)
            # `mail list`: one "UID SIZE FLAGS" line per message.
            uids = [line.split()[0] for line in
                    tern.admin("mail", "list", USER, "INBOX").stdout.splitlines()
                    if line.split() and line.split()[0].isdigit()]
            subjects = set()
            for uid in uids:
                raw = tern.admin("mail", "show", USER, "INBOX", uid).stdout
                subjects.update(line for line in raw.splitlines() if line.startswith("Subject:"))
            self.assertEqual(subjects, {"Subject: clean sender", "Subject: a bounce"})

if __name__ == "__main__":
    harness.main()
