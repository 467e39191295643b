#!/usr/bin/python3
"""TLS configuration of every TLS port (issue 8 item 4), judged by Debian's
testssl.sh: SMTP STARTTLS, submission STARTTLS and 465, IMAP STARTTLS and
993, POP3 STARTTLS and 995 of one running Tern.

Each port gets protocols (-p), cipher categories (-s), forward secrecy (-f),
server defaults and certificate (-S) and the vulnerability checks (-U), with
--jsonfile output parsed here. The test fails on any finding rated HIGH or
CRITICAL (or a scan that could not finish) and prints every MEDIUM.

Offline: the URIs are IP literals and --nodns none forbids every DNS lookup
(testssl.sh refuses --ip together with it; an IP literal needs no resolving);
no --phone-out, so no CRL or OCSP fetch. Tern's own lookups go to a local
unbound that knows nothing (peers.py).

The certificate is the operator's choice, not Tern's: the test installs one
shaped like a public CA's leaf (issued by a private CA that testssl.sh is
told to trust with --add-ca, 90 days, a CRL distribution point, the name
and 127.0.0.1 in subjectAltName), so what remains is Tern's TLS settings.
"""
import concurrent.futures
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import harness
from harness import Tern
from peers import TestCA, Unbound

TESTSSL = shutil.which("testssl") or shutil.which("testssl.sh") or "testssl"
# name, protocol, tls mode, testssl.sh --starttls protocol (None: implicit TLS)
PORTS = [
    ("smtp", "smtp", "starttls", "smtp"),
    ("submission", "submission", "starttls", "smtp"),
    ("submissions", "submission", "implicit", None),
    ("imap", "imap", "starttls", "imap"),
    ("imaps", "imap", "implicit", None),
    ("pop3", "pop3", "starttls", "pop3"),
    ("pop3s", "pop3", "implicit", None),
]
# Each testssl.sh run costs ~25 CPU-seconds of start-up (bash and openssl
# forks) before the checks; two at a time keep 2 cores busy.
CHECKS = os.environ.get("TERN_TESTSSL_CHECKS", "-p -s -f -S -U").split()
PARALLEL = int(os.environ.get("TERN_TESTSSL_PARALLEL", "2"))
HOSTNAME = "mx.tern.test"
# Finding ids in the JSON that show each check really ran.
EVIDENCE = {
    "-p": ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3"),
    "-s": ("cipherlist_NULL", "cipherlist_EXPORT", "cipherlist_STRONG"),
    "-f": ("PFS",),
    "-S": ("cert_chain_of_trust", "cert_trust", "cert_validityPeriod"),
    "-U": ("heartbleed", "CCS", "ROBOT", "secure_renego", "POODLE_SSL", "LUCKY13", "RC4"),
}


def leaf_certificate(ca, directory):
    """A server certificate like a public CA's (RFC 5280 4.2.1.13 CRL
    distribution point; CA/Browser Forum: at most 398 days), signed by `ca`."""
    key, csr, cert = (os.path.join(directory, n) for n in ("leaf.key", "leaf.csr", "leaf.pem"))
    ext = os.path.join(directory, "leaf.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\n"
                f"subjectAltName=DNS:{HOSTNAME},IP:127.0.0.1\n"
                "crlDistributionPoints=URI:http://crl.tern.test/ca.crl\n")
    run = lambda *a: subprocess.run(["openssl", *a], check=True, capture_output=True,  # noqa
                                    timeout=60)
    run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-subj", f"/CN={HOSTNAME}", "-keyout", key, "-out", csr)
    run("x509", "-req", "-in", csr, "-CA", ca.cert_path, "-CAkey", ca.key_path,
        "-set_serial", "4242", "-days", "90", "-sha256", "-extfile", ext, "-out", cert)
    os.chmod(key, 0o600)
    return cert, key


def run_testssl(port, starttls, ca_path, json_path):
    args = [TESTSSL, "--quiet", "--color", "0", "--warnings", "off", "--nodns", "none",
            "--add-ca", ca_path, "--connect-timeout", "10", "--openssl-timeout", "10",
            *CHECKS, "--jsonfile", json_path]
    if starttls:
        args += ["--starttls", starttls]
    args.append(f"127.0.0.1:{port}")
    began = time.monotonic()
    r = subprocess.run(args, capture_output=True, text=True, timeout=540)
    return r, time.monotonic() - began


class TestsslAllPorts(unittest.TestCase):
    def test_no_high_or_critical_finding_on_any_tls_port(self):
        work = tempfile.mkdtemp(prefix="tern-testssl-")
        try:
            with TestCA(name="Tern Testssl CA", days=365) as ca, \
                    Unbound(["nothing.test. 60 IN A 127.0.0.9"]) as dns:
                cert, key = leaf_certificate(ca, work)
                listeners = [(name, proto, tls) for name, proto, tls, _ in PORTS]
                t = Tern({"tls": {"cert_file": cert, "key_file": key},
                          "dns": {"nameservers": dns.nameserver},
                          "limits": {"max_connections_per_ip": 1000}}, listeners=listeners)
                with t:
                    self.scan_all(t, ca.cert_path, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def scan_all(self, t, ca_path, work):
        began = time.monotonic()
        jobs = {}
        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            for name, _, _, starttls in PORTS:
                path = os.path.join(work, f"{name}.json")
                jobs[name] = (path, pool.submit(run_testssl, t.ports[name], starttls, ca_path,
                                                path))
        print(f"testssl.sh {' '.join(CHECKS)} on {len(PORTS)} ports took "
              f"{time.monotonic() - began:.0f}s")
        bad, mediums = [], []
        for name, _, _, starttls in PORTS:
            path, job = jobs[name]
            result, seconds = job.result()
            self.assertTrue(os.path.exists(path),
                            f"{name}: no JSON (exit {result.returncode}): {result.stdout[-2000:]}"
                            f"{result.stderr[-2000:]}")
            with open(path) as f:
                findings = json.load(f)
            by_id = {f["id"]: f for f in findings}
            label = f"{name} ({'STARTTLS ' + starttls if starttls else 'implicit TLS'}, "\
                    f"port {t.ports[name]})"
            print(f"{label}: {len(findings)} findings in {seconds:.0f}s, exit {result.returncode}")
            # The checks really ran: their results are in the file.
            for check in CHECKS:
                for needed in EVIDENCE.get(check, ()):
                    self.assertIn(needed, by_id, f"{label}: testssl.sh did not report {needed}")
            if "-p" in CHECKS:
                # RFC 8996: TLS 1.0 and 1.1 are gone; RFC 8446: TLS 1.3 offered.
                for old in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
                    self.assertIn("not offered", by_id[old]["finding"], f"{label}: {old}")
                self.assertTrue(by_id["TLS1_3"]["finding"].startswith("offered"), label)
            for f in findings:
                line = f"{label}: {f['severity']} {f['id']}: {f['finding']}"
                if f["severity"] in ("HIGH", "CRITICAL", "FATAL"):
                    bad.append(line)
                elif f["severity"] == "MEDIUM":
                    mediums.append(line)
        for line in mediums:
            print("MEDIUM " + line)
        for line in bad:
            print("FAIL " + line)
        self.assertEqual(bad, [], "testssl.sh findings rated HIGH or CRITICAL")


if __name__ == "__main__":
    harness.main()
