#!/usr/bin/python3
"""SMTP receiving and submission (issue 3) against the real `tern serve`, with
real clients: Python's smtplib, swaks, and raw sockets for exact bytes.

Every accepted message is then read back through `tern mail list` and
`tern mail show` and compared byte for byte: the stored message must be the
bytes the client sent (dot-stuffing undone), preceded only by the trace
fields Tern adds (Return-Path, Delivered-To, Received; Message-ID and Date on
submission when missing)."""
import re
import smtplib
import ssl
import subprocess
import threading
import time
import unittest

import harness
from harness import LineClient, Tern

ADDED_FIELDS = re.compile(rb"(Return-Path|Delivered-To|Received|Authentication-Results|Message-ID|Date):")


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def mailbox(t, address, name="INBOX"):
    """The (uid, size) of each message, from `tern mail list`."""
    r = t.admin("mail", "list", address, name)
    out = []
    for line in r.stdout.splitlines():
        parts = line.split()
        if parts:
            out.append((int(parts[0]), int(parts[1])))
    return out


def show(t, address, name, uid):
    r = subprocess.run([harness.TERN_BIN, "-c", t.config, "mail", "show", address, name, str(uid)],
                       capture_output=True, timeout=60, env=t.env)
    if r.returncode != 0:
        raise AssertionError(f"tern mail show failed: {r.stderr!r}")
    return r.stdout


def messages(t, address, name="INBOX"):
    return [show(t, address, name, uid) for uid, _ in mailbox(t, address, name)]


def added_prefix_ok(prefix):
    """True when `prefix` is only whole header fields Tern adds."""
    if prefix and not prefix.endswith(b"\r\n"):
        return False
    fields = re.split(rb"\r\n(?![ \t])", prefix[:-2]) if prefix else []
    return all(ADDED_FIELDS.match(f) for f in fields)


class SmtpCase(unittest.TestCase):
    """A server with example.org, alice and bob, shared by a class's tests."""
    settings = None
    listeners = harness.PROTOCOL_TLS

    @classmethod
    def setUpClass(cls):
        cls.t = Tern(cls.settings, listeners=cls.listeners)
        cls.t.add_user("alice@example.org", "alice-secret")
        cls.t.add_user("bob@example.org", "bob-secret")
        cls.t.start()

    @classmethod
    def tearDownClass(cls):
        cls.t.__exit__(None, None, None)

    def assertStored(self, address, sent, name="INBOX", copies=1):
        """Exactly `copies` stored messages end with `sent`, behind Tern's own fields."""
        found = [m for m in messages(self.t, address, name) if m.endswith(sent)]
        self.assertEqual(len(found), copies,
                         f"{address} {name}: want {copies} copies of {sent[:200]!r}, have "
                         f"{[m[-200:] for m in messages(self.t, address, name)]}")
        for m in found:
            prefix = m[:len(m) - len(sent)]
            self.assertTrue(added_prefix_ok(prefix), f"unexpected bytes before the message: {prefix!r}")
        return found[0]

    def count(self, address, name="INBOX"):
        return len(mailbox(self.t, address, name))


def message(subject, body=b"hello\r\n", sender=b"sender@remote.test", extra=b""):
    if isinstance(subject, str):
        subject = subject.encode()
    return (b"From: " + sender + b"\r\nTo: alice@example.org\r\nSubject: " + subject + b"\r\n" +
            extra + b"\r\n" + body)


