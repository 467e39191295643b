"""Inbound mail authentication (issue 7 items 1-3 and 5, "How we will check
it"): the real `tern serve` checks SPF, DKIM and DMARC on port 25 against a
real DNS server (unbound from peers.py, serving the test zones below) and
Python's smtplib sends from 127.0.0.1.

  (a) a domain publishing p=reject, failing SPF and DKIM: 550 5.7.1 at the
      end of DATA, naming DMARC, and nothing stored;
  (b) SPF pass (v=spf1 ip4:127.0.0.1 -all) and a DKIM signature made by
      dkimpy (Debian python3-dkim, ed25519-sha256) whose key is in the zone:
      the stored message (`tern mail show`) carries Authentication-Results
      with spf=pass, dkim=pass and dmarc=pass right after Received;
  (c) p=quarantine, failing: delivered into the Junk folder;
  (d) an Authentication-Results field forged in Tern's name is removed;
  (e) iprev (RFC 8601 2.7.3): 127.0.0.1's PTR name mx.sender.test resolves
      back to it, so (b)'s field starts with iprev=pass policy.iprev=127.0.0.1;
      a client connecting from 127.0.0.5, whose PTR name liar.test resolves
      to another address, gets iprev=fail.
"""
import base64
import email
import os
import email.policy
import re
import smtplib
import subprocess
import unittest

import dkim
import nacl.signing

import harness
from harness import Tern
from peers import Unbound

USER = "alice@tern.test"
AUTHSERV_ID = "mx.tern.test"
LISTENERS = [("smtp", "smtp", "starttls")]

SIGNING_KEY = nacl.signing.SigningKey.generate()
PUBLIC_KEY = base64.b64encode(bytes(SIGNING_KEY.verify_key)).decode()


class TxtUnbound(Unbound):
    """peers.Unbound, with each local-data line written in single quotes so
    that the double quotes of TXT strings reach unbound as quotes (its
    config file does not understand a backslash-escaped quote)."""

    def _write_config(self):
        super()._write_config()
        path = os.path.join(self.dir, "unbound.conf")
        with open(path) as f:
            lines = f.read().splitlines()
        prefix = '  local-data: "'
        for i, line in enumerate(lines):
            if line.startswith(prefix) and line.endswith('"'):
                record = line[len(prefix):-1].replace('\\"', '"')
                lines[i] = f"  local-data: '{record}'"
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")


def txt(owner, text):
    return f'{owner} 60 IN TXT "{text}"'


ZONES = [
    txt("pass.test.", "v=spf1 ip4:127.0.0.1 -all"),
    txt("sel._domainkey.pass.test.", f"v=DKIM1; k=ed25519; p={PUBLIC_KEY}"),
    txt("_dmarc.pass.test.", "v=DMARC1; p=reject"),
    # Only 192.0.2.1 may send for reject.test; we send from 127.0.0.1.
    txt("reject.test.", "v=spf1 ip4:192.0.2.1 -all"),
    txt("_dmarc.reject.test.", "v=DMARC1; p=reject"),
    txt("quar.test.", "v=spf1 -all"),
    txt("_dmarc.quar.test.", "v=DMARC1; p=quarantine"),
    # Forward-confirmed reverse DNS for 127.0.0.1; not for 127.0.0.5.
    "mx.sender.test. 60 IN A 127.0.0.1",
    "liar.test. 60 IN A 192.0.2.1",
]

# The same name as unbound's default local zone for 127.x, so it wins.
REVERSE = [
    "1.0.0.127.in-addr.arpa. 60 IN PTR mx.sender.test.",
    "5.0.0.127.in-addr.arpa. 60 IN PTR liar.test.",
]


def message(sender, subject, extra_headers=""):
    return (f"{extra_headers}"
            f"From: Sender <{sender}>\r\n"
            f"To: {USER}\r\n"
            f"Subject: {subject}\r\n"
            f"Date: Sun, 29 Nov 2026 12:00:00 +0000\r\n"
            f"Message-ID: <{abs(hash(subject))}@{sender.split('@')[1]}>\r\n"
            f"\r\n"
            f"Hello Alice, this is {subject}.\r\n").encode()


def unfold(value):
    return re.sub(r"\s+", " ", str(value)).strip()


