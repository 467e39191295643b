#!/usr/bin/python3
"""IMAP SEARCH BODY/TEXT through the full-text index (issue 4 item 5) and the
views kept at delivery (item 4), against the real binary with imaplib.

Mail arrives over SMTP with encoded text (quoted-printable Latin-1, base64
UTF-8, an RFC 2047 Subject, a base64 attachment); SEARCH finds words in the
decoded text, never in attachment bytes, never in another user's mail; the
background indexer catches up with every delivered message (checked in the
SQLite file itself), and answers are the same before and after it has."""
import imaplib
import os
import smtplib
import sqlite3
import ssl
import time
import unittest

from harness import Tern

LISTENERS = [("smtp", "smtp", "none"), ("imap", "imap", "starttls")]
ALICE, BOB, PASSWORD = "alice@example.test", "bob@example.test", "search secret"
FILLER = 200


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def mime(subject, parts):
    out = [b"From: Sender <s@remote.test>", b"To: " + ALICE.encode(), b"Subject: " + subject,
           b"MIME-Version: 1.0", b'Content-Type: multipart/mixed; boundary="zz"', b""]
    for headers, body in parts:
        out += [b"--zz"] + headers + [b"", body]
    out += [b"--zz--", b""]
    return b"\r\n".join(out)


SPECIAL = {
    "qp": mime(b"latin", [([b"Content-Type: text/plain; charset=iso-8859-1",
                            b"Content-Transfer-Encoding: quoted-printable"],
                           b"Un caf=E9 cr=E8me, s'il vous pla=EEt")]),
    "b64": mime(b"utf8", [([b"Content-Type: text/plain; charset=utf-8",
                            b"Content-Transfer-Encoding: base64"],
                           b"RGllIEdyw7zDn2UgYXVzIEvDtmxu")]),  # "Die Grüße aus Köln"
    "subject": mime(b"=?UTF-8?B?UHLDvGZ1bmcgZGVyIEVpbmdhYmU=?=",  # "Prüfung der Eingabe"
                    [([b"Content-Type: text/plain"], b"plain words only")]),
    "attachment": mime(b"files", [([b"Content-Type: text/plain"], b"see the report"),
                                  ([b"Content-Type: application/octet-stream; name=quarterly.bin",
                                    b"Content-Transfer-Encoding: base64"],
                                   b"c2VjcmV0cGF5bG9hZA==")]),  # "secretpayload"
}


class ImapSearch(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = Tern(listeners=LISTENERS)
        cls.t.add_user(ALICE, PASSWORD)
        cls.t.add_user(BOB, PASSWORD)
        cls.t.start()
        with smtplib.SMTP("127.0.0.1", cls.t.ports["smtp"]) as s:
            for raw in SPECIAL.values():
                s.sendmail("s@remote.test", [ALICE], raw)
            for i in range(FILLER):
                s.sendmail("s@remote.test", [ALICE],
                           b"Subject: filler %d\r\n\r\nordinary text number %d\r\n" % (i, i))
            s.sendmail("s@remote.test", [BOB], b"Subject: bob\r\n\r\nbobs private secretword\r\n")

    @classmethod
    def tearDownClass(cls):
        cls.t.__exit__(None, None, None)

    def login(self, user):
        m = imaplib.IMAP4("127.0.0.1", self.t.ports["imap"])
        m.starttls(ssl_context=tls_context())
        m.login(user, PASSWORD)
        m.select("INBOX")
        return m

    def search(self, m, *criteria):
        typ, data = m.uid("SEARCH", *criteria)
        self.assertEqual(typ, "OK", data)
        return [int(x) for x in data[0].split()]

    def search_utf8(self, m, key, text):
        # 8-bit text goes in a literal (RFC 9051 6.4.4 CHARSET; quoted
        # strings stay ASCII without ENABLE UTF8=ACCEPT).
        m.literal = text.encode()
        return self.search(m, "CHARSET", "UTF-8", key)

    def uid_of(self, m, subject):
        found = self.search(m, "SUBJECT", subject)
        self.assertEqual(len(found), 1, subject)
        return found[0]

    def index_state(self):
        db = sqlite3.connect(f"file:{self.t.dir}/data/tern.db?mode=ro", uri=True)
        try:
            blobs = db.execute("SELECT count(*) FROM blobs").fetchone()[0]
            indexed = db.execute("SELECT count(*) FROM derived WHERE indexed = 1").fetchone()[0]
            viewed = db.execute("SELECT count(*) FROM derived WHERE view IS NOT NULL").fetchone()[0]
            return blobs, indexed, viewed
        finally:
            db.close()

    def check_answers(self, m):
        self.assertEqual(self.search_utf8(m, "BODY", "CAFÉ CRÈME"),
                         [self.uid_of(m, "latin")])
        self.assertEqual(self.search_utf8(m, "BODY", "grüße aus köln"),
                         [self.uid_of(m, "utf8")])
        subject_uid = self.search(m, "TEXT", "Eingabe")
        self.assertEqual(len(subject_uid), 1)
        self.assertEqual(self.search(m, "BODY", "Eingabe"), [])  # only in the header
        self.assertEqual(self.search(m, "BODY", "quarterly.bin"), [self.uid_of(m, "files")])
        self.assertEqual(self.search(m, "BODY", "secretpayload"), [])  # attachment bytes
        self.assertEqual(self.search(m, "BODY", "secretword"), [])  # Bob's mail
        self.assertEqual(len(self.search(m, "BODY", '"text number 1"')), 1 + 10 + 100)
        self.assertEqual(len(self.search(m, "BODY", "ordinary", "NOT", "BODY", "\"number 19\"")),
                         FILLER - 11)
        self.assertEqual(len(self.search(m, "OR", "BODY", "zz-none", "TEXT", "\"filler 7\"")), 11)

    def test_search_before_and_after_indexing(self):
        m = self.login(ALICE)
        self.check_answers(m)  # whatever the indexer has reached by now
        deadline = time.time() + 60
        while time.time() < deadline:
            blobs, indexed, viewed = self.index_state()
            if indexed == blobs:
                break
            time.sleep(0.2)
        self.assertEqual((indexed, viewed), (blobs, blobs))
        self.assertEqual(blobs, len(SPECIAL) + FILLER + 1)
        self.check_answers(m)
        m.logout()
        b = self.login(BOB)
        self.assertEqual(len(self.search(b, "BODY", "secretword")), 1)
        self.assertEqual(self.search_utf8(b, "BODY", "café"), [])
        b.logout()

    def test_views_answer_structure_fetches(self):
        m = self.login(ALICE)
        uid = self.uid_of(m, "latin")
        typ, data = m.uid("FETCH", str(uid), "(ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        self.assertEqual(typ, "OK")
        text = b"".join(x if isinstance(x, bytes) else b"".join(x) for x in data)
        self.assertIn(b'"latin"', text)
        self.assertIn(b'("TEXT" "PLAIN" ("CHARSET" "iso-8859-1") NIL NIL "QUOTED-PRINTABLE"', text)
        self.assertIn(b"Subject: latin\r\n\r\n", text)
        # A whole-mailbox structure fetch, as clients do when they open a folder.
        typ, data = m.fetch("1:*", "(UID FLAGS ENVELOPE BODYSTRUCTURE)")
        self.assertEqual(typ, "OK")
        self.assertEqual(sum(1 for x in data if isinstance(x, bytes) and b"ENVELOPE" in x) +
                         sum(1 for x in data if isinstance(x, tuple) and b"ENVELOPE" in x[0]),
                         len(SPECIAL) + FILLER)
        m.logout()


if __name__ == "__main__":
    unittest.main(verbosity=2)