class Receive(SmtpCase):
    def test_plain_port25_to_local_user(self):
        msg = message("plain 25", b"line one\r\n.leading dot\r\n")
        with smtplib.SMTP("127.0.0.1", self.t.ports["smtp"], timeout=10) as s:
            s.ehlo("client.test")
            refused = s.sendmail("sender@remote.test", ["alice@example.org"], msg)
            self.assertEqual(refused, {})
        stored = self.assertStored("alice@example.org", msg)
        self.assertIn(b"with ESMTP id", stored)
        self.assertIn(b"Return-Path: <sender@remote.test>\r\n", stored)
        self.assertIn(b"Delivered-To: alice@example.org\r\n", stored)

    def test_starttls_port25(self):
        msg = message("over starttls")
        with smtplib.SMTP("127.0.0.1", self.t.ports["smtp"], timeout=10) as s:
            s.ehlo("client.test")
            s.starttls(context=tls_context())
            s.ehlo("client.test")
            self.assertFalse(s.has_extn("starttls"))
            self.assertFalse(s.has_extn("auth"))
            s.sendmail("sender@remote.test", ["alice@example.org"], msg)
        stored = self.assertStored("alice@example.org", msg)
        self.assertIn(b"with ESMTPS id", stored)
        self.assertIn(b"version=TLSv1.", stored)

    def test_relay_and_unknown_user_refused(self):
        with smtplib.SMTP("127.0.0.1", self.t.ports["smtp"], timeout=10) as s:
            s.ehlo("client.test")
            s.mail("sender@remote.test")
            code, text = s.rcpt("victim@elsewhere.test")
            self.assertEqual((code, text[:5]), (554, b"5.7.1"))
            code, text = s.rcpt("nobody@example.org")
            self.assertEqual((code, text[:5]), (550, b"5.1.1"))

    def test_pipelining_several_messages_in_one_write(self):
        before = self.count("bob@example.org")
        bodies = [message(f"pipelined {i}", f"number {i}\r\n".encode()) for i in range(3)]
        script = b"EHLO client.test\r\n"
        for b in bodies:
            script += b"MAIL FROM:<sender@remote.test>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"
            script += b + b".\r\n"
        script += b"QUIT\r\n"
        c = LineClient(self.t.ports["smtp"])
        try:
            self.assertTrue(c.reply().startswith("220 "))
            c.send(script)
            replies = [c.reply() for _ in range(1 + 4 * 3 + 1)]
        finally:
            c.close()
        self.assertTrue(replies[0].startswith("250-"), replies)
        codes = [r[:3] for r in replies[1:]]
        self.assertEqual(codes, ["250", "250", "354", "250"] * 3 + ["221"], replies)
        self.assertEqual(self.count("bob@example.org"), before + 3)
        for b in bodies:
            self.assertStored("bob@example.org", b)

    def test_bdat_over_a_raw_socket(self):
        part1 = message("bdat", b"")
        part2 = b"first chunk\r\n.not stuffed\r\nbare\nlf\r\n"
        c = LineClient(self.t.ports["smtp"])
        try:
            c.reply()
            c.send("EHLO client.test\r\n")
            self.assertIn("CHUNKING", c.reply())
            c.send("MAIL FROM:<sender@remote.test>\r\nRCPT TO:<alice@example.org>\r\n")
            self.assertTrue(c.reply().startswith("250"))
            self.assertTrue(c.reply().startswith("250"))
            c.send(f"BDAT {len(part1)}\r\n".encode() + part1)
            self.assertTrue(c.reply().startswith("250 2.0.0"))
            c.send(f"BDAT {len(part2)} LAST\r\n".encode() + part2)
            self.assertRegex(c.reply(), r"^250 2\.0\.0 Ok")
            c.send("QUIT\r\n")
            self.assertTrue(c.reply().startswith("221"))
        finally:
            c.close()
        self.assertStored("alice@example.org", part1 + part2)

    def test_smtputf8_address_with_smtplib(self):
        self.t.admin("alias", "add", "jörg@example.org", "alice@example.org")
        msg = message("utf8 envelope", sender="sébastien@remote.test".encode())
        with smtplib.SMTP("127.0.0.1", self.t.ports["smtp"], timeout=10) as s:
            s.ehlo("client.test")
            self.assertTrue(s.has_extn("smtputf8"))
            refused = s.sendmail("sébastien@remote.test", ["jörg@example.org"], msg,
                                 mail_options=["SMTPUTF8"])
            self.assertEqual(refused, {})
        stored = self.assertStored("alice@example.org", msg)
        self.assertIn("Return-Path: <sébastien@remote.test>".encode(), stored)

    def test_8bitmime_body_bytes_preserved(self):
        body = "Käse, Größe, 日本語\r\n".encode() + b"\xff\xfe raw octets\r\n"
        msg = message("8bit body", body, extra=b"Content-Type: text/plain; charset=utf-8\r\n"
                      b"Content-Transfer-Encoding: 8bit\r\n")
        with smtplib.SMTP("127.0.0.1", self.t.ports["smtp"], timeout=10) as s:
            s.ehlo("client.test")
            s.sendmail("sender@remote.test", ["alice@example.org"], msg,
                       mail_options=["BODY=8BITMIME"])
        self.assertStored("alice@example.org", msg)

    def test_smuggling_over_a_real_socket(self):
        for seq in (b"\n.\n", b"\n.\r\n", b"\r.\r\n", b"\r\n.\n"):
            with self.subTest(seq=seq):
                before = self.count("bob@example.org")
                tag = seq.hex().encode()
                data = (b"Subject: smuggle " + tag + b"\r\n\r\nhello" + seq +
                        b"MAIL FROM:<evil@attacker.test>\r\nRCPT TO:<bob@example.org>\r\n"
                        b"DATA\r\nSubject: smuggled " + tag + b"\r\n\r\nevil\r\n")
                c = LineClient(self.t.ports["smtp"])
                try:
                    c.reply()
                    c.send(b"EHLO client.test\r\nMAIL FROM:<sender@remote.test>\r\n"
                           b"RCPT TO:<bob@example.org>\r\nDATA\r\n")
                    replies = [c.reply() for _ in range(4)]
                    self.assertTrue(replies[3].startswith("354"), replies)
                    c.send(data + b".\r\nQUIT\r\n")
                    self.assertRegex(c.reply(), r"^250 2\.0\.0 ")
                    self.assertTrue(c.reply().startswith("221"))
                    self.assertTrue(c.closed())
                finally:
                    c.close()
                self.assertEqual(self.count("bob@example.org"), before + 1)
                stored = [m for m in messages(self.t, "bob@example.org") if tag in m]
                self.assertEqual(len(stored), 1)
                self.assertIn(b"MAIL FROM:<evil@attacker.test>", stored[0])

    def test_100_messages_in_10_parallel_sessions(self):
        self.t.add_user("load@example.org", "load-secret")
        errors = []

        def session(n):
            try:
                with smtplib.SMTP("127.0.0.1", self.t.ports["smtp"], timeout=60) as s:
                    s.ehlo(f"load{n}.test")
                    for i in range(10):
                        s.sendmail("sender@remote.test", ["load@example.org"],
                                   message(f"load {n}-{i}"))
            except Exception as e:  # reported below, with the session number
                errors.append(f"session {n}: {e!r}")

        threads = [threading.Thread(target=session, args=(n,)) for n in range(10)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(120)
        self.assertEqual(errors, [])
        stored = messages(self.t, "load@example.org")
        self.assertEqual(len(stored), 100)
        subjects = {re.search(rb"Subject: (load [0-9]+-[0-9]+)\r\n", m).group(1) for m in stored}
        self.assertEqual(len(subjects), 100)


class Submission(SmtpCase):
    def send_as_alice(self, s, subject):
        msg = (b"From: alice@example.org\r\nTo: bob@example.org\r\nSubject: " + subject.encode() +
               b"\r\n\r\nfrom alice\r\n")
        self.assertEqual(s.sendmail("alice@example.org", ["bob@example.org"], msg), {})
        return msg

    def test_auth_plain_after_starttls(self):
        with smtplib.SMTP("127.0.0.1", self.t.ports["submission"], timeout=10) as s:
            s.ehlo("laptop.test")
            self.assertFalse(s.has_extn("auth"))
            s.starttls(context=tls_context())
            s.ehlo("laptop.test")
            self.assertEqual(s.esmtp_features["auth"].split(), ["PLAIN", "LOGIN"])
            s.user, s.password = "alice@example.org", "alice-secret"
            code, _ = s.auth("PLAIN", s.auth_plain, initial_response_ok=True)
            self.assertEqual(code, 235)
            msg = self.send_as_alice(s, "auth plain")
        stored = self.assertStored("bob@example.org", msg)
        self.assertIn(b"with ESMTPSA id", stored)
        self.assertRegex(stored, rb"\r\nMessage-ID: <[^>]+@mx\.tern\.test>\r\n")
        self.assertRegex(stored, rb"\r\nDate: ")

    def test_auth_login_both_ways(self):
        for initial in (True, False):
            with self.subTest(initial_response=initial):
                with smtplib.SMTP("127.0.0.1", self.t.ports["submission"], timeout=10) as s:
                    s.starttls(context=tls_context())
                    s.ehlo("laptop.test")
                    s.user, s.password = "alice@example.org", "alice-secret"
                    code, _ = s.auth("LOGIN", s.auth_login, initial_response_ok=initial)
                    self.assertEqual(code, 235)
                    msg = self.send_as_alice(s, f"auth login {initial}")
                self.assertStored("bob@example.org", msg)

    def test_auth_before_tls_and_wrong_password(self):
        with smtplib.SMTP("127.0.0.1", self.t.ports["submission"], timeout=10) as s:
            s.ehlo("laptop.test")
            code, text = s.docmd("AUTH", "PLAIN AGFsaWNlQGV4YW1wbGUub3JnAGFsaWNlLXNlY3JldA==")
            self.assertEqual((code, text[:5]), (530, b"5.7.0"))
            s.starttls(context=tls_context())
            s.ehlo("laptop.test")
            with self.assertRaises(smtplib.SMTPAuthenticationError) as cm:
                s.login("alice@example.org", "wrong")
            self.assertEqual(cm.exception.smtp_code, 535)

    def test_sender_not_owned(self):
        with smtplib.SMTP("127.0.0.1", self.t.ports["submission"], timeout=10) as s:
            s.starttls(context=tls_context())
            s.login("alice@example.org", "alice-secret")
            code, text = s.mail("bob@example.org")
            self.assertEqual((code, text[:5]), (553, b"5.7.1"))

    def test_implicit_tls_465(self):
        with smtplib.SMTP_SSL("127.0.0.1", self.t.ports["submissions"], timeout=10,
                              context=tls_context()) as s:
            s.ehlo("laptop.test")
            self.assertFalse(s.has_extn("starttls"))
            s.login("alice@example.org", "alice-secret")
            msg = self.send_as_alice(s, "implicit tls")
        self.assertIn(b"with ESMTPSA id", self.assertStored("bob@example.org", msg))


class Swaks(SmtpCase):
    def swaks(self, port, subject, *extra):
        # swaks ends the data with CRLF itself and sends every line with CRLF.
        data = f"From: alice@example.org\nTo: bob@example.org\nSubject: {subject}\n\nvia swaks"
        r = subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(port), "--helo",
                            "swaks.test", "--from", "alice@example.org", "--to", "bob@example.org",
                            "--data", data, "--timeout", "20", *extra],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return (data + "\n").replace("\n", "\r\n").encode()

    def test_plain(self):
        self.assertStored("bob@example.org", self.swaks(self.t.ports["smtp"], "swaks plain"))

    def test_plain_pipelined(self):
        sent = self.swaks(self.t.ports["smtp"], "swaks pipeline", "--pipeline")
        self.assertStored("bob@example.org", sent)

    def test_starttls(self):
        sent = self.swaks(self.t.ports["smtp"], "swaks starttls", "--tls")
        self.assertIn(b"with ESMTPS id", self.assertStored("bob@example.org", sent))

    def test_auth_plain_on_submission(self):
        sent = self.swaks(self.t.ports["submission"], "swaks auth", "--tls", "--auth", "PLAIN",
                          "--auth-user", "alice@example.org", "--auth-password", "alice-secret")
        self.assertIn(b"with ESMTPSA id", self.assertStored("bob@example.org", sent))

    def test_auth_login_on_submission(self):
        sent = self.swaks(self.t.ports["submission"], "swaks login", "--tls", "--auth", "LOGIN",
                          "--auth-user", "alice@example.org", "--auth-password", "alice-secret")
        self.assertStored("bob@example.org", sent)

    def test_tls_on_connect_465(self):
        sent = self.swaks(self.t.ports["submissions"], "swaks 465", "--tls-on-connect", "--auth",
                          "PLAIN", "--auth-user", "alice@example.org", "--auth-password",
                          "alice-secret")
        self.assertIn(b"with ESMTPSA id", self.assertStored("bob@example.org", sent))


