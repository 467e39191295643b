#!/usr/bin/python3
"""Outbound TLS policy (issue 6 item 6) against real peers: a private CA, a
Postfix presenting a certificate that CA issued, HTTPS servers publishing
MTA-STS policies, and a validating unbound serving DNSSEC-signed zones.

MTA-STS (RFC 8461):
  sts.test      enforce, MX listed, certificate valid  -> delivered, verified
  badsts.test   enforce, certificate not for the MX    -> not delivered, deferred
  teststs.test  testing, certificate not for the MX    -> delivered, failure logged
DANE (RFC 7672), zones signed and validated (AD bit):
  dane.test     TLSA 3 1 1 of the leaf                 -> delivered, DANE-EE
  daneta.test   TLSA 2 0 1 of the CA                   -> delivered, DANE-TA
  danebad.test  TLSA 3 1 1 of another key              -> not delivered, deferred
  bogus.test    signatures broken (SERVFAIL)           -> not delivered, deferred
[[transport]] tables:
  relay.test    no DNS at all; relay [mx.sts.test], tls verify -> delivered
  clear.test    relay [127.0.0.2], tls none                    -> delivered in clear
DSN (RFC 3461 4.2): this Postfix does not offer DSN, so NOTIFY=SUCCESS cannot
be passed on: Tern sends the sender a "relayed" notice itself.
"""
import email
import email.policy
import smtplib
import socket
import ssl
import time
import unittest

from harness import Tern
from peers import (HttpsServer, Postfix, SignedZone, TestCA, Unbound, free_port, tlsa_data,
                   wait_for)

SENDER = "sender@tern.test"
PASSWORD = "tls policy secret"
LISTENERS = [("submission", "submission", "starttls")]
MX_IP = "127.0.0.2"
STS_IPS = {"sts.test": "127.0.0.4", "badsts.test": "127.0.0.5", "teststs.test": "127.0.0.6"}
DOMAINS = ("sts.test", "badsts.test", "teststs.test", "dane.test", "daneta.test",
           "danebad.test", "bogus.test", "relay.test", "clear.test")


def policy(mode, mx):
    return f"version: STSv1\r\nmode: {mode}\r\nmx: {mx}\r\nmax_age: 86400\r\n"


def message(token, to):
    return (f"From: Sender <{SENDER}>\r\n"
            f"To: {to}\r\n"
            f"Subject: tls policy {token}\r\n"
            f"Date: Mon, 30 Nov 2026 12:00:00 +0000\r\n"
            f"Message-ID: <{token}@tern.test>\r\n"
            f"X-Test-Token: {token}\r\n"
            f"\r\nHello {token}.\r\n").encode()


