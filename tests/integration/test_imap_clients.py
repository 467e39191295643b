#!/usr/bin/python3
"""Real IMAP clients against the real binary (issue 4): mbsync (isync) and mutt
over IMAPS on loopback, trusting Tern's self-signed certificate.

mbsync: push a local Maildir of TERN_MBSYNC_MESSAGES messages (default 300)
to the server, pull them into a second Maildir and compare content hashes
(nothing lost, nothing duplicated, the server holds exactly that many); then a
flag change and a MOVE made on the server (imaplib) arrive in the second
Maildir, and a flag set there arrives on the server.
mutt: run in a pseudo-terminal on the account's INBOX; its index names a
subject we delivered.
imaplib: SORT, UID SORT and THREAD (RFC 5256) on a few appended messages."""
import collections
import hashlib
import imaplib
import os
import pty
import re
import select
import signal
import ssl
import subprocess
import time
import unittest

from harness import Tern

LISTENERS = [("imaps", "imap", "implicit")]
USER = "dana@example.test"
PASSWORD = "sync secret"
COUNT = int(os.environ.get("TERN_MBSYNC_MESSAGES", "300"))
MBSYNC_TIMEOUT = 120 + COUNT // 5


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def message(i):
    # Different sizes and a few MIME parts so bodies are not all alike.
    body = "".join("line %d of message %d\r\n" % (j, i) for j in range(1 + i % 40))
    return ("From: Sender %d <s%d@example.test>\r\nTo: %s\r\nSubject: sync note #%d.\r\n"
            "Message-ID: <sync-%d@example.test>\r\nDate: Mon, 6 Jan 2025 10:%02d:00 +0000\r\n"
            "\r\n%s" % (i, i, USER, i, i, i % 60, body)).encode()


def maildir(path):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    return path


def maildir_files(path):
    """(file path, info flags) of every message in a Maildir folder."""
    out = []
    for sub in ("cur", "new"):
        d = os.path.join(path, sub)
        for name in os.listdir(d):
            flags = name.split(":2,", 1)[1] if ":2," in name else ""
            out.append((os.path.join(d, name), flags))
    return out


def content_hash(data):
    # mbsync may add an X-TUID header to find the UID of what it uploaded;
    # it is bookkeeping, not content.
    data = re.sub(rb"(?m)^X-TUID: [^\r\n]*\r?\n", b"", data)
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()


def hashes(path):
    c = collections.Counter()
    for f, _ in maildir_files(path):
        with open(f, "rb") as fh:
            c[content_hash(fh.read())] += 1
    return c


def find_file(path, subject):
    """The file (and its flags) of the message with this exact subject."""
    pattern = re.compile(rb"(?m)^Subject: " + re.escape(subject.encode()) + rb"\r?$")
    for f, flags in maildir_files(path):
        with open(f, "rb") as fh:
            if pattern.search(fh.read()):
                return f, flags
    return None, None


def uid_of(m, subject):
    typ, data = m.uid("SEARCH", None, "HEADER", "Subject", '"%s"' % subject)
    uids = data[0].split()
    if typ != "OK" or len(uids) != 1:
        raise AssertionError("expected one message %r, got %r" % (subject, data))
    return uids[0]


