"""The peers of the TLS policy tests (issue 6 item 6: MTA-STS, DANE) work,
against the real binaries, and `tern dns query` shows what Tern's resolver
sees.

  (a) TestCA: its leaf certificates verify with `openssl verify` against
      the CA and carry every name in subjectAltName; another CA's do not;
      tlsa_data() matches digests openssl computes itself.
  (b) HttpsServer: a Python TLS client trusting only the CA gets the
      routes (status, type, body, extra headers) and 404 elsewhere, hits
      are counted, set_route() takes effect at once, and a client expecting
      another name fails the handshake.
  (c) Postfix with a given certificate presents it after STARTTLS
      (openssl s_client -starttls smtp shows its subject and verifies it
      against the CA) and logs the TLS session; the default Postfix still
      offers STARTTLS.
  (d) Unbound with signed zones: through the validating resolver,
      `tern dns query` shows ad=1 for a TLSA record in a signed zone (its
      data as published), ad=0 for a record in an unsigned zone, NXDOMAIN
      with exit 1, SERVFAIL with exit 2 for a bogus zone; drill (ldnsutils)
      agrees on the AD bit; set_signed_zone() replaces a zone's records,
      still validated. --nameserver overrides [dns] nameservers (which, dead,
      give TIMEOUT and exit 2); AAAA, PTR (asked by address), TXT (escaped)
      and CNAME (asked, or followed) print in zone-file form.

`tern dns query` is wired into the CLI by cli.cpp (add_dns_query/dns_query
of cmd_dns.cpp).
"""
import hashlib
import re
import shutil
import smtplib
import socket
import ssl
import subprocess
import unittest

import harness
from harness import Tern
from peers import (HttpsServer, Postfix, SignedZone, TestCA, Unbound, free_port, tlsa_data,
                   wait_for)