class TlsPolicy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ca = TestCA()
        cls.started = []
        try:
            cls._start_peers()
        except BaseException:
            cls._stop_peers()
            raise

    @classmethod
    def _start_peers(cls):
        ca = cls.ca
        # One Postfix for every domain; its certificate names some MX hosts
        # and not others (badsts, teststs), and carries the CA after the leaf
        # so DANE-TA can chain to it (RFC 7671 5.2.2).
        cert, key = ca.issue(["mx.sts.test", "mx.dane.test", "mx.daneta.test",
                              "mx.danebad.test"], chain=True)
        other_cert, _ = ca.issue(["elsewhere.test"])
        https_cert, https_key = ca.issue([f"mta-sts.{d}" for d in STS_IPS])
        cls.port = free_port(MX_IP)
        tlsa = f"_{cls.port}._tcp"
        ee = tlsa_data(cert, 1, 1)
        ta = tlsa_data(ca.cert_path, 0, 1)
        wrong = tlsa_data(other_cert, 1, 1)
        unsigned = [
            "sts.test. 60 IN MX 10 mx.sts.test.",
            f"mx.sts.test. 60 IN A {MX_IP}",
            "badsts.test. 60 IN MX 10 mx.badsts.test.",
            f"mx.badsts.test. 60 IN A {MX_IP}",
            "teststs.test. 60 IN MX 10 mx.teststs.test.",
            f"mx.teststs.test. 60 IN A {MX_IP}",
        ]
        for domain, ip in STS_IPS.items():
            unsigned += [f'_mta-sts.{domain}. 60 IN TXT "v=STSv1; id=20261130"',
                         f"mta-sts.{domain}. 60 IN A {ip}"]

        def signed(name, tlsa_rr):
            return [f"{name}. 60 IN MX 10 mx.{name}.", f"mx.{name}. 60 IN A {MX_IP}",
                    f"{tlsa}.mx.{name}. 60 IN TLSA {tlsa_rr}"]
        cls.dns = Unbound(unsigned, signed={
            "dane.test": signed("dane.test", f"3 1 1 {ee}"),
            "daneta.test": signed("daneta.test", f"2 0 1 {ta}"),
            "danebad.test": signed("danebad.test", f"3 1 1 {wrong}"),
            "bogus.test": SignedZone(signed("bogus.test", f"3 1 1 {ee}"), bogus=True),
        }).start()
        cls.started.append(cls.dns)
        cls.mx = Postfix(domains=DOMAINS, address=MX_IP, port=cls.port, hostname="mx.sts.test",
                         cert=(cert, key),
                         main_cf={"smtpd_discard_ehlo_keywords": "dsn"}).start()
        cls.started.append(cls.mx)
        cls.https_port = free_port(STS_IPS["sts.test"])
        cls.https = {}
        modes = {"sts.test": ("enforce", "mx.sts.test"),
                 "badsts.test": ("enforce", "mx.badsts.test"),
                 "teststs.test": ("testing", "*.teststs.test")}
        for domain, ip in STS_IPS.items():
            routes = {"/.well-known/mta-sts.txt": (200, "text/plain", policy(*modes[domain]))}
            server = HttpsServer(ip, cls.https_port, https_cert, https_key, routes)
            server.__enter__()
            cls.started.append(server)
            cls.https[domain] = server

    @classmethod
    def _stop_peers(cls):
        for peer in reversed(cls.started):
            try:
                peer.__exit__(None, None, None)
            except Exception as e:  # keep stopping the others
                print(f"stopping {type(peer).__name__}: {e}")
        cls.ca.cleanup()

    @classmethod
    def tearDownClass(cls):
        cls._stop_peers()

    def setUp(self):
        self.tern = Tern({
            "dns": {"nameservers": self.dns.nameserver},
            "queue": {"smtp_port": self.port, "retry_initial_seconds": 1,
                      "retry_max_seconds": 2, "connect_timeout_seconds": 3,
                      "command_timeout_seconds": 20, "scan_interval_seconds": 1,
                      "delay_notice_seconds": 0, "max_age_seconds": 600,
                      "tls_ca_file": self.ca.cert_path, "mta_sts_port": self.https_port},
            "smtp": {"submission_rate_per_hour": 0},
            "transport": [
                {"domain": "relay.test", "relay": f"[mx.sts.test]:{self.port}", "tls": "verify"},
                {"domain": "clear.test", "relay": f"[{MX_IP}]:{self.port}", "tls": "none"},
            ],
        }, listeners=LISTENERS)
        self.tern.add_user(SENDER, PASSWORD)
        self.tern.start(wait_ready=30)

    def tearDown(self):
        if self._failed():
            print("--- tern log (tail) ---\n" + self.tern.log()[-5000:])
            print("--- postfix log (tail) ---\n" + self.mx.log()[-3000:])
        self.tern.__exit__(None, None, None)

    def _failed(self):
        result = getattr(self._outcome, "result", None)
        return result is not None and any(t is self for t, _ in result.errors + result.failures)

    # -- helpers --
    def send(self, token, to, rcpt_options=()):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP("127.0.0.1", self.tern.ports["submission"], timeout=60) as s:
            s.starttls(context=ctx)
            s.login(SENDER, PASSWORD)
            refused = s.sendmail(SENDER, [to], message(token, to),
                                 rcpt_options=list(rcpt_options))
            self.assertEqual(refused, {})

    def inbox(self):
        """The raw messages in the sender's INBOX (notices land there)."""
        out = self.tern.admin("mail", "list", SENDER, "INBOX").stdout
        return [self.tern.admin("mail", "show", SENDER, "INBOX", line.split()[0]).stdout
                for line in out.splitlines()]

    def tls_lines(self, host):
        return [line for line in self.tern.log().splitlines()
                if "event=queue.tls " in line and f"host={host}" in line]

    def delivered(self, token, to):
        stored = self.mx.wait_messages(to, timeout=60)
        self.assertEqual(len(stored), 1)
        self.assertIn(f"X-Test-Token: {token}".encode(), stored[0])
        return stored[0]

    def deferred(self, to, needle):
        """Waits until the log shows `needle` (the reason), then checks the
        message is still queued and Postfix has nothing for `to`."""
        wait_for(lambda: needle in self.tern.log(), 60, interval=0.2, what=repr(needle))
        self.assertIn(to, self.tern.admin("queue", "list").stdout)
        time.sleep(1)  # a wrong delivery would have happened by now
        self.assertEqual(self.mx.messages(to), [])

    # -- the tests --
    def test_0_peers(self):
        """The fixtures, so a failure below is Tern's."""
        r = self.tern.admin("dns", "query", f"_{self.port}._tcp.mx.dane.test", "TLSA",
                            "--nameserver", self.dns.nameserver, check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("ad=1", r.stdout)
        out = self.tern.admin("dns", "query", "mx.dane.test", "A", "--nameserver",
                              self.dns.nameserver).stdout
        self.assertIn("ad=1", out)
        out = self.tern.admin("dns", "query", "mx.sts.test", "A", "--nameserver",
                              self.dns.nameserver).stdout
        self.assertIn("ad=0", out)
        ctx = ssl.create_default_context(cafile=self.ca.cert_path)
        with socket.create_connection((STS_IPS["sts.test"], self.https_port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="mta-sts.sts.test") as tls:
                tls.sendall(b"GET /.well-known/mta-sts.txt HTTP/1.0\r\n"
                            b"Host: mta-sts.sts.test\r\n\r\n")
                answer = b""
                while chunk := tls.recv(4096):  # HTTP/1.0: the server closes at the end
                    answer += chunk
                self.assertIn(b"mode: enforce", answer)

    def test_mta_sts_enforce_delivers_over_verified_tls(self):
        self.send("sts1", "u@sts.test")
        self.delivered("sts1", "u@sts.test")
        lines = self.tls_lines("mx.sts.test")
        self.assertTrue(lines, self.tern.log()[-3000:])
        self.assertIn("level=verify", lines[0])
        self.assertIn("source=mta-sts", lines[0])
        self.assertIn("verified=yes", lines[0])
        self.assertGreaterEqual(self.https["sts.test"].hits("/.well-known/mta-sts.txt"), 1)
        hosts = [r[2] for r in self.https["sts.test"].requests()]
        self.assertIn("mta-sts.sts.test", hosts[0])

    def test_mta_sts_enforce_refuses_a_certificate_for_another_name(self):
        self.send("badsts1", "u@badsts.test")
        self.deferred("u@badsts.test", "certificate verification failed")
        self.assertGreaterEqual(self.https["badsts.test"].hits("/.well-known/mta-sts.txt"), 1)
        # Never retried in clear: no delivery after another retry either.
        time.sleep(3)
        self.assertEqual(self.mx.messages("u@badsts.test"), [])

    def test_mta_sts_testing_delivers_and_reports(self):
        self.send("teststs1", "u@teststs.test")
        self.delivered("teststs1", "u@teststs.test")
        self.assertIn("event=queue.mta_sts_testing_failure", self.tern.log())
        self.assertIn("verified=no", self.tls_lines("mx.teststs.test")[0])

    def test_dane_ee_match(self):
        self.send("dane1", "u@dane.test")
        self.delivered("dane1", "u@dane.test")
        line = self.tls_lines("mx.dane.test")[0]
        self.assertIn("level=dane", line)
        self.assertIn("dane=DANE-EE", line)
        self.assertIn("verified=yes", line)

    def test_dane_ta_match(self):
        self.send("daneta1", "u@daneta.test")
        self.delivered("daneta1", "u@daneta.test")
        line = self.tls_lines("mx.daneta.test")[0]
        self.assertIn("dane=DANE-TA", line)

    def test_dane_mismatch_is_refused(self):
        self.send("danebad1", "u@danebad.test")
        self.deferred("u@danebad.test", "no TLSA record matches")

    def test_bogus_zone_is_not_used(self):
        self.send("bogus1", "u@bogus.test")
        self.deferred("u@bogus.test", "SERVFAIL")

    def test_transport_relay_with_verified_tls(self):
        # relay.test has no DNS records at all: only the transport table
        # can route it.
        self.send("relay1", "u@relay.test")
        self.delivered("relay1", "u@relay.test")
        line = self.tls_lines("mx.sts.test")[-1]
        self.assertIn("level=verify", line)
        self.assertIn("source=transport", line)

    def test_relayed_notice_when_the_peer_lacks_dsn(self):
        self.send("notify1", "n@clear.test", ["NOTIFY=SUCCESS,FAILURE"])
        self.delivered("notify1", "n@clear.test")
        raw = wait_for(self.inbox, 60, interval=0.2, what="a success notice")[0]
        dsn = email.message_from_string(raw, policy=email.policy.default)
        self.assertEqual(dsn.get_content_type(), "multipart/report", raw[:1500])
        status = dsn.get_payload()[1].get_payload()
        self.assertEqual(len(status), 2, raw[:3000])  # per-message + one recipient
        self.assertIn("n@clear.test", status[1]["Final-Recipient"])
        self.assertEqual(str(status[1]["Action"]).strip().lower(), "relayed")
        self.assertEqual(str(status[1]["Status"]).strip(), "2.0.0")
        # The default NOTIFY (failure, delay) asks for no success notice.
        self.send("notify2", "m@clear.test")
        self.delivered("notify2", "m@clear.test")
        time.sleep(2)
        self.assertEqual(len(self.inbox()), 1)

    def test_transport_without_tls(self):
        self.send("clear1", "u@clear.test")
        stored = self.delivered("clear1", "u@clear.test")
        self.assertNotIn(b"using TLS", stored.split(b"X-Test-Token")[0])
        self.assertEqual(self.tls_lines(MX_IP), [])


if __name__ == "__main__":
    unittest.main()
