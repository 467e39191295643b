#!/usr/bin/python3
"""`tern sendmail` (issue 3 item 7) and `tern mail list|show`, against a
running server's store: what cron and scripts use to send."""
import os
import subprocess
import tempfile
import unittest

import harness
from harness import Tern


class Sendmail(unittest.TestCase):
    def run_sendmail(self, t, args, message, name="tern"):
        binary = harness.TERN_BIN
        argv = [binary, "sendmail"]
        if name == "sendmail":
            # Installed as /usr/sbin/sendmail: a link named sendmail.
            link = os.path.join(t.dir, "sendmail")
            if not os.path.exists(link):
                os.symlink(binary, link)
            argv = [link]
        return subprocess.run(argv + ["-C", t.config] + args, input=message, capture_output=True,
                              timeout=60)

    def messages(self, t, address, mailbox="INBOX"):
        out = t.admin("mail", "list", address, mailbox).stdout
        return [line.split()[0] for line in out.splitlines()]

    def show(self, t, address, uid, mailbox="INBOX"):
        return subprocess.run([harness.TERN_BIN, "-c", t.config, "mail", "show", address, mailbox, uid],
                              capture_output=True, timeout=60, check=True).stdout

    def test_recipients_as_arguments_and_dot_ends_input(self):
        with Tern() as t:
            t.add_user("root@example.org", "pw")
            r = self.run_sendmail(t, ["-f", "cron@example.org", "root@example.org"],
                                  b"Subject: cron output\n\nline 1\n.\nnot part of it\n")
            self.assertEqual(r.returncode, 0, r.stderr)
            uids = self.messages(t, "root@example.org")
            self.assertEqual(len(uids), 1)
            raw = self.show(t, "root@example.org", uids[0])
            self.assertTrue(raw.startswith(b"Return-Path: <cron@example.org>\r\n"), raw[:200])
            self.assertIn(b"Subject: cron output\r\n\r\nline 1\r\n", raw)
            self.assertNotIn(b"not part of it", raw)
            for field in (b"\r\nFrom: cron@example.org\r\n", b"\r\nDate: ", b"\r\nMessage-ID: <"):
                self.assertIn(field, raw)

    def test_dash_t_reads_headers_and_removes_bcc_and_dash_i_keeps_dots(self):
        with Tern() as t:
            t.add_user("a@example.org", "pw")
            t.add_user("b@example.org", "pw")
            msg = (b"From: App <app@example.org>\nTo: A <a@example.org>\nBcc: b@example.org\n"
                   b"Subject: t\n\nbody\n.\nafter the dot\n")
            r = self.run_sendmail(t, ["-t", "-oi"], msg, name="sendmail")
            self.assertEqual(r.returncode, 0, r.stderr)
            for who in ("a@example.org", "b@example.org"):
                uids = self.messages(t, who)
                self.assertEqual(len(uids), 1, who)
                raw = self.show(t, who, uids[0])
                self.assertNotIn(b"Bcc:", raw)
                self.assertIn(b"\r\n.\r\nafter the dot\r\n", raw)
                self.assertIn(b"From: App <app@example.org>\r\n", raw)

    def test_errors_use_sysexits_codes(self):
        with Tern() as t:
            t.add_user("a@example.org", "pw")
            self.assertEqual(self.run_sendmail(t, ["nobody@example.org"], b"x\n").returncode, 67)
            self.assertEqual(self.run_sendmail(t, [], b"x\n").returncode, 64)
            self.assertEqual(self.run_sendmail(t, ["-Z"], b"x\n").returncode, 64)
            self.assertEqual(self.run_sendmail(t, ["a@example.org"], b"").returncode, 65)
            with tempfile.TemporaryDirectory() as d:
                r = subprocess.run([harness.TERN_BIN, "sendmail", "-C", os.path.join(d, "none.toml"),
                                    "a@example.org"], input=b"x\n", capture_output=True, timeout=60)
                self.assertEqual(r.returncode, 78)
            self.assertEqual(self.messages(t, "a@example.org"), [])


if __name__ == "__main__":
    harness.main()
