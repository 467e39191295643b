#!/usr/bin/python3
"""Outbound delivery (issue 6, "How we will check it") against real peers:
unbound serves the test zones and a private Postfix receives on 127.0.0.2.
A local user submits mail to remote domains; the tests look at what Postfix
stored, what Postfix logged, and the bounces Tern puts in the sender's INBOX.

1. delivery: the bytes arrive unchanged after Postfix's trace fields, over TLS
2. second MX: the first MX (127.0.0.3) refuses connections, the second gets it
3. 450 then success: after a temporary refusal the message arrives on a retry
4. 550: a multipart/report DSN (RFC 3464) for that recipient only
5. null MX (RFC 7505): an immediate DSN with status 5.1.10
6. SIGKILL during delivery: after a restart every message arrives, with at
   most as many duplicates as deliveries could be in flight (RFC 5321 6.1
   allows duplicates, never loss). N = $TERN_OUTBOUND_MESSAGES (default 200).
7. delay notice: a recipient refused with 451 for longer than
   delay_notice_seconds gets an Action: delayed DSN, then the message arrives
8. DKIM: with keys made by `tern dkim keygen` for the sender's domain (rsa and
   ed25519), mail leaves signed twice and dkimpy verifies both signatures
   against the TXT records keygen printed (RFC 6376, RFC 8463)
"""
import email
import email.policy
import os
import re
import signal
import smtplib
import socket
import ssl
import subprocess
import time
import unittest

import harness
from harness import Tern
from peers import Postfix, Unbound, wait_for

SENDER = "sender@tern.test"
PASSWORD = "outbound secret"
LISTENERS = [("submission", "submission", "starttls")]
MESSAGES = int(os.environ.get("TERN_OUTBOUND_MESSAGES", "200"))
MAX_DELIVERIES = 10

ZONES = [
    "dest.test. 60 IN MX 10 mx.dest.test.",
    "mx.dest.test. 60 IN A 127.0.0.2",
    # RFC 5321 5.1: lower preference first; mx1 has nothing listening.
    "second.test. 60 IN MX 10 mx1.second.test.",
    "second.test. 60 IN MX 20 mx2.second.test.",
    "mx1.second.test. 60 IN A 127.0.0.3",
    "mx2.second.test. 60 IN A 127.0.0.2",
    # RFC 7505 3: a single MX of "." with preference 0 says "no mail here".
    "nullmx.test. 60 IN MX 0 .",
]
ACCESS = {
    "later@dest.test": "450 4.2.0 come back later",
    "nobody@dest.test": "550 5.1.1 no such user here",
}


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def message(token, to, subject="outbound test", body=None):
    """A submitted message (CRLF); `token` makes it findable wherever it lands."""
    body = body or (f"Hello from the outbound test {token}.\r\n"
                    ".a line that starts with a dot (RFC 5321 4.5.2)\r\n"
                    "\r\n"
                    "Last line.\r\n")
    return (f"From: Sender <{SENDER}>\r\n"
            f"To: {', '.join(to)}\r\n"
            f"Subject: {subject} {token}\r\n"
            f"Date: Sun, 29 Nov 2026 12:00:00 +0000\r\n"
            f"Message-ID: <{token}@tern.test>\r\n"
            f"X-Test-Token: {token}\r\n"
            f"\r\n{body}").encode()


def unfold(value):
    return re.sub(r"\s+", " ", str(value)).strip()


