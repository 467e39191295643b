#!/usr/bin/python3
"""`tern dns records DOMAIN` (issue 7 item 7) with the real binary: every
non-comment line is a zone record "name TTL IN TYPE rdata"; the MX, A/AAAA,
SPF, DKIM (both keys `tern dkim keygen` made), DMARC, MTA-STS, TLS-RPT and
RFC 6186 SRV records are there; the DKIM TXT equals keygen's and dkimpy
parses it as a key; an unknown domain is refused."""
import re
import shlex
import unittest

import dkim

import harness
from harness import Tern

# IMAPS and POP3 are listened on; IMAP (143) and POP3S are not.
LISTENERS = harness.PROTOCOL_TLS + [("imaps", "imap", "implicit"), ("pop3", "pop3", "none")]


def txt_value(rdata):
    # RFC 1035 5.1: one or more quoted character-strings, concatenated.
    parts = shlex.split(rdata)
    assert all(len(p) <= 255 for p in parts), parts
    return "".join(parts)


def parse_zone(text):
    """{(name, type): [rdata, ...]} of every record line."""
    records = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        m = re.fullmatch(r"(\S+) (\d+) IN ([A-Z]+) (.+)", line)
        assert m, "not a zone record: " + line
        name, ttl, rtype, rdata = m.groups()
        assert name.endswith("."), line
        assert ttl == "3600", line
        records.setdefault((name, rtype), []).append(rdata)
    return records


def keygen_record(t, algorithm):
    out = t.admin("dkim", "keygen", "example.org", "--algorithm", algorithm).stdout
    m = re.search(r"^(\S+)\. IN TXT \((.*)\)$", out, re.M)
    assert m, out
    return m.group(1) + ".", txt_value(m.group(2))


class DnsRecords(unittest.TestCase):
    def test_every_record_of_a_domain(self):
        with Tern(listeners=LISTENERS) as t:
            t.admin("domain", "add", "example.org")
            rsa_name, rsa_txt = keygen_record(t, "rsa")
            ed_name, ed_txt = keygen_record(t, "ed25519")
            r = t.admin("dns", "records", "Example.ORG", "--ip", "192.0.2.25", "--ipv6",
                        "2001:db8::25")
            z = parse_zone(r.stdout)
            host = "mx.tern.test."
            self.assertEqual(z[("example.org.", "MX")], ["10 " + host])
            self.assertEqual(z[(host, "A")], ["192.0.2.25"])
            self.assertEqual(z[(host, "AAAA")], ["2001:db8::25"])
            self.assertEqual([txt_value(v) for v in z[("example.org.", "TXT")]],
                             ["v=spf1 mx -all"])
            # The DKIM records are keygen's, and dkimpy reads them as keys.
            self.assertEqual((rsa_name, ed_name),
                             ("rsa._domainkey.example.org.", "ed._domainkey.example.org."))
            for name, expected, ktype in ((rsa_name, rsa_txt, b"rsa"),
                                          (ed_name, ed_txt, b"ed25519")):
                [rdata] = z[(name, "TXT")]
                value = txt_value(rdata)
                self.assertEqual(value, expected)
                tags = dkim.util.parse_tag_value(value.encode())
                self.assertEqual(tags[b"k"], ktype)
                _, keysize, ktag, _ = dkim.evaluate_pk(name.encode(), value.encode())
                self.assertEqual(ktag, ktype)
                if ktype == b"rsa":
                    self.assertEqual(keysize, 2048)
            self.assertEqual([txt_value(v) for v in z[("_dmarc.example.org.", "TXT")]],
                             ["v=DMARC1; p=quarantine; rua=mailto:postmaster@example.org"])
            [sts] = z[("_mta-sts.example.org.", "TXT")]
            self.assertRegex(txt_value(sts), r"^v=STSv1; id=\d{14}$")
            self.assertEqual([txt_value(v) for v in z[("_smtp._tls.example.org.", "TXT")]],
                             ["v=TLSRPTv1; rua=mailto:postmaster@example.org"])
            srv = {name.split(".")[0]: rdata
                   for (name, rtype), [rdata] in z.items() if rtype == "SRV"}
            self.assertEqual(srv, {
                "_submission": f"0 0 {t.ports['submission']} {host}",
                "_submissions": f"0 0 {t.ports['submissions']} {host}",
                "_imap": "0 0 0 .",
                "_imaps": f"0 0 {t.ports['imaps']} {host}",
                "_pop3": f"0 0 {t.ports['pop3']} {host}",
                "_pop3s": "0 0 0 .",
            })
            for (name, _), _ in z.items():
                self.assertTrue(name == host or name.endswith("example.org."), name)
            # Comments: the MTA-STS policy and the PTR to ask for.
            out = r.stdout
            self.assertIn("https://mta-sts.example.org/.well-known/mta-sts.txt", out)
            for line in ("version: STSv1", "mode: testing", "mx: mx.tern.test",
                         "max_age: 604800"):
                self.assertRegex(out, r"(?m)^;\s+" + re.escape(line) + "$")
            self.assertIn("; 25.2.0.192.in-addr.arpa. 3600 IN PTR mx.tern.test.", out)

    def test_without_ip_or_keys_and_errors(self):
        with Tern(listeners=LISTENERS) as t:
            t.admin("domain", "add", "example.org")
            r = t.admin("dns", "records", "example.org")
            z = parse_zone(r.stdout)
            self.assertNotIn(("mx.tern.test.", "A"), z)
            self.assertFalse(any(name.endswith("_domainkey.example.org.") for name, _ in z))
            self.assertIn("tern dkim keygen example.org", r.stdout)
            self.assertIn("--ip", r.stdout)
            self.assertNotIn("PTR", r.stdout)

            bad = t.admin("dns", "records", "other.example", check=False)
            self.assertEqual(bad.returncode, 1)
            self.assertEqual(bad.stdout, "")
            self.assertIn("unknown domain other.example", bad.stderr)
            self.assertIn("tern domain add other.example", bad.stderr)
            bad = t.admin("dns", "records", "example.org", "--ip", "192.0.2", check=False)
            self.assertEqual(bad.returncode, 1)
            self.assertIn("not an IPv4 address", bad.stderr)
            bad = t.admin("dns", "records", "example.org", "--ipv6", "192.0.2.1", check=False)
            self.assertEqual(bad.returncode, 1)
            self.assertIn("not an IPv6 address", bad.stderr)


if __name__ == "__main__":
    harness.main()
