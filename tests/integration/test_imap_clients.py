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
imaplib: SORT, UID SORT and THREAD (RFC 5256) on a few appended messages.
COMPRESS=DEFLATE (RFC 4978): imaplib has none, so a hand-driven client
(DeflateClient: TLS socket + zlib raw DEFLATE both ways) appends and fetches
a large message compressed inside TLS and idles; mbsync uses COMPRESS by
itself when offered; mutt with $imap_deflate.
IDLE (RFC 2177): the delay from another session's APPEND to the untagged
EXISTS, printed and held under one second."""
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
import socket
import time
import unittest
import zlib

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


class DeflateClient:
    """A hand-driven IMAP client over implicit TLS that can switch on
    COMPRESS=DEFLATE (RFC 4978): raw DEFLATE (wbits -15) both ways, inside
    TLS; each command is sent with Z_SYNC_FLUSH, as the client waits for the
    answer."""

    def __init__(self, port):
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock = tls_context().wrap_socket(raw)
        self.buf = b""
        self.out = None  # zlib compressor once COMPRESS is on
        self.inp = None  # zlib decompressor
        self.wire_in = 0  # octets received from the socket
        self.plain_in = 0  # octets after decompression
        self.n = 0
        self.greeting = self.line()

    def _recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("server closed the connection")
        self.wire_in += len(data)
        if self.inp:
            data = self.inp.decompress(data)
        self.plain_in += len(data)
        self.buf += data

    def line(self):
        while b"\r\n" not in self.buf:
            self._recv()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def exact(self, n):
        while len(self.buf) < n:
            self._recv()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def response(self):
        """One response with its literals inline."""
        out = self.line()
        while True:
            m = re.search(rb"\{(\d+)\}\r\n$", out)
            if not m:
                return out
            out += self.exact(int(m.group(1))) + self.line()

    def send(self, data):
        if self.out:
            data = self.out.compress(data) + self.out.flush(zlib.Z_SYNC_FLUSH)
        self.sock.sendall(data)

    def command(self, text):
        """Sends `text` (bytes, may hold LITERAL+ literals) under a new tag;
        returns (untagged responses, tagged line)."""
        self.n += 1
        tag = b"t%d" % self.n
        self.send(tag + b" " + text + b"\r\n")
        untagged = []
        while True:
            r = self.response()
            if r.startswith(tag + b" "):
                return untagged, r
            untagged.append(r)

    def compress(self):
        untagged, tagged = self.command(b"COMPRESS DEFLATE")
        if b" OK " in tagged:
            # RFC 4978 3: both sides compress from right after the OK's CRLF.
            self.out = zlib.compressobj(6, zlib.DEFLATED, -15)
            self.inp = zlib.decompressobj(-15)
            if self.buf:
                raise AssertionError("plain octets after the COMPRESS OK: %r" % self.buf)
        return tagged

    def close(self):
        self.sock.close()


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
        text = self.mutt_index()
        self.assertIn("sync note #2.", text, "mutt's index did not show the subject:\n" + text[-2000:])
        self.assertIn("Sender 1", text)

    def test_mutt_with_compress(self):
        # mutt's $imap_deflate: COMPRESS=DEFLATE (RFC 4978) when offered.
        text = self.mutt_index("set imap_deflate=yes\n")
        self.assertIn("sync note #2.", text, "mutt's index did not show the subject:\n" + text[-2000:])
        log = self.t.log()
        self.assertIn("imap.compress", log, "mutt did not switch on COMPRESS:\n" + log[-3000:])
        self.assertNotIn("deflate_error", log)

    def mutt_index(self, extra=""):
        """Runs mutt on INBOX (three messages appended first) until its index
        shows them; returns the screen text."""
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
""" + extra)
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
        return screen.decode("utf-8", "replace")

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

    # -- COMPRESS=DEFLATE by hand (RFC 4978), inside TLS --
    def test_compress_deflate_by_hand(self):
        c = DeflateClient(self.t.ports["imaps"])
        try:
            self.assertNotIn(b"COMPRESS=DEFLATE", c.greeting)  # not before login
            _, tagged = c.command(b'LOGIN "%s" "%s"' % (USER.encode(), PASSWORD.encode()))
            self.assertIn(b"COMPRESS=DEFLATE", tagged)
            self.assertIn(b" OK ", c.compress())
            # Now compressed both ways: a large APPEND (LITERAL+) and FETCH.
            big = message(1).replace(b"\r\n\r\n", b"\r\n\r\n" + b"".join(
                b"%06d the quick brown fox jumps over the lazy dog\r\n" % i
                for i in range(40000)), 1)
            _, tagged = c.command(b"APPEND INBOX {%d+}\r\n" % len(big) + big)
            self.assertIn(b" OK [APPENDUID", tagged)
            untagged, tagged = c.command(b"SELECT INBOX")
            self.assertIn(b"* 1 EXISTS\r\n", untagged)
            wire_before, plain_before = c.wire_in, c.plain_in
            untagged, tagged = c.command(b"FETCH 1 BODY.PEEK[]")
            self.assertIn(b" OK ", tagged)
            fetched = untagged[0]
            head = b"* 1 FETCH (BODY[] {%d}\r\n" % len(big)
            self.assertTrue(fetched.startswith(head), fetched[:100])
            self.assertEqual(fetched[len(head):len(head) + len(big)], big)
            wire, plain = c.wire_in - wire_before, c.plain_in - plain_before
            print("COMPRESS: FETCH of %d octets took %d octets on the wire (%.1f%%)"
                  % (plain, wire, 100.0 * wire / plain))
            self.assertLess(wire, plain / 3)
            # RFC 4978 3: never twice; no longer offered.
            _, tagged = c.command(b"COMPRESS DEFLATE")
            self.assertIn(b" NO [COMPRESSIONACTIVE]", tagged)
            untagged, _ = c.command(b"CAPABILITY")
            caps = b"".join(untagged)
            self.assertIn(b"IDLE", caps)
            self.assertNotIn(b"COMPRESS", caps)
            # IDLE through the compressed stream: the EXISTS comes at once.
            c.send(b"i IDLE\r\n")
            self.assertTrue(c.line().startswith(b"+"))
            other = self.imap()
            start = time.monotonic()
            other.append("INBOX", None, None, message(2))
            c.sock.settimeout(5)
            self.assertEqual(c.line(), b"* 2 EXISTS\r\n")
            delay = time.monotonic() - start
            other.logout()
            print("COMPRESS+IDLE: APPEND to EXISTS in %.0f ms" % (delay * 1000))
            self.assertLess(delay, 1.0)
            c.send(b"DONE\r\n")
            self.assertTrue(c.line().startswith(b"i OK"))
            _, tagged = c.command(b"LOGOUT")
            self.assertIn(b" OK ", tagged)
        finally:
            c.close()
        log = self.t.log()
        self.assertIn("imap.compress", log)
        self.assertNotIn("deflate_error", log)

    def test_compress_refusals(self):
        c = DeflateClient(self.t.ports["imaps"])
        try:
            _, tagged = c.command(b"COMPRESS DEFLATE")  # not authenticated yet
            self.assertIn(b" BAD ", tagged)
            c.command(b'LOGIN "%s" "%s"' % (USER.encode(), PASSWORD.encode()))
            _, tagged = c.command(b"COMPRESS GZIP")
            self.assertIn(b" BAD ", tagged)
            _, tagged = c.command(b"NOOP")  # still plain
            self.assertIn(b" OK ", tagged)
        finally:
            c.close()

    # -- mbsync uses COMPRESS=DEFLATE by itself when the server offers it --
    def test_mbsync_compresses(self):
        local = os.path.join(self.t.dir, "z")
        inbox = maildir(os.path.join(local, "INBOX"))
        maildir(os.path.join(local, "Archive"))
        for i in range(20):
            with open(os.path.join(inbox, "cur", "1700000000.%d_%d.local:2," % (i, i)), "wb") as f:
                f.write(message(i))
        self.mbsync(self.mbsync_config("z", local))
        m = self.imap()
        typ, data = m.select("INBOX")
        self.assertEqual(int(data[0]), 20)
        m.logout()
        log = self.t.log()
        self.assertIn("imap.compress", log, "mbsync did not switch on COMPRESS:\n" + log[-3000:])
        self.assertNotIn("deflate_error", log)

    # -- IDLE (RFC 2177): the delay from delivery to EXISTS --
    def test_idle_delay_under_one_second(self):
        m = self.imap()
        m.select("INBOX")
        tag = m._new_tag()
        m.send(tag + b" IDLE\r\n")
        self.assertTrue(m.readline().startswith(b"+"))
        other = self.imap()
        delays = []
        m.sock.settimeout(5)
        for i in range(1, 6):
            start = time.monotonic()
            typ, _ = other.append("INBOX", None, None, message(i))
            appended = time.monotonic()
            self.assertEqual(typ, "OK")
            line = m.readline()
            told = time.monotonic()
            self.assertEqual(line, b"* %d EXISTS\r\n" % i)
            delays.append((told - start, max(0.0, told - appended)))
            time.sleep(0.3)  # the session waits again between deliveries
        other.logout()
        m.send(b"DONE\r\n")
        self.assertTrue(m.readline().startswith(tag + b" OK"))
        m.logout()
        for total, after_ok in delays:
            print("IDLE: APPEND sent to EXISTS %.0f ms (after APPEND's OK %.0f ms)"
                  % (total * 1000, after_ok * 1000))
        self.assertLess(max(total for total, _ in delays), 1.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