class Outbound(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dns = Unbound(ZONES).start()
        try:
            cls.mx = Postfix(domains=("dest.test", "second.test"), access=ACCESS).start()
        except BaseException:
            cls.dns.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.mx.stop()
        cls.dns.stop()

    def setUp(self):
        self.tern = None

    def tearDown(self):
        if self.tern is not None:
            if self._failed():
                print("--- tern log (tail) ---\n" + self.tern.log()[-4000:])
                print("--- postfix log (tail) ---\n" + self.mx.log()[-3000:])
            self.tern.__exit__(None, None, None)

    def _failed(self):
        # Python 3.11 adds errors to the result as they happen.
        result = getattr(self._outcome, "result", None)
        return result is not None and any(t is self for t, _ in result.errors + result.failures)

    # -- helpers --
    def start_tern(self, **queue):
        settings = {
            "dns": {"nameservers": self.dns.nameserver},
            "queue": {"smtp_port": self.mx.port, "retry_initial_seconds": 1,
                      "retry_max_seconds": 2, "connect_timeout_seconds": 3,
                      "command_timeout_seconds": 20, "scan_interval_seconds": 1,
                      "delay_notice_seconds": 0, "max_age_seconds": 60},
            "smtp": {"submission_rate_per_hour": 0},
        }
        settings["queue"].update(queue)
        self.tern = Tern(settings, listeners=LISTENERS)
        self.tern.add_user(SENDER, PASSWORD)
        self.tern.start(wait_ready=30)
        return self.tern

    def submit(self, to, messages):
        """Submits each message (bytes) to the recipients `to` in one
        authenticated submission session; every one must get its 250."""
        with smtplib.SMTP("127.0.0.1", self.tern.ports["submission"], timeout=60) as s:
            s.starttls(context=tls_context())
            s.login(SENDER, PASSWORD)
            for m in messages:
                refused = s.sendmail(SENDER, to, m)
                self.assertEqual(refused, {})

    def queue_list(self):
        return self.tern.admin("queue", "list").stdout

    def inbox(self):
        """The raw messages in the sender's INBOX (bounces land there)."""
        out = self.tern.admin("mail", "list", SENDER, "INBOX").stdout
        raws = []
        for line in out.splitlines():
            uid = line.split()[0]
            r = subprocess.run([harness.TERN_BIN, "-c", self.tern.config, "mail", "show", SENDER,
                                "INBOX", uid], capture_output=True, timeout=60, check=True)
            raws.append(r.stdout)
        return raws

    def wait_bounce(self, timeout):
        return wait_for(self.inbox, timeout, interval=0.2, what="a DSN in the sender's INBOX")[0]

    def stored_after_trace(self, stored, sent):
        """The part of a stored (LF) message starting at the first header
        the test submitted; what comes before it are the trace fields."""
        first = sent.split(b"\r\n", 1)[0] + b"\n"
        self.assertTrue(stored.startswith(first) or b"\n" + first in stored, stored[:2000])
        at = 0 if stored.startswith(first) else stored.index(b"\n" + first) + 1
        return stored[:at], stored[at:]

    def delivery_status(self, raw):
        """Parses a DSN; returns (message, per-message fields, [per-recipient fields])."""
        dsn = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(dsn.get_content_type(), "multipart/report", raw[:2000])
        self.assertEqual(dsn.get_param("report-type"), "delivery-status")
        parts = dsn.get_payload()
        self.assertGreaterEqual(len(parts), 2)
        self.assertEqual(parts[1].get_content_type(), "message/delivery-status")
        blocks = parts[1].get_payload()
        self.assertGreaterEqual(len(blocks), 2, "no per-recipient block")
        return dsn, blocks[0], blocks[1:]

    # -- the tests --
    def test_0_peers_work_without_tern(self):
        """The fixtures themselves, so a failure below is Tern's, not theirs."""
        import dns.resolver  # python3-dnspython (a dependency of python3-dkim)
        r = dns.resolver.Resolver(configure=False)
        r.nameservers, r.port, r.lifetime = ["127.0.0.1"], self.dns.port, 5
        self.assertEqual(sorted(str(x) for x in r.resolve("second.test", "MX")),
                         ["10 mx1.second.test.", "20 mx2.second.test."])
        self.assertEqual([str(x) for x in r.resolve("nullmx.test", "MX")], ["0 ."])
        self.assertEqual([str(x) for x in r.resolve("mx.dest.test", "A")], ["127.0.0.2"])
        with self.assertRaises(dns.resolver.NXDOMAIN):
            r.resolve("nothing.dest.test", "A")
        with self.assertRaises(dns.resolver.NoNameservers):  # REFUSED: it never recurses
            r.resolve("example.com", "A")

        def swaks(to, *extra):
            return subprocess.run(["swaks", "--server", f"127.0.0.2:{self.mx.port}", "--to", to,
                                   "--from", SENDER, "--header", "X-Test-Token: peer0", *extra],
                                  capture_output=True, text=True, timeout=60).stdout
        self.assertIn("250 2.0.0 Ok: queued", swaks("peer@dest.test", "--tls"))
        stored = self.mx.wait_messages("peer@dest.test")
        self.assertIn(b"(using TLS", stored[0])
        self.assertIn(b"X-Test-Token: peer0", stored[0])
        self.assertIn("<** 450 4.2.0", swaks("later@dest.test"))
        self.assertIn("<** 550 5.1.1", swaks("nobody@dest.test"))

    def test_1_delivery_over_starttls(self):
        self.start_tern()
        sent = message("deliver1", ["user@dest.test"])
        self.submit(["user@dest.test"], [sent])
        stored = self.mx.wait_messages("user@dest.test", timeout=60)
        self.assertEqual(len(stored), 1)
        trace, rest = self.stored_after_trace(stored[0], sent)
        # Maildir files have LF line ends; Postfix keeps everything else.
        self.assertEqual(rest, sent.replace(b"\r\n", b"\n"))
        self.assertTrue(trace.startswith(b"Return-Path: <" + SENDER.encode() + b">\n"), trace)
        received = re.findall(rb"^Received: .*?(?=^\S)", trace, re.M | re.S)
        self.assertTrue(received, trace)
        postfix_received = unfold(received[0].decode())
        self.assertIn("by mx.dest.test (Postfix) with ESMTPS", postfix_received)
        self.assertIn("(using TLS", postfix_received)
        # Tern leaves no copy behind once Postfix said 250.
        wait_for(lambda: "queue is empty" in self.queue_list(), 20, what="an empty queue")

    def test_2_second_mx_when_first_refuses(self):
        with socket.socket() as s:  # precondition: nothing answers on the first MX
            self.assertNotEqual(s.connect_ex(("127.0.0.3", self.mx.port)), 0)
        self.start_tern()
        sent = message("second2", ["user@second.test"])
        self.submit(["user@second.test"], [sent])
        stored = self.mx.wait_messages("user@second.test", timeout=60)
        self.assertEqual(self.stored_after_trace(stored[0], sent)[1],
                         sent.replace(b"\r\n", b"\n"))
        self.assertEqual(self.inbox(), [], "no bounce expected")

    def test_3_temporary_failure_then_retry(self):
        self.start_tern()
        sent = message("later3", ["later@dest.test"])
        self.submit(["later@dest.test"], [sent])
        refusal = "450 4.2.0 <later@dest.test>: Recipient address rejected: come back later"
        wait_for(lambda: refusal in self.mx.log(), 60, interval=0.1, what="Postfix's 450")
        self.assertEqual(self.mx.messages("later@dest.test"), [])
        listing = self.queue_list()
        self.assertIn("later@dest.test", listing)
        try:
            self.mx.set_access({k: v for k, v in ACCESS.items() if k != "later@dest.test"})
            stored = self.mx.wait_messages("later@dest.test", timeout=60)
        finally:
            self.mx.set_access(ACCESS)
        self.assertEqual(len(stored), 1)
        self.assertEqual(self.stored_after_trace(stored[0], sent)[1],
                         sent.replace(b"\r\n", b"\n"))
        wait_for(lambda: "queue is empty" in self.queue_list(), 20, what="an empty queue")
        self.assertEqual(self.inbox(), [], "a 4xx must not bounce")

    def test_4_permanent_failure_bounces_one_recipient(self):
        self.start_tern()
        to = ["nobody@dest.test", "ok@dest.test"]
        sent = message("bounce4", to)
        self.submit(to, [sent])
        self.mx.wait_messages("ok@dest.test", timeout=60)
        raw = self.wait_bounce(60)
        dsn, per_message, recipients = self.delivery_status(raw)
        self.assertIn(SENDER, str(dsn["To"]))
        self.assertIn("Reporting-MTA", per_message)
        self.assertEqual(len(recipients), 1, "only nobody@ bounces")
        r = recipients[0]
        self.assertIn("nobody@dest.test", r["Final-Recipient"])
        self.assertEqual(unfold(r["Action"]).lower(), "failed")
        self.assertRegex(unfold(r["Status"]), r"^5\.\d{1,3}\.\d{1,3}$")
        diagnostic = unfold(r["Diagnostic-Code"])
        self.assertTrue(diagnostic.lower().startswith("smtp;"), diagnostic)
        self.assertIn("550", diagnostic)
        self.assertIn("Recipient address rejected: no such user here", diagnostic)
        # The original's headers come back (RFC 3462 / RFC 6522 part 3).
        original = dsn.get_payload()[2]
        self.assertIn(original.get_content_type(), ("text/rfc822-headers", "message/rfc822"))
        original_bytes = original.as_bytes()
        self.assertIn(b"X-Test-Token: bounce4", original_bytes)
        self.assertIn(b"Message-ID: <bounce4@tern.test>", original_bytes)
        # ok@ got exactly one copy, nobody@ none.
        self.assertEqual(len(self.mx.messages("ok@dest.test")), 1)
        self.assertEqual(self.mx.messages("nobody@dest.test"), [])
        wait_for(lambda: "queue is empty" in self.queue_list(), 20, what="an empty queue")

    def test_5_null_mx_bounces_at_once(self):
        # With the first retry a minute away, a DSN within seconds can only
        # come from the first attempt (RFC 7505 3: do not retry).
        self.start_tern(retry_initial_seconds=60, retry_max_seconds=120)
        sent = message("nullmx5", ["user@nullmx.test"])
        began = time.monotonic()
        self.submit(["user@nullmx.test"], [sent])
        raw = self.wait_bounce(30)
        took = time.monotonic() - began
        self.assertLess(took, 30)
        _, _, recipients = self.delivery_status(raw)
        self.assertEqual(len(recipients), 1)
        self.assertIn("user@nullmx.test", recipients[0]["Final-Recipient"])
        self.assertEqual(unfold(recipients[0]["Action"]).lower(), "failed")
        self.assertEqual(unfold(recipients[0]["Status"]), "5.1.10")
        wait_for(lambda: "queue is empty" in self.queue_list(), 20, what="an empty queue")
        print(f"null MX bounce after {took:.1f}s")

    def test_7_delay_notice_then_delivery(self):
        self.mx.set_access(dict(ACCESS, **{"slow@dest.test": "451 4.3.0 still busy"}))
        try:
            self.start_tern(delay_notice_seconds=2)
            sent = message("delay7", ["slow@dest.test"])
            self.submit(["slow@dest.test"], [sent])
            raw = self.wait_bounce(60)
        finally:
            self.mx.set_access(ACCESS)
        dsn, _, recipients = self.delivery_status(raw)
        self.assertEqual(len(recipients), 1)
        r = recipients[0]
        self.assertIn("slow@dest.test", r["Final-Recipient"])
        # RFC 3464 2.3.3: "delayed", with a 4.x.x status; the message stays queued.
        self.assertEqual(unfold(r["Action"]).lower(), "delayed")
        self.assertRegex(unfold(r["Status"]), r"^4\.\d{1,3}\.\d{1,3}$")
        self.assertIn("451", unfold(r["Diagnostic-Code"]))
        stored = self.mx.wait_messages("slow@dest.test", timeout=60)
        self.assertEqual(self.stored_after_trace(stored[0], sent)[1],
                         sent.replace(b"\r\n", b"\n"))
        wait_for(lambda: "queue is empty" in self.queue_list(), 20, what="an empty queue")
        self.assertEqual(len(self.inbox()), 1, "one delay notice, no failure DSN")

    def test_6_sigkill_while_delivering_loses_nothing(self):
        to = ["bulk@dest.test"]
        # Hold the messages back (450) until all are queued, so the kill
        # falls in the middle of the deliveries.
        self.mx.set_access(dict(ACCESS, **{"bulk@dest.test": "450 4.2.0 not yet"}))
        try:
            # Two connections only: at full speed all messages could arrive
            # before the first poll on a loaded machine.
            self.start_tern(max_deliveries=2)
            tokens = [f"bulk6-{i:05d}" for i in range(MESSAGES)]
            began = time.monotonic()
            for start in range(0, MESSAGES, 50):
                self.submit(to, [message(t, to) for t in tokens[start:start + 50]])
            print(f"queued {MESSAGES} messages in {time.monotonic() - began:.1f}s")
        finally:
            self.mx.set_access(ACCESS)
        self.tern.admin("queue", "flush")
        counted = wait_for(lambda: len(self.mx.messages("bulk@dest.test")), 60, interval=0.01,
                           what="the first delivery")
        self.tern.signal(signal.SIGKILL)
        self.tern.proc.wait()
        self.tern.stop(expect_code=None)
        at_kill = len(self.mx.messages("bulk@dest.test"))
        print(f"SIGKILL after {counted} (at most {at_kill}) of {MESSAGES} arrived")
        self.assertLess(at_kill, MESSAGES, "all arrived before the kill: the test proved nothing")
        # No flush: a restarted server must pick up what it was delivering.
        self.tern.start(wait_ready=30)

        def arrived():
            seen = {}
            for raw in self.mx.messages("bulk@dest.test"):
                m = re.search(rb"^X-Test-Token: (\S+)$", raw, re.M)
                if m:
                    seen[m.group(1).decode()] = seen.get(m.group(1).decode(), 0) + 1
            return seen
        deadline = time.monotonic() + 150
        seen = arrived()
        while len(seen) < MESSAGES and time.monotonic() < deadline:
            time.sleep(0.5)
            seen = arrived()
        missing = [t for t in tokens if t not in seen]
        self.assertEqual(missing[:20], [], f"{len(missing)} messages never arrived")
        wait_for(lambda: "queue is empty" in self.queue_list(), 30, what="an empty queue")
        duplicates = {t: n for t, n in seen.items() if n > 1}
        extra = sum(n - 1 for n in duplicates.values())
        print(f"duplicates: {extra} extra copies {sorted(duplicates.items())}")
        # RFC 5321 6.1: a message whose 250 was not yet recorded may be sent
        # again; only deliveries in flight at the kill can be duplicated.
        self.assertLessEqual(extra, MAX_DELIVERIES)
        self.assertEqual(self.inbox(), [], "nothing should bounce")

    def test_8_outbound_mail_is_dkim_signed(self):
        import dkim  # python3-dkim (dkimpy)
        self.start_tern()
        records = {}
        for algorithm in ("rsa", "ed25519"):
            out = self.tern.admin("dkim", "keygen", "tern.test", "--algorithm", algorithm).stdout
            m = re.search(r'^(\S+)\._domainkey\.tern\.test\. IN TXT \((.*)\)$', out, re.M)
            self.assertIsNotNone(m, out)
            records[f"{m.group(1)}._domainkey.tern.test."] = "".join(
                re.findall(r'"([^"]*)"', m.group(2))).encode()
        sent = message("dkim8", ["signed@dest.test"])
        self.submit(["signed@dest.test"], [sent])
        stored = self.mx.wait_messages("signed@dest.test")[0]
        self.assertEqual(stored.count(b"DKIM-Signature:"), 2, stored[:3000])
        self.assertIn(b"a=ed25519-sha256", stored)
        self.assertIn(b"a=rsa-sha256", stored)
        # Postfix stores LF line ends; DKIM is computed over the CRLF form.
        wire = stored.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

        def dnsfunc(name, timeout=5):
            key = name.decode() if isinstance(name, bytes) else name
            return records.get(key if key.endswith(".") else key + ".", b"")
        d = dkim.DKIM(wire)
        for index in range(2):
            self.assertTrue(d.verify(idx=index, dnsfunc=dnsfunc),
                            f"signature {index} does not verify")


if __name__ == "__main__":
    harness.main()