def openssl(*args, stdin=None):
    r = subprocess.run(["openssl", *args], input=stdin, capture_output=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


class CertificateAuthority(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ca = TestCA()
        cls.other = TestCA(name="Some Other CA", key="rsa")

    @classmethod
    def tearDownClass(cls):
        cls.ca.cleanup()
        cls.other.cleanup()

    def test_leaf_verifies_against_its_ca_only(self):
        cert, key = self.ca.issue(["mx.dane.test", "mx2.dane.test"])
        code, out, err = openssl("verify", "-CAfile", self.ca.cert_path, cert)
        self.assertEqual(code, 0, err)
        self.assertIn(b": OK", out)
        code, _, _ = openssl("verify", "-CAfile", self.other.cert_path, cert)
        self.assertNotEqual(code, 0)
        # The RSA CA issues certificates that verify too.
        other_cert, _ = self.other.issue("mx.other.test")
        code, _, err = openssl("verify", "-CAfile", self.other.cert_path, other_cert)
        self.assertEqual(code, 0, err)
        # The key belongs to the certificate: same public key.
        _, cert_pub, _ = openssl("x509", "-in", cert, "-noout", "-pubkey")
        _, key_pub, _ = openssl("pkey", "-in", key, "-pubout")
        self.assertEqual(cert_pub, key_pub)

    def test_names_and_validity(self):
        cert, _ = self.ca.issue(["mx.dane.test", "mta-sts.dane.test"], not_after_days=3)
        _, out, _ = openssl("x509", "-in", cert, "-noout", "-ext", "subjectAltName", "-subject",
                            "-checkend", str(2 * 86400))
        text = out.decode()
        self.assertIn("DNS:mx.dane.test, DNS:mta-sts.dane.test", text)
        self.assertIn("CN = mx.dane.test", text)
        self.assertIn("will not expire", text)  # 3 days: still valid in 2
        code, out, _ = openssl("x509", "-in", cert, "-noout", "-checkend", str(4 * 86400))
        self.assertNotEqual(code, 0)

    def test_chain_file_holds_leaf_then_ca(self):
        cert, _ = self.ca.issue(["mx.dane.test"], chain=True)
        with open(cert) as f:
            text = f.read()
        with open(self.ca.cert_path) as f:
            self.assertTrue(text.endswith(f.read()))
        self.assertEqual(text.count("BEGIN CERTIFICATE"), 2)

    def test_tlsa_data_matches_openssl_digests(self):
        cert, _ = self.ca.issue(["mx.dane.test"])
        _, der, _ = openssl("x509", "-in", cert, "-outform", "DER")
        _, pub_pem, _ = openssl("x509", "-in", cert, "-noout", "-pubkey")
        _, spki, _ = openssl("pkey", "-pubin", "-outform", "DER", stdin=pub_pem)
        self.assertTrue(der and spki)
        self.assertEqual(tlsa_data(cert, 0, 0), der.hex())
        self.assertEqual(tlsa_data(cert, 0, 1), hashlib.sha256(der).hexdigest())
        self.assertEqual(tlsa_data(cert, 1, 1), hashlib.sha256(spki).hexdigest())
        self.assertEqual(tlsa_data(cert, 1, 2), hashlib.sha512(spki).hexdigest())
        self.assertEqual(tlsa_data(cert, 1, 0), spki.hex())
        # DANE-TA is computed on the CA certificate: a different key.
        self.assertNotEqual(tlsa_data(self.ca.cert_path, 1, 1), tlsa_data(cert, 1, 1))
        with self.assertRaises(ValueError):
            tlsa_data(cert, 2, 1)


class Https(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ca = TestCA()
        cls.cert, cls.key = cls.ca.issue(["mta-sts.dane.test"])

    @classmethod
    def tearDownClass(cls):
        cls.ca.cleanup()

    def get(self, server, path, hostname="mta-sts.dane.test"):
        """GET over TLS, trusting only our CA and checking `hostname` (the
        server listens on a loopback address): (status, headers, body)."""
        context = ssl.create_default_context(cafile=self.ca.cert_path)
        with socket.create_connection((server.address, server.port), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname=hostname) as s:
                s.sendall(f"GET {path} HTTP/1.0\r\nHost: {hostname}\r\n\r\n".encode())
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        return int(lines[0].split()[1]), headers, body

    def test_routes_hits_and_replacement(self):
        policy = "version: STSv1\r\nmode: enforce\r\nmx: mx.dane.test\r\nmax_age: 86400\r\n"
        routes = {"/.well-known/mta-sts.txt": (200, "text/plain", policy, {"X-Test": "1"})}
        with HttpsServer("127.0.0.1", free_port(), self.cert, self.key, routes) as server:
            status, headers, body = self.get(server, "/.well-known/mta-sts.txt")
            self.assertEqual((status, body.decode()), (200, policy))
            self.assertEqual(headers["Content-Type"], "text/plain")
            self.assertEqual(headers["X-Test"], "1")
            self.assertEqual(server.hits("/.well-known/mta-sts.txt"), 1)
            self.assertEqual(server.requests(),
                             [("GET", "/.well-known/mta-sts.txt", "mta-sts.dane.test")])

            status, _, _ = self.get(server, "/other")
            self.assertEqual(status, 404)
            self.assertEqual(server.hits("/other"), 1)

            server.set_route("/.well-known/mta-sts.txt", (200, "text/plain", "changed"))
            status, _, body = self.get(server, "/.well-known/mta-sts.txt?x=1")
            self.assertEqual((status, body), (200, b"changed"))
            self.assertEqual(server.hits("/.well-known/mta-sts.txt"), 2)

            server.set_route("/.well-known/mta-sts.txt", None)
            self.assertEqual(self.get(server, "/.well-known/mta-sts.txt")[0], 404)

    def test_wrong_name_fails_the_handshake(self):
        with HttpsServer("127.0.0.1", free_port(), self.cert, self.key, {}) as server:
            with self.assertRaises(ssl.SSLCertVerificationError):
                self.get(server, "/", hostname="mta-sts.other.test")
            wait_for(lambda: server.handshake_errors >= 1, 5, what="the failed handshake")
            self.assertEqual(server.hits("/"), 0)


class PostfixTls(unittest.TestCase):
    def starttls_session(self, mx, hostname):
        """openssl s_client -starttls smtp against `mx`, verifying against
        our CA and `hostname`: its output."""
        r = subprocess.run(["openssl", "s_client", "-starttls", "smtp", "-connect",
                            f"{mx.address}:{mx.port}", "-CAfile", self.ca.cert_path,
                            "-verify_hostname", hostname, "-verify_return_error",
                            "-servername", hostname],
                           input=b"QUIT\r\n", capture_output=True, timeout=60)
        return r.returncode, r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")

    @classmethod
    def setUpClass(cls):
        cls.ca = TestCA()

    @classmethod
    def tearDownClass(cls):
        cls.ca.cleanup()

    def test_given_certificate_is_presented(self):
        cert = self.ca.issue(["mx.dane.test"])
        with Postfix(domains=("dane.test",), address="127.0.0.2", cert=cert) as mx:
            code, out = self.starttls_session(mx, "mx.dane.test")
            self.assertEqual(code, 0, out)
            self.assertRegex(out, r"subject=CN ?= ?mx\.dane\.test")
            self.assertIn("Verify return code: 0 (ok)", out)
            wait_for(lambda: mx.tls_sessions() >= 1, 10, what="the TLS log line")
            self.assertIn("TLS connection established from", mx.log())
            # Against another name the same certificate does not verify.
            code, out = self.starttls_session(mx, "mx.other.test")
            self.assertNotEqual(code, 0)

    def test_default_certificate_still_offers_starttls(self):
        with Postfix(domains=("dest.test",), address="127.0.0.3") as mx:
            with smtplib.SMTP(mx.address, mx.port, timeout=10) as s:
                s.ehlo("client.test")
                self.assertTrue(s.has_extn("starttls"))
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                s.starttls(context=context)
                s.ehlo("client.test")
            wait_for(lambda: mx.tls_sessions() >= 1, 10, what="the TLS log line")
            # The self-signed certificate is the one for the hostname.
            code, out = self.starttls_session(mx, mx.hostname)
            self.assertIn(f"CN = {mx.hostname}", out.replace("CN=", "CN = "))


class DnssecQuery(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ca = TestCA()
        cls.cert, _ = cls.ca.issue(["mx.dane.test"])
        cls.tlsa = tlsa_data(cls.cert, 1, 1)
        signed = {
            "dane.test": [f"_25._tcp.mx.dane.test. 60 IN TLSA 3 1 1 {cls.tlsa}",
                          "mx.dane.test. 60 IN A 127.0.0.2",
                          "dane.test. 60 IN MX 10 mx.dane.test."],
            "bogus.test": SignedZone([f"_25._tcp.mx.bogus.test. 60 IN TLSA 3 1 1 {cls.tlsa}",
                                      "mx.bogus.test. 60 IN A 127.0.0.4"], bogus=True),
        }
        cls.dns = Unbound(["mx.plain.test. 60 IN A 127.0.0.3",
                           "plain.test. 60 IN TXT \"v=spf1 -all\"",
                           'quote.plain.test. 60 IN TXT "say \\"hi\\"" "again"',
                           "alias.plain.test. 60 IN CNAME mx.plain.test.",
                           "7.101.51.198.in-addr.arpa. 60 IN PTR mx.plain.test.",
                           "mx.plain.test. 60 IN AAAA 2001:db8::25"],
                          signed=signed).start()
        cls.tern = Tern({"dns": {"nameservers": cls.dns.nameserver, "timeout_ms": 1000}})

    @classmethod
    def tearDownClass(cls):
        cls.dns.stop()
        shutil.rmtree(cls.tern.dir, ignore_errors=True)
        cls.ca.cleanup()

    def query(self, *args):
        """(exit code, output lines) of `tern dns query args...`, with every
        TTL, which the resolver's cache counts down, written as 60 once
        checked to be between 1 and 60."""
        r = self.tern.admin("dns", "query", *args, check=False)
        lines = r.stdout.splitlines()
        self.assertTrue(lines and lines[-1].startswith("; rcode="), r.stdout + r.stderr)
        out = []
        for line in lines:
            m = (re.match(r"^(\S+ )(\d+)( IN .*)$", line)
                 or re.match(r"^(; rcode=\S+ ad=\d ttl=)(\d+)()$", line))
            if m and int(m.group(2)) > 0:
                self.assertLessEqual(int(m.group(2)), 60, line)
                line = m.group(1) + "60" + m.group(3)
            out.append(line)
        return r.returncode, out

    def test_signed_tlsa_has_ad(self):
        code, lines = self.query("_25._tcp.mx.dane.test", "TLSA")
        self.assertEqual(code, 0, lines)
        self.assertEqual(lines[0].split(),
                         ["_25._tcp.mx.dane.test.", "60", "IN", "TLSA", "3", "1", "1", self.tlsa])
        self.assertEqual(lines[-1], "; rcode=NOERROR ad=1 ttl=60")

    def test_signed_mx_and_nxdomain(self):
        code, lines = self.query("dane.test", "mx")
        self.assertEqual((code, lines[0]), (0, "dane.test. 60 IN MX 10 mx.dane.test."))
        self.assertIn("ad=1", lines[-1])
        # A name that does not exist: NSEC proves it, so even that is validated.
        code, lines = self.query("nope.dane.test", "A")
        self.assertEqual(code, 1)
        self.assertRegex(lines[-1], r"^; rcode=NXDOMAIN ad=1 ")

    def test_unsigned_zone_has_no_ad(self):
        code, lines = self.query("mx.plain.test")
        self.assertEqual(code, 0, lines)
        self.assertEqual(lines[0], "mx.plain.test. 60 IN A 127.0.0.3")
        self.assertEqual(lines[-1], "; rcode=NOERROR ad=0 ttl=60")
        code, lines = self.query("plain.test", "TXT")
        self.assertEqual(lines[0], 'plain.test. 60 IN TXT "v=spf1 -all"')
        code, lines = self.query("plain.test", "TLSA")  # NODATA
        self.assertEqual(code, 1)
        self.assertIn("; no TLSA records", lines)

    def test_presentation_forms(self):
        self.assertEqual(self.query("mx.plain.test", "aaaa")[1][0],
                         "mx.plain.test. 60 IN AAAA 2001:db8::25")
        # A PTR question for an address asks its in-addr.arpa name.
        code, lines = self.query("198.51.101.7", "PTR")
        self.assertEqual((code, lines[0]),
                         (0, "7.101.51.198.in-addr.arpa. 60 IN PTR mx.plain.test."))
        # TXT: one record of two strings is shown as one value (Tern joins
        # them), quotes escaped.
        code, lines = self.query("quote.plain.test", "TXT")
        self.assertEqual(lines[0], 'quote.plain.test. 60 IN TXT "say \\"hi\\"again"')
        # CNAMEs: asked as such, or followed for another type.
        code, lines = self.query("alias.plain.test", "CNAME")
        self.assertEqual((code, lines[0]), (0, "alias.plain.test. 60 IN CNAME mx.plain.test."))
        code, lines = self.query("alias.plain.test", "A")
        self.assertEqual(lines[:2], ["; alias.plain.test. is an alias of mx.plain.test.",
                                     "mx.plain.test. 60 IN A 127.0.0.3"])

    def test_bogus_zone_is_servfail(self):
        code, lines = self.query("_25._tcp.mx.bogus.test", "TLSA")
        self.assertEqual(code, 2)
        self.assertEqual(lines, ["; rcode=SERVFAIL ad=0 ttl=0"])
        self.assertIn("validation failure", self.dns.log())

    def test_nameserver_option_and_bad_arguments(self):
        # A configuration naming a nameserver nobody answers on: the lookup
        # fails (exit 2); --nameserver overrides it.
        dead = Tern({"dns": {"nameservers": f"127.0.0.1:{free_port(kind=socket.SOCK_DGRAM)}",
                             "timeout_ms": 200}})
        try:
            r = dead.admin("dns", "query", "mx.dane.test", check=False)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertEqual(r.stdout.splitlines()[-1], "; rcode=TIMEOUT ad=0 ttl=0")
            r = dead.admin("dns", "query", "mx.dane.test", "A", "--nameserver",
                           self.dns.nameserver, check=False)
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertRegex(r.stdout.splitlines()[0], r"^mx\.dane\.test\. \d+ IN A 127\.0\.0\.2$")
        finally:
            shutil.rmtree(dead.dir, ignore_errors=True)
        r = self.tern.admin("dns", "query", "mx.dane.test", "SRV", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a record type", r.stderr)
        r = self.tern.admin("dns", "query", "a..b", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a domain name", r.stderr)
        r = self.tern.admin("dns", "query", "--help", check=False)
        self.assertEqual(r.returncode, 0)
        self.assertIn("--nameserver", r.stdout)

    def test_drill_agrees_on_the_ad_bit(self):
        def flags(name):
            r = subprocess.run(["drill", "-D", "-p", str(self.dns.port), f"@{self.dns.address}",
                                name, "A"], capture_output=True, text=True, timeout=30)
            line = next(x for x in r.stdout.splitlines() if x.startswith(";; flags:"))
            return line.split(";")[2].split()[1:]
        self.assertIn("ad", flags("mx.dane.test"))
        self.assertNotIn("ad", flags("mx.plain.test"))

    def test_set_signed_zone_replaces_records(self):
        # Its own zone, so the other tests' answers stay as they are.
        self.dns.set_signed_zone("swap.test", ["mx.swap.test. 60 IN A 127.0.0.7"])
        code, lines = self.query("mx.swap.test")
        self.assertEqual((code, lines[0], lines[-1]),
                         (0, "mx.swap.test. 60 IN A 127.0.0.7", "; rcode=NOERROR ad=1 ttl=60"))
        self.dns.set_signed_zone("swap.test", ["mx.swap.test. 60 IN A 127.0.0.8"])
        code, lines = self.query("mx.swap.test")
        self.assertEqual((code, lines[0]), (0, "mx.swap.test. 60 IN A 127.0.0.8"))
        self.assertIn("ad=1", lines[-1])
        self.dns.set_signed_zone("swap.test", ["mx.swap.test. 60 IN A 127.0.0.8"], bogus=True)
        self.assertEqual(self.query("mx.swap.test")[0], 2)


if __name__ == "__main__":
    harness.main()
