"""ARC (RFC 8617; issue 7 item 4) with the real `tern serve`, a real DNS
server (unbound from peers.py), a real Postfix as the external MX behind an
alias, and Debian's dkimpy (python3-dkim, whose ARC signing needs
python3-authres) as the second ARC implementation:

  (a) dkimpy seals (i=1) -> Tern, on port 25, validates: arc=pass in its
      Authentication-Results;
  (b) the same with the body changed after sealing: arc=fail;
  (c) unsealed mail: arc=none;
  (d) mail to an alias whose target is external (far@dest.test): the copy
      Postfix receives carries Tern's ARC set i=1 (cv=none, d=tern.test,
      signed with the key `tern dkim keygen` made) and dkimpy's arc_verify
      passes it;
  (e) a dkimpy-sealed message through the same alias: Tern adds i=2 with
      cv=pass, and dkimpy validates the two-set chain.
"""
import base64
import email
import email.policy
import os
import re
import smtplib
import subprocess
import tempfile
import unittest

import dkim

import harness
from harness import Tern
from peers import Postfix, Unbound, wait_for

USER = "alice@tern.test"
ALIAS = "fwd@tern.test"
TARGET = "far@dest.test"
AUTHSERV_ID = "mx.tern.test"
SEALER = b"sealer.test"  # the upstream intermediary dkimpy plays
LISTENERS = [("smtp", "smtp", "starttls")]


def rsa_key():
    """A 1024-bit RSA key (PKCS#1 PEM, what dkimpy reads) and its p= value:
    short enough for one TXT string."""
    d = tempfile.mkdtemp(prefix="tern-arc-key-")
    path = os.path.join(d, "sealer.pem")
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", path, "1024"], check=True,
                   capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", path, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    with open(path, "rb") as f:
        return f.read(), base64.b64encode(der).decode()


SEALER_KEY, SEALER_PUBLIC = rsa_key()


class TxtUnbound(Unbound):
    """peers.Unbound with TXT data in single quotes (unbound's config file
    does not understand a backslash-escaped double quote)."""

    def _write_config(self):
        super()._write_config()
        path = os.path.join(self.dir, "unbound.conf")
        with open(path) as f:
            lines = f.read().splitlines()
        prefix = '  local-data: "'
        for i, line in enumerate(lines):
            if line.startswith(prefix) and line.endswith('"'):
                lines[i] = "  local-data: '" + line[len(prefix):-1].replace('\\"', '"') + "'"
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")


ZONES = [
    f'arc._domainkey.sealer.test. 60 IN TXT "v=DKIM1; k=rsa; p={SEALER_PUBLIC}"',
    'origin.test. 60 IN TXT "v=spf1 ip4:127.0.0.1 -all"',
    "dest.test. 60 IN MX 10 mx.dest.test.",
    "mx.dest.test. 60 IN A 127.0.0.2",
]


def message(subject, to, body=None):
    body = body or f"Hello, this is {subject}.\r\n"
    return (f"From: Olga <olga@origin.test>\r\n"
            f"To: {to}\r\n"
            f"Subject: {subject}\r\n"
            f"Date: Sun, 29 Nov 2026 12:00:00 +0000\r\n"
            f"Message-ID: <{abs(hash(subject))}@origin.test>\r\n"
            f"\r\n{body}").encode()


def sealed_by_dkimpy(data):
    """What an upstream intermediary sends on: its Authentication-Results
    (with its authserv-id) and the ARC set dkimpy makes from it."""
    ar = b"Authentication-Results: sealer.test; spf=pass smtp.mailfrom=olga@origin.test\r\n"
    fields = dkim.arc_sign(ar + data, b"arc", SEALER, SEALER_KEY, SEALER, linesep=b"\r\n")
    assert fields, "dkimpy made no ARC set"
    return b"".join(fields) + ar + data


def unfold(value):
    return re.sub(r"\s+", " ", str(value)).strip()


