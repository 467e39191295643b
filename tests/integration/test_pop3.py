#!/usr/bin/python3
"""POP3 (issue 5) against the real binary: STLS and implicit TLS logins with
Python's poplib, messages delivered over SMTP then retrieved intact (sha256),
DELE/QUIT/RSET semantics, no deletion when the client drops or the server is
killed with SIGKILL before QUIT, a large maildrop, IN-USE for a second
session, and fetchmail downloading a maildrop."""
import hashlib
import os
import poplib
import shutil
import smtplib
import ssl
import subprocess
import tempfile
import time
import unittest

import harness
from harness import Tern

LISTENERS = [
    ("smtp", "smtp", "starttls"),
    ("pop3", "pop3", "starttls"),
    ("pop3s", "pop3", "implicit"),
]
USER = "bob@example.test"
PASSWORD = "pop3 secret"


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def make_message(i, lines=20):
    body = b"".join(b"line %d of message %d\r\n" % (n, i) for n in range(lines))
    # A line starting with "." checks stuffing both ways (SMTP and POP3).
    return (b"From: alice@example.test\r\nTo: " + USER.encode() + b"\r\nSubject: message %d\r\n"
            b"X-Test-Id: %d\r\n\r\n.dot line\r\n" % (i, i) + body)


def deliver(t, messages):
    with smtplib.SMTP("127.0.0.1", t.ports["smtp"], timeout=30) as s:
        s.ehlo("client.test")
        for m in messages:
            s.sendmail("alice@example.test", [USER], m)


def login(t, implicit=False):
    if implicit:
        p = poplib.POP3_SSL("127.0.0.1", t.ports["pop3s"], timeout=30, context=tls_context())
    else:
        p = poplib.POP3("127.0.0.1", t.ports["pop3"], timeout=30)
        p.stls(context=tls_context())
    p.user(USER)
    p.pass_(PASSWORD)
    return p


