#!/usr/bin/python3
"""IMAP (issue 4) against the real binary with Python's imaplib: LOGIN only
after STARTTLS, implicit TLS, LIST, CREATE/RENAME/DELETE, APPEND then FETCH
returning the same bytes, STORE flags, COPY/MOVE with UIDPLUS codes,
EXPUNGE, SEARCH with simple keys, UID commands, SMTP-delivered mail visible
in INBOX, and IDLE announcing a delivery to another session."""
import imaplib
import re
import smtplib
import socket
import ssl
import time
import unittest

from harness import Tern

LISTENERS = [
    ("smtp", "smtp", "starttls"),
    ("imap", "imap", "starttls"),
    ("imaps", "imap", "implicit"),
]
USER = "carol@example.test"
# imaplib (3.11) knows no MOVE (RFC 6851); teach it the state it is valid in.
imaplib.Commands.setdefault("MOVE", ("SELECTED",))
PASSWORD = "imap secret"


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def message(i, extra=b""):
    return (b"From: Alice <alice@example.test>\r\nTo: " + USER.encode() +
            b"\r\nSubject: note %d\r\n\r\nHello number %d\r\n" % (i, i) + extra)


class ImapServer(unittest.TestCase):
    def setUp(self):
        self.t = Tern(listeners=LISTENERS)
        self.t.add_user(USER, PASSWORD)
        self.t.start()

    def tearDown(self):
        self.t.__exit__(None, None, None)

    def login(self, implicit=False):
        if implicit:
            m = imaplib.IMAP4_SSL("127.0.0.1", self.t.ports["imaps"], ssl_context=tls_context())
        else:
            m = imaplib.IMAP4("127.0.0.1", self.t.ports["imap"])
            m.starttls(ssl_context=tls_context())
        m.login(USER, PASSWORD)
        return m

    def test_login_needs_tls(self):
        m = imaplib.IMAP4("127.0.0.1", self.t.ports["imap"])
        self.assertIn("STARTTLS", m.capabilities)
        self.assertIn("LOGINDISABLED", m.capabilities)
        with self.assertRaises(imaplib.IMAP4.error) as e:
            m.login(USER, PASSWORD)
        self.assertIn("PRIVACYREQUIRED", str(e.exception))
        m.starttls(ssl_context=tls_context())
        self.assertNotIn("STARTTLS", m.capabilities)
        m.login(USER, PASSWORD)
        m.logout()

    def test_implicit_tls_and_list(self):
        m = self.login(implicit=True)
        typ, data = m.list()
        self.assertEqual(typ, "OK")
        text = b"\n".join(data).decode()
        self.assertIn('(\\HasNoChildren) "/" INBOX', text)
        self.assertIn("\\Sent", text)
        self.assertIn("\\Trash", text)
        m.logout()

    def test_create_rename_delete(self):
        m = self.login()
        self.assertEqual(m.create("Projects/2026")[0], "OK")
        text = b"\n".join(m.list('""', "Projects*")[1]).decode()
        self.assertIn('(\\HasChildren) "/" Projects', text)
        self.assertIn('(\\HasNoChildren) "/" Projects/2026', text)
        self.assertEqual(m.rename("Projects", "Done")[0], "OK")
        text = b"\n".join(m.list()[1]).decode()
        self.assertIn("Done/2026", text)
        self.assertNotIn("Projects", text)
        self.assertEqual(m.delete("Done/2026")[0], "OK")
        self.assertEqual(m.delete("Done/2026")[0], "NO")
        m.logout()

    def test_append_fetch_store_search_expunge(self):
        m = self.login()
        sent = [message(i, b"x" * (i * 300)) for i in range(4)]
        for i, raw in enumerate(sent):
            flags = "(\\Flagged)" if i == 1 else None
            typ, data = m.append("INBOX", flags, imaplib.Time2Internaldate(1700000000 + i * 86400), raw)
            self.assertEqual(typ, "OK")
            self.assertIn(b"APPENDUID", data[0])
        typ, data = m.select("INBOX")
        self.assertEqual(data[0], b"4")
        for i, raw in enumerate(sent):
            typ, data = m.fetch(str(i + 1), "(BODY.PEEK[])")
            self.assertEqual(data[0][1], raw)
        typ, data = m.fetch("1:4", "(FLAGS RFC822.SIZE)")
        self.assertIn(b"RFC822.SIZE %d" % len(sent[0]), data[0])
        self.assertEqual(m.search(None, "FLAGGED")[1][0], b"2")
        self.assertEqual(m.search(None, "LARGER", "500")[1][0], b"3 4")
        self.assertEqual(m.search(None, "UNSEEN")[1][0], b"1 2 3 4")
        typ, data = m.store("1:2", "+FLAGS", "(\\Seen)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"\\Seen", data[0])
        self.assertEqual(m.search(None, "SEEN")[1][0], b"1 2")
        self.assertEqual(m.search(None, "OR", "FLAGGED", "NOT", "SEEN")[1][0], b"2 3 4")
        self.assertEqual(m.search(None, "SUBJECT", '"note 3"')[1][0], b"4")
        typ, data = m.uid("SEARCH", "UID", "3:*")
        self.assertEqual(data[0], b"3 4")
        m.store("2", "+FLAGS", "(\\Deleted)")
        typ, data = m.expunge()
        self.assertEqual(data[0], b"2")
        typ, data = m.uid("FETCH", "4", "(UID FLAGS)")
        self.assertIn(b"UID 4", data[0])
        typ, data = m.uid("STORE", "4", "FLAGS", "(\\Answered $Done)")
        self.assertIn(b"$Done", data[0])
        m.logout()

    def test_copy_move_uid_forms(self):
        m = self.login()
        for i in range(3):
            m.append("INBOX", None, None, message(i))
        m.select("INBOX")
        typ, data = m.copy("1:2", "Archive")
        self.assertEqual(typ, "OK")
        self.assertIn(b"COPYUID", data[0])
        typ, data = m._simple_command("MOVE", "3", "Trash")
        self.assertEqual(typ, "OK")
        self.assertEqual(m.select("INBOX")[1][0], b"2")
        typ, data = m.uid("MOVE", "1", "Trash")
        self.assertEqual(typ, "OK")
        self.assertEqual(m.select("Archive")[1][0], b"2")
        self.assertEqual(m.select("Trash")[1][0], b"2")
        typ, data = m.fetch("1:2", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        subjects = sorted(d[1] for d in data if isinstance(d, tuple))
        self.assertEqual(subjects, [b"Subject: note 0\r\n\r\n", b"Subject: note 2\r\n\r\n"])
        m.logout()

    def test_smtp_delivery_visible_in_inbox(self):
        raw = message(42)
        with smtplib.SMTP("127.0.0.1", self.t.ports["smtp"], timeout=30) as s:
            s.ehlo("client.test")
            s.sendmail("alice@example.test", [USER], raw)
        m = self.login()
        self.assertEqual(m.select("INBOX")[1][0], b"1")
        typ, data = m.fetch("1", "(BODY[])")
        got = data[0][1]
        # Tern adds trace headers at the top; the message itself is intact.
        self.assertTrue(got.endswith(raw), got[:300])
        self.assertIn(b"\\Seen", m.fetch("1", "(FLAGS)")[1][0])
        m.logout()

    def test_idle_announces_new_mail(self):
        m = self.login()
        m.select("INBOX")
        tag = m._new_tag()
        m.send(tag + b" IDLE\r\n")
        self.assertTrue(m.readline().startswith(b"+"))
        other = self.login()
        start = time.monotonic()
        other.append("INBOX", None, None, message(7))
        other.logout()
        m.sock.settimeout(5)
        line = m.readline()
        self.assertEqual(line, b"* 1 EXISTS\r\n")
        self.assertLess(time.monotonic() - start, 3)
        m.send(b"DONE\r\n")
        self.assertTrue(m.readline().startswith(tag + b" OK"))
        m.logout()

    def test_utf8_accept_names(self):
        # RFC 6855 3: after ENABLE UTF8=ACCEPT names are UTF-8 both ways;
        # a session without it sees modified UTF-7. imaplib sends arguments
        # as given, so the UTF-8 names are quoted here (an atom is 7-bit).
        # (imaplib's append() after enable wraps "UTF8 (...)" inside the
        # literal instead of around a literal8, so it is not used here.)
        m = self.login()
        self.assertIn("UTF8=ACCEPT", m.capabilities)
        self.assertEqual(m.enable("UTF8=ACCEPT")[0], "OK")
        self.assertEqual(m.response("ENABLED"), ("ENABLED", [b"UTF8=ACCEPT"]))
        name = "Caf\u00e9/\u65e5\u672c"
        self.assertEqual(m.create('"%s"' % name)[0], "OK")
        typ, data = m.list('""', '"Caf*"')
        self.assertIn(('"/" "%s"' % name).encode(), b"\n".join(data))
        self.assertEqual(m.select('"%s"' % name)[0], "OK")
        m.logout()
        other = self.login()
        typ, data = other.list('""', "Caf*")
        self.assertIn(b'"/" Caf&AOk-/&ZeVnLA-', b"\n".join(data))
        self.assertEqual(other.select("Caf&AOk-/&ZeVnLA-")[0], "OK")
        other.logout()

    def test_binary_literal8_append_and_fetch(self):
        # RFC 3516: APPEND of a literal8 and FETCH BINARY from an IMAP4rev1
        # session (imaplib never enables IMAP4rev2).
        m = self.login()
        self.assertIn("BINARY", m.capabilities)
        body = b"A\x00B\xff\r\n"
        raw = (b"From: alice@example.test\r\nSubject: bin\r\nMIME-Version: 1.0\r\n"
               b"Content-Type: application/octet-stream\r\n"
               b"Content-Transfer-Encoding: binary\r\n\r\n" + body)
        tag = m._new_tag()
        m.send(tag + b" APPEND INBOX ~{%d}\r\n" % len(raw))
        self.assertTrue(m.readline().startswith(b"+"))
        m.send(raw + b"\r\n")
        self.assertTrue(m.readline().startswith(tag + b" OK [APPENDUID"))
        m.select("INBOX")
        tag = m._new_tag()
        m.send(tag + b" FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])\r\n")
        line = m.readline()
        self.assertEqual(line, b"* 1 FETCH (BINARY.SIZE[1] %d BINARY[1] ~{%d}\r\n"
                         % (len(body), len(body)))
        self.assertEqual(m.read(len(body)), body)
        self.assertEqual(m.readline(), b")\r\n")
        self.assertTrue(m.readline().startswith(tag + b" OK"))
        m.logout()


if __name__ == "__main__":
    unittest.main()