class InboundAuth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dns = TxtUnbound({"test.": ZONES, "127.in-addr.arpa.": REVERSE}).start()
        try:
            settings = {"dns": {"nameservers": cls.dns.nameserver, "timeout_ms": 500}}
            cls.tern = Tern(settings, listeners=LISTENERS)
            cls.tern.add_user(USER, "inbound secret")
            cls.tern.start()
        except BaseException:
            cls.dns.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.tern.__exit__(None, None, None)
        finally:
            cls.dns.stop()

    def send(self, sender, data, source="127.0.0.1"):
        with smtplib.SMTP("127.0.0.1", self.tern.ports["smtp"], timeout=30,
                          source_address=(source, 0)) as s:
            s.ehlo("client.test")
            s.sendmail(sender, [USER], data)

    def messages(self, mailbox):
        out = self.tern.admin("mail", "list", USER, mailbox).stdout
        raws = []
        for line in out.splitlines():
            fields = line.split()
            if not fields or not fields[0].isdigit():
                continue
            r = subprocess.run([harness.TERN_BIN, "-c", self.tern.config, "mail", "show", USER,
                                mailbox, fields[0]], capture_output=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            raws.append(r.stdout)
        return raws

    def find(self, mailbox, subject):
        for raw in self.messages(mailbox):
            m = email.message_from_bytes(raw, policy=email.policy.compat32)
            if unfold(m["Subject"]) == subject:
                return raw, m
        return None, None

    def our_results(self, m):
        fields = [unfold(v) for v in m.get_all("Authentication-Results", [])]
        return [f for f in fields if f.lower().startswith(AUTHSERV_ID + ";")]

    def test_a_reject_policy_failing_spf_and_dkim_is_refused(self):
        data = message("ceo@reject.test", "wire transfer")
        with self.assertRaises(smtplib.SMTPDataError) as caught:
            self.send("ceo@reject.test", data)
        self.assertEqual(caught.exception.smtp_code, 550)
        text = caught.exception.smtp_error.decode()
        self.assertTrue(text.startswith("5.7.1"), text)
        self.assertIn("DMARC", text)
        self.assertEqual(self.find("INBOX", "wire transfer"), (None, None))
        self.assertEqual(self.find("Junk", "wire transfer"), (None, None))
        self.assertIn("action=reject", self.tern.log())

    def test_b_passing_mail_carries_authentication_results(self):
        data = message("paula@pass.test", "signed and aligned")
        signature = dkim.sign(data, b"sel", b"pass.test",
                              base64.b64encode(bytes(SIGNING_KEY)),
                              signature_algorithm=b"ed25519-sha256", linesep=b"\r\n")
        self.send("bounce@pass.test", signature + data)
        raw, m = self.find("INBOX", "signed and aligned")
        self.assertIsNotNone(raw, "the message was not delivered to INBOX")
        ours = self.our_results(m)
        self.assertEqual(len(ours), 1, m.get_all("Authentication-Results"))
        self.assertIn("spf=pass smtp.mailfrom=bounce@pass.test", ours[0])
        self.assertRegex(ours[0], r"dkim=pass header\.d=pass\.test header\.s=sel header\.b=\S+")
        self.assertIn("dmarc=pass header.from=pass.test", ours[0])
        # RFC 8601 2.7.3: the connection's reverse DNS, first.
        self.assertTrue(ours[0].startswith(
            f"{AUTHSERV_ID}; iprev=pass policy.iprev=127.0.0.1 (mx.sender.test); spf=pass"),
            ours[0])
        # RFC 8601 5: at the top, right after our Received field.
        names = [k.lower() for k in m.keys()]
        self.assertEqual(names.index("authentication-results"), names.index("received") + 1,
                         names)
        # The signature still verifies on what was stored (our fields sit above it).
        self.assertTrue(dkim.verify(raw, dnsfunc=lambda name, timeout=5:
                                    f"v=DKIM1; k=ed25519; p={PUBLIC_KEY}".encode()))

    def test_c_quarantine_policy_lands_in_junk(self):
        self.send("news@quar.test", message("news@quar.test", "maybe spam"))
        self.assertEqual(self.find("INBOX", "maybe spam"), (None, None))
        raw, m = self.find("Junk", "maybe spam")
        self.assertIsNotNone(raw, "the message is not in Junk")
        ours = self.our_results(m)
        self.assertEqual(len(ours), 1)
        self.assertIn("spf=fail", ours[0])
        self.assertIn("dmarc=fail header.from=quar.test", ours[0])

    def test_d_forged_results_in_our_name_are_removed(self):
        forged = (f"Authentication-Results: {AUTHSERV_ID}; dkim=pass header.d=reject.test\r\n"
                  "Authentication-Results: other.example; spf=pass smtp.mailfrom=x@other.example\r\n")
        data = message("paula@pass.test", "forged results", extra_headers=forged)
        self.send("bounce@pass.test", data)
        raw, m = self.find("INBOX", "forged results")
        self.assertIsNotNone(raw)
        self.assertNotIn(b"header.d=reject.test", raw)
        ours = self.our_results(m)
        self.assertEqual(len(ours), 1)
        self.assertIn("spf=pass", ours[0])
        others = [unfold(v) for v in m.get_all("Authentication-Results")]
        self.assertIn("other.example; spf=pass smtp.mailfrom=x@other.example", others)

    def test_e_unconfirmed_reverse_dns_is_iprev_fail(self):
        self.send("someone@plain.test", message("someone@plain.test", "from a liar"),
                  source="127.0.0.5")
        raw, m = self.find("INBOX", "from a liar")
        self.assertIsNotNone(raw, "the message was not delivered to INBOX")
        ours = self.our_results(m)
        self.assertEqual(len(ours), 1)
        self.assertTrue(ours[0].startswith(
            f"{AUTHSERV_ID}; iprev=fail policy.iprev=127.0.0.5 (liar.test);"), ours[0])
        self.assertIn("fcrdns=fail ptr=liar.test", self.tern.log())


if __name__ == "__main__":
    harness.main()