def login_when_unlocked(t, seconds=10):
    """The server releases the lock when it notices a dropped connection."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return login(t)
        except poplib.error_proto as e:
            if b"IN-USE" not in e.args[0] or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def retrieved(p, n):
    _, lines, _ = p.retr(n)
    return b"\r\n".join(lines) + b"\r\n"


def sha(b):
    return hashlib.sha256(b).hexdigest()


class Pop3Server(unittest.TestCase):
    def setUp(self):
        self.t = Tern(listeners=LISTENERS)
        self.t.add_user(USER, PASSWORD)
        self.t.start()

    def tearDown(self):
        self.t.__exit__(None, None, None)

    def assert_intact(self, sent, got):
        # Tern adds Return-Path, Delivered-To and Received at the top.
        self.assertTrue(got.endswith(sent), got[:400])
        self.assertEqual(sha(got[len(got) - len(sent):]), sha(sent))

    def test_stls_and_implicit_tls_login_list_retr(self):
        msgs = [make_message(i) for i in range(5)]
        deliver(self.t, msgs)
        for implicit in (False, True):
            p = login(self.t, implicit)
            caps = p.capa()
            self.assertIn("UIDL", caps)
            self.assertIn("RESP-CODES", caps)
            self.assertNotIn("STLS", caps)
            count, _ = p.stat()
            self.assertEqual(count, 5)
            _, listing, _ = p.list()
            for i, m in enumerate(msgs):
                got = retrieved(p, i + 1)
                self.assert_intact(m, got)
                # LIST reports the exact octet count of what RETR sends.
                self.assertEqual(int(listing[i].split()[1]), len(got))
            p.quit()

    def test_plaintext_login_refused_before_stls(self):
        p = poplib.POP3("127.0.0.1", self.t.ports["pop3"], timeout=30)
        self.assertIn("STLS", p.capa())
        with self.assertRaises(poplib.error_proto) as e:
            p.user(USER)
        self.assertIn(b"TLS required", e.exception.args[0])
        p.quit()

    def test_uidl_stable_across_sessions(self):
        deliver(self.t, [make_message(i) for i in range(3)])
        p = login(self.t)
        first = p.uidl()[1]
        p.quit()
        p = login(self.t)
        self.assertEqual(p.uidl()[1], first)
        p.quit()

    def test_dele_quit_removes_and_rset_keeps(self):
        deliver(self.t, [make_message(i) for i in range(3)])
        p = login(self.t)
        p.dele(1)
        p.rset()
        p.quit()
        p = login(self.t)
        self.assertEqual(p.stat()[0], 3)
        ids = p.uidl()[1]
        p.dele(1)
        p.quit()
        p = login(self.t)
        self.assertEqual(p.stat()[0], 2)
        self.assertEqual(p.uidl()[1][0].split()[1], ids[1].split()[1])
        p.quit()

    def test_dele_then_disconnect_keeps(self):
        deliver(self.t, [make_message(i) for i in range(2)])
        p = login(self.t)
        p.dele(1)
        p.dele(2)
        p.file.close()  # no QUIT: close both the file and the socket that share the fd
        p.sock.close()
        p = login_when_unlocked(self.t)
        self.assertEqual(p.stat()[0], 2)
        p.quit()

    def test_server_killed_before_quit_keeps(self):
        deliver(self.t, [make_message(i) for i in range(2)])
        p = login(self.t)
        p.dele(1)
        self.t.proc.kill()  # SIGKILL
        self.t.proc.wait()
        p.sock.close()
        self.t.stop(expect_code=None)
        self.t.start()
        p = login(self.t)
        self.assertEqual(p.stat()[0], 2)
        p.quit()

    def test_second_session_gets_in_use(self):
        p = login(self.t)
        with self.assertRaises(poplib.error_proto) as e:
            login(self.t, implicit=True)
        self.assertIn(b"[IN-USE]", e.exception.args[0])
        p.quit()
        login_when_unlocked(self.t).quit()

    def test_1000_messages_retrieved_intact(self):
        # Issue 5: 1,000 messages, each one's hash equal to the one sent.
        msgs = [make_message(i, lines=i % 50) for i in range(1000)]
        deliver(self.t, msgs)
        p = login(self.t)
        self.assertEqual(p.stat()[0], 1000)
        for i, m in enumerate(msgs):
            self.assert_intact(m, retrieved(p, i + 1))
        for i in range(1000):
            p.dele(i + 1)
        p.quit()
        p = login(self.t)
        self.assertEqual(p.stat()[0], 0)
        p.quit()


class Fetchmail(unittest.TestCase):
    def test_fetchmail_downloads_1000_messages(self):
        fetchmail = shutil.which("fetchmail")
        self.assertIsNotNone(fetchmail, "fetchmail is in scripts/install-deps.sh test packages")
        with Tern(listeners=LISTENERS) as t:
            t.add_user(USER, PASSWORD)
            msgs = [make_message(i) for i in range(1000)]
            deliver(t, msgs)
            work = tempfile.mkdtemp(prefix="tern-fetchmail-")
            try:
                mbox = os.path.join(work, "mbox")
                rc = os.path.join(work, "fetchmailrc")
                with open(rc, "w") as f:
                    f.write(f'poll 127.0.0.1 service {t.ports["pop3"]} protocol pop3 timeout 60\n'
                            f'  user "{USER}" there with password "{PASSWORD}"\n'
                            f'  sslproto "TLS1.2+" no sslcertck fetchall\n'
                            f'  mda "cat >> {mbox}"\n')
                os.chmod(rc, 0o600)
                r = subprocess.run([fetchmail, "-f", rc, "--nosyslog", "-N", "-v"], capture_output=True,
                                   text=True, timeout=300, env=dict(os.environ, HOME=work))
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                with open(mbox, "rb") as f:
                    data = f.read()
                # fetchmail hands the MDA LF line ends; every message whole, once.
                for i, m in enumerate(msgs):
                    self.assertEqual(data.count(m.replace(b"\r\n", b"\n")), 1, f"message {i}")
                self.assertEqual(data.count(b"X-Test-Id: "), 1000)
                # Without "keep", fetchmail deleted them: QUIT committed.
                p = login_when_unlocked(t)
                self.assertEqual(p.stat()[0], 0)
                p.quit()
            finally:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    harness.main()