class Limits(SmtpCase):
    settings = {"smtp": {"greeting_delay_ms": 500, "max_message_size": 2000}}

    def test_early_talker_refused(self):
        c = LineClient(self.t.ports["smtp"])
        try:
            c.send("EHLO impatient.test\r\n")
            reply = c.reply()
            self.assertTrue(reply.startswith("554 5.5.0"), reply)
            self.assertTrue(c.closed())
        finally:
            c.close()

    def test_patient_client_served_after_the_delay(self):
        start = time.monotonic()
        with smtplib.SMTP("127.0.0.1", self.t.ports["smtp"], timeout=10) as s:
            self.assertGreaterEqual(time.monotonic() - start, 0.4)
            code, _ = s.ehlo("patient.test")
            self.assertEqual(code, 250)

    def test_oversize_refused_and_not_stored(self):
        before = self.count("alice@example.org")
        msg = message("too big", (b"x" * 70 + b"\r\n") * 40)
        # A client that declares SIZE is refused at MAIL (RFC 1870 6).
        with smtplib.SMTP("127.0.0.1", self.t.ports["smtp"], timeout=10) as s:
            s.ehlo("client.test")
            with self.assertRaises(smtplib.SMTPSenderRefused) as cm:
                s.sendmail("sender@remote.test", ["alice@example.org"], msg)
            self.assertEqual(cm.exception.smtp_code, 552)
            self.assertTrue(cm.exception.smtp_error.startswith(b"5.3.4"))
        # One that does not is refused after the data, and the session goes on.
        c = LineClient(self.t.ports["smtp"])
        try:
            self.assertTrue(c.reply().startswith("220"))  # waits out the greeting delay
            c.send(b"EHLO client.test\r\nMAIL FROM:<sender@remote.test>\r\n"
                   b"RCPT TO:<alice@example.org>\r\nDATA\r\n")
            replies = [c.reply() for _ in range(4)]
            self.assertTrue(replies[3].startswith("354"), replies)
            c.send(b"Subject: too big\r\n\r\n" + (b"y" * 98 + b"\r\n") * 30 + b".\r\nNOOP\r\n")
            reply = c.reply()
            self.assertTrue(reply.startswith("552 5.3.4"), reply)
            self.assertTrue(c.reply().startswith("250"))
        finally:
            c.close()
        self.assertEqual(self.count("alice@example.org"), before)

if __name__ == "__main__":
    harness.main()