class RealClients(unittest.TestCase):
    def setUp(self):
        self.t = Tern(listeners=LISTENERS)
        self.t.add_user(USER, PASSWORD)
        self.t.start()
        self.cert = os.path.join(self.t.dir, "data", "tls", "cert.pem")
        self.assertTrue(os.path.exists(self.cert), "no self-signed certificate at " + self.cert)

    def tearDown(self):
        self.t.__exit__(None, None, None)

    def imap(self):
        m = imaplib.IMAP4_SSL("127.0.0.1", self.t.ports["imaps"], ssl_context=tls_context())
        m.login(USER, PASSWORD)
        return m

    # -- mbsync --
    def mbsync_config(self, name, local):
        rc = os.path.join(self.t.dir, name + ".mbsyncrc")
        with open(rc, "w") as f:
            f.write(f"""IMAPAccount tern
Host 127.0.0.1
Port {self.t.ports["imaps"]}
User {USER}
Pass "{PASSWORD}"
SSLType IMAPS
CertificateFile {self.cert}
Timeout 60

IMAPStore far
Account tern

MaildirStore near
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel both
Far :far:
Near :near:
Patterns INBOX Archive
Create Both
Expunge Both
SyncState *
""")
        return rc

    def mbsync(self, rc):
        r = subprocess.run(["mbsync", "-c", rc, "-a"], capture_output=True, text=True,
                           timeout=MBSYNC_TIMEOUT)
        self.assertEqual(r.returncode, 0, "mbsync failed:\n" + r.stdout + r.stderr +
                         self.t.log()[-3000:])
        return r

    def test_mbsync_two_way(self):
        one = os.path.join(self.t.dir, "one")
        two = os.path.join(self.t.dir, "two")
        inbox = maildir(os.path.join(one, "INBOX"))
        maildir(os.path.join(one, "Archive"))
        for i in range(COUNT):
            with open(os.path.join(inbox, "cur", "1700000000.%d_%d.local:2," % (i, i)), "wb") as f:
                f.write(message(i))
        sent = hashes(inbox)
        self.assertEqual(sum(sent.values()), COUNT)

        start = time.monotonic()
        self.mbsync(self.mbsync_config("one", one))
        push_seconds = time.monotonic() - start
        m = self.imap()
        typ, data = m.select("INBOX")
        self.assertEqual(typ, "OK")
        self.assertEqual(int(data[0]), COUNT, "server should hold each message once")

        start = time.monotonic()
        os.makedirs(two)
        rc_two = self.mbsync_config("two", two)
        self.mbsync(rc_two)
        pull_seconds = time.monotonic() - start
        self.assertEqual(hashes(os.path.join(two, "INBOX")), sent,
                         "pulled messages differ from pushed ones")
        print("mbsync %d messages: push %.1fs, pull %.1fs" % (COUNT, push_seconds, pull_seconds))

        # Server side: flag one message, move another to Archive.
        flag_uid = uid_of(m, "sync note #7.")
        typ, _ = m.uid("STORE", flag_uid, "+FLAGS", "(\\Flagged)")
        self.assertEqual(typ, "OK")
        move_uid = uid_of(m, "sync note #8.")
        typ, data = m._simple_command("UID", "MOVE", move_uid, "Archive")
        self.assertEqual(typ, "OK", data)
        self.mbsync(rc_two)
        f, flags = find_file(os.path.join(two, "INBOX"), "sync note #7.")
        self.assertIsNotNone(f)
        self.assertIn("F", flags, "server-side \\Flagged did not arrive")
        f, _ = find_file(os.path.join(two, "INBOX"), "sync note #8.")
        self.assertIsNone(f, "moved message still in the local INBOX")
        f, _ = find_file(os.path.join(two, "Archive"), "sync note #8.")
        self.assertIsNotNone(f, "moved message did not arrive in the local Archive")
        self.assertEqual(sum(hashes(os.path.join(two, "INBOX")).values()), COUNT - 1)

        # Local side: mark one message seen and answered; it reaches the server.
        f, flags = find_file(os.path.join(two, "INBOX"), "sync note #9.")
        self.assertEqual(flags, "")
        os.rename(f, f + "RS" if f.endswith(":2,") else f + ":2,RS")
        self.mbsync(rc_two)
        m.select("INBOX")
        uid = uid_of(m, "sync note #9.")
        typ, data = m.uid("FETCH", uid, "(FLAGS)")
        flags = data[0].decode()
        self.assertIn("\\Seen", flags)
        self.assertIn("\\Answered", flags)
        typ, data = m.select("Archive")
        self.assertEqual(int(data[0]), 1)
        m.logout()

    # -- mutt --
    def test_mutt_lists_inbox(self):
        m = self.imap()
        for i in (1, 2, 3):
            typ, _ = m.append("INBOX", None, None, message(i))
            self.assertEqual(typ, "OK")
        m.logout()
        muttrc = os.path.join(self.t.dir, "muttrc")
        port = self.t.ports["imaps"]
        with open(muttrc, "w") as f:
            f.write(f"""set imap_user="{USER}"
set imap_pass="{PASSWORD}"
set folder="imaps://127.0.0.1:{port}/"
set spoolfile="+INBOX"
set certificate_file="{self.cert}"
set ssl_verify_host=no
set ssl_verify_dates=no
set header_cache=""
set message_cachedir=""
set sort=date
set index_format="%4C %-20.20F %s"
set confirmappend=no
set quit=yes
set mail_check=60
set timeout=60
""")
        env = dict(os.environ, TERM="vt100", HOME=self.t.dir, LINES="40", COLUMNS="160")
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execvpe("mutt", ["mutt", "-n", "-F", muttrc, "-R",
                                    "-f", f"imaps://127.0.0.1:{port}/INBOX"], env)
            finally:
                os._exit(127)
        screen = b""
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline and b"sync note #2." not in screen:
                r, _, _ = select.select([fd], [], [], 0.5)
                if not r:
                    continue
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                screen += chunk
                # An unknown certificate would be asked about; accept it once.
                if b"(r)eject" in chunk:
                    os.write(fd, b"o")
            if b"sync note #2." in screen:
                os.write(fd, b"q")
        finally:
            end = time.monotonic() + 5
            while time.monotonic() < end:
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            os.close(fd)
        text = screen.decode("utf-8", "replace")
        self.assertIn("sync note #2.", text, "mutt's index did not show the subject:\n" + text[-2000:])
        self.assertIn("Sender 1", text)

    # -- imaplib: SORT and THREAD (RFC 5256) --
    def test_imaplib_sort_and_thread(self):
        m = self.imap()
        try:
            typ, caps = m.capability()
            for cap in (b"SORT", b"SORT=DISPLAY", b"THREAD=REFERENCES", b"THREAD=ORDEREDSUBJECT"):
                self.assertIn(cap, caps[0].split())
            m.create("Sorted")
            mails = [
                ("<p1@example.test>", "", "Plan", "Wed, 1 Jan 2020 10:00:00 +0000"),
                ("<p2@example.test>", "In-Reply-To: <p1@example.test>\r\n", "Re: Plan",
                 "Wed, 1 Jan 2020 12:00:00 +0100"),
                ("<o1@example.test>", "", "[list] Other", "Wed, 1 Jan 2020 09:00:00 +0000"),
            ]
            for mid, extra, subject, date in mails:
                raw = ("From: a@example.test\r\nMessage-ID: %s\r\n%sSubject: %s\r\n"
                       "Date: %s\r\n\r\nbody\r\n" % (mid, extra, subject, date))
                typ, _ = m.append("Sorted", None, None, raw.encode())
                self.assertEqual(typ, "OK")
            m.select("Sorted")
            # Message 2's 12:00 +0100 is 11:00 UTC: after 1, and 3 is first.
            typ, data = m.sort("(DATE)", "UTF-8", "ALL")
            self.assertEqual((typ, data), ("OK", [b"3 1 2"]))
            typ, data = m.sort("(SUBJECT REVERSE DATE)", "UTF-8", "ALL")
            self.assertEqual((typ, data), ("OK", [b"3 2 1"]))
            typ, data = m.uid("SORT", "(REVERSE ARRIVAL)", "UTF-8", "ALL")
            self.assertEqual(typ, "OK")
            self.assertEqual(len(data[0].split()), 3)
            typ, data = m.thread("REFERENCES", "UTF-8", "ALL")
            self.assertEqual((typ, data), ("OK", [b"(3)(1 2)"]))
            typ, data = m.thread("ORDEREDSUBJECT", "UTF-8", "ALL")
            self.assertEqual((typ, data), ("OK", [b"(3)(1 2)"]))
            typ, data = m.sort("(DATE)", "KOI8-R", "ALL")
            self.assertEqual(typ, "NO")
            self.assertIn(b"[BADCHARSET", data[0])
        finally:
            m.logout()

if __name__ == "__main__":
    unittest.main(verbosity=2)