class Arc(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dns = TxtUnbound(ZONES).start()
        cls.mx = None
        cls.tern = None
        try:
            cls.mx = Postfix(domains=("dest.test",)).start()
            settings = {
                "dns": {"nameservers": cls.dns.nameserver, "timeout_ms": 500},
                "queue": {"smtp_port": cls.mx.port, "retry_initial_seconds": 1,
                          "retry_max_seconds": 2, "scan_interval_seconds": 1},
            }
            cls.tern = Tern(settings, listeners=LISTENERS)
            cls.tern.add_user(USER, "arc secret")
            cls.tern.admin("alias", "add", ALIAS, TARGET)
            out = cls.tern.admin("dkim", "keygen", "tern.test", "--algorithm", "rsa").stdout
            m = re.search(r'^(\S+)\._domainkey\.tern\.test\. IN TXT \((.*)\)$', out, re.M)
            assert m, out
            cls.records = {
                f"{m.group(1)}._domainkey.tern.test.":
                    "".join(re.findall(r'"([^"]*)"', m.group(2))).encode(),
                "arc._domainkey.sealer.test.":
                    f"v=DKIM1; k=rsa; p={SEALER_PUBLIC}".encode(),
            }
            cls.tern.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.tern is not None:
                cls.tern.__exit__(None, None, None)
        finally:
            if cls.mx is not None:
                cls.mx.stop()
            cls.dns.stop()

    def send(self, rcpt, data):
        with smtplib.SMTP("127.0.0.1", self.tern.ports["smtp"], timeout=30) as s:
            s.ehlo("client.test")
            s.sendmail("olga@origin.test", [rcpt], data)

    def stored(self, subject):
        out = self.tern.admin("mail", "list", USER, "INBOX").stdout
        for line in out.splitlines():
            fields = line.split()
            if not fields or not fields[0].isdigit():
                continue
            r = subprocess.run([harness.TERN_BIN, "-c", self.tern.config, "mail", "show", USER,
                                "INBOX", fields[0]], capture_output=True, timeout=60)
            m = email.message_from_bytes(r.stdout, policy=email.policy.compat32)
            if unfold(m["Subject"]) == subject:
                return m
        self.fail(f"{subject!r} is not in INBOX")

    def our_results(self, m):
        fields = [unfold(v) for v in m.get_all("Authentication-Results", [])]
        ours = [f for f in fields if f.lower().startswith(AUTHSERV_ID + ";")]
        self.assertEqual(len(ours), 1, fields)
        return ours[0]

    def dnsfunc(self, name, timeout=5):
        key = name.decode() if isinstance(name, bytes) else name
        return self.records.get(key if key.endswith(".") else key + ".", b"")

    def forwarded(self, subject):
        """The copy Postfix stored for TARGET with this subject, in the CRLF
        form ARC is computed over (Postfix stores LF line ends)."""
        def arrived():
            for raw in self.mx.messages(TARGET):
                wire = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
                m = email.message_from_bytes(wire, policy=email.policy.compat32)
                if unfold(m["Subject"]) == subject:
                    return wire, m
            return None
        try:
            return wait_for(arrived, 60, interval=0.2, what=f"{subject!r} at {TARGET}")
        except AssertionError as e:
            raise AssertionError(f"{e}\n{self.tern.log()[-3000:]}") from None

    def test_a_dkimpy_sealed_chain_passes(self):
        self.send(USER, sealed_by_dkimpy(message("sealed upstream", USER)))
        ours = self.our_results(self.stored("sealed upstream"))
        self.assertIn("arc=pass header.oldest-pass=0 smtp.remote-ip=127.0.0.1", ours)

    def test_b_body_changed_after_sealing_fails(self):
        data = sealed_by_dkimpy(message("changed after sealing", USER, "Original text.\r\n"))
        self.send(USER, data.replace(b"Original text.", b"Altered text!!"))
        ours = self.our_results(self.stored("changed after sealing"))
        self.assertIn("arc=fail", ours)

    def test_c_unsealed_mail_is_none(self):
        self.send(USER, message("never sealed", USER))
        ours = self.our_results(self.stored("never sealed"))
        self.assertIn("arc=none", ours)
        self.assertIn("spf=pass smtp.mailfrom=olga@origin.test", ours)

    def test_d_forwarded_copy_is_sealed_and_dkimpy_verifies(self):
        self.send(ALIAS, message("forwarded plain", ALIAS))
        wire, m = self.forwarded("forwarded plain")
        seal = unfold(m["ARC-Seal"])
        self.assertRegex(seal, r"^i=1; a=rsa-sha256; t=\d+; cv=none; d=tern\.test; s=\S+;")
        aar = unfold(m["ARC-Authentication-Results"])
        self.assertTrue(aar.startswith(f"i=1; {AUTHSERV_ID};"), aar)
        self.assertIn("arc=none", aar)
        cv, results, reason = dkim.arc_verify(wire, dnsfunc=self.dnsfunc)
        self.assertEqual(cv, b"pass", reason)
        self.assertIn("smtp.arc_sealed", self.tern.log())

    def test_e_forwarded_chain_is_extended_and_dkimpy_verifies(self):
        self.send(ALIAS, sealed_by_dkimpy(message("forwarded sealed", ALIAS)))
        wire, m = self.forwarded("forwarded sealed")
        seals = [unfold(v) for v in m.get_all("ARC-Seal", [])]
        self.assertEqual(len(seals), 2, seals)
        self.assertRegex(seals[0], r"^i=2; a=rsa-sha256; t=\d+; cv=pass; d=tern\.test;")
        aars = [unfold(v) for v in m.get_all("ARC-Authentication-Results", [])]
        self.assertTrue(aars[0].startswith(f"i=2; {AUTHSERV_ID};"), aars)
        self.assertIn("arc=pass", aars[0])
        cv, results, reason = dkim.arc_verify(wire, dnsfunc=self.dnsfunc)
        self.assertEqual(cv, b"pass", reason)
        self.assertEqual([r["instance"] for r in results], [2, 1])


if __name__ == "__main__":
    harness.main()
