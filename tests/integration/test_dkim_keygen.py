#!/usr/bin/python3
"""`tern dkim keygen` (issue 7 item 2): the key is kept private in the data
directory, the printed TXT record is well formed and names the key's public
half, and an existing key is not overwritten by mistake."""
import base64
import os
import re
import stat
import subprocess
import unittest

import harness
from harness import Tern


def txt_record(output):
    m = re.search(r'^(\S+)\._domainkey\.(\S+)\. IN TXT \((.*)\)$', output, re.M)
    assert m, output
    strings = re.findall(r'"([^"]*)"', m.group(3))
    assert all(len(s) <= 255 for s in strings), strings
    return m.group(1), m.group(2), "".join(strings)


class DkimKeygen(unittest.TestCase):
    def check(self, t, algorithm, selector, key_type, der_len_range):
        r = t.admin("dkim", "keygen", "Example.ORG", "--algorithm", algorithm)
        sel, domain, record = txt_record(r.stdout)
        self.assertEqual((sel, domain), (selector, "example.org"))
        tags = dict(part.strip().split("=", 1) for part in record.split(";"))
        self.assertEqual(tags["v"], "DKIM1")
        self.assertEqual(tags["k"], key_type)
        der = base64.b64decode(tags["p"], validate=True)
        self.assertIn(len(der), der_len_range)
        path = os.path.join(t.dir, "data", "dkim", f"example.org.{selector}.pem")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        # The printed public key is the stored private key's.
        pub = subprocess.run(["openssl", "pkey", "-in", path, "-pubout", "-outform", "DER"],
                             capture_output=True, check=True).stdout
        if key_type == "ed25519":
            self.assertEqual(pub[-32:], der)  # RFC 8463 4.2: the raw 32-byte key
        else:
            self.assertEqual(pub, der)  # RFC 6376 3.6.1: SubjectPublicKeyInfo
        again = t.admin("dkim", "keygen", "example.org", "--algorithm", algorithm, check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("already exists", again.stderr)

    def test_rsa_and_ed25519_keys(self):
        with Tern() as t:
            self.check(t, "rsa", "rsa", "rsa", range(290, 300))
            self.check(t, "ed25519", "ed", "ed25519", [32])
            bad = t.admin("dkim", "keygen", "example.org", "--algorithm", "dsa", check=False)
            self.assertEqual(bad.returncode, 1)


if __name__ == "__main__":
    harness.main()
