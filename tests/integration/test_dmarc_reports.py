#!/usr/bin/python3
"""DMARC aggregate reports (issue 7 item 3: "collected, and sent daily as
gzipped XML"; RFC 7489 7.2) end to end: mail from domains publishing rua=
arrives on port 25 of the real `tern serve`; `tern dmarc pending` shows the
collected rows; `tern dmarc send --include-today` queues the reports; the
running server delivers them to a real Postfix (peers.py) receiving for the
report domain; the test unpacks the gzipped XML and checks what it says.

  sender.test   rua=mailto:rua@reports.test, which consents through
                sender.test._report._dmarc.reports.test (RFC 7489 7.1):
                one report with every message counted
  noconsent.test  rua at reports.test without that record: dropped
  silent.test   a DMARC record without rua: nothing collected
"""
import email
import email.policy
import gzip
import smtplib
import unittest
import xml.etree.ElementTree as ET

from harness import Tern
from peers import Postfix, Unbound, free_port, wait_for

USER = "alice@tern.test"
LISTENERS = [("smtp", "smtp", "starttls")]
MX_IP = "127.0.0.2"


def txt(owner, text):
    return f'{owner} 60 IN TXT "{text}"'


ZONES = [
    txt("sender.test.", "v=spf1 ip4:127.0.0.1 -all"),
    txt("_dmarc.sender.test.", "v=DMARC1; p=none; rua=mailto:rua@reports.test"),
    txt("sender.test._report._dmarc.reports.test.", "v=DMARC1"),
    txt("noconsent.test.", "v=spf1 ip4:127.0.0.1 -all"),
    txt("_dmarc.noconsent.test.", "v=DMARC1; p=none; rua=mailto:rua@reports.test"),
    txt("silent.test.", "v=spf1 ip4:127.0.0.1 -all"),
    txt("_dmarc.silent.test.", "v=DMARC1; p=none"),
    "reports.test. 60 IN MX 10 mx.reports.test.",
    f"mx.reports.test. 60 IN A {MX_IP}",
]


def message(sender, token):
    return (f"From: <{sender}>\r\nTo: <{USER}>\r\nSubject: dmarc {token}\r\n"
            f"Message-ID: <{token}@{sender.split('@')[1]}>\r\n"
            f"Date: Mon, 30 Nov 2026 10:00:00 +0000\r\n\r\nbody {token}\r\n").encode()


class DmarcReports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dns = Unbound(ZONES).start()
        try:
            cls.mx = Postfix(domains=("reports.test",), address=MX_IP,
                             port=free_port(MX_IP)).start()
        except BaseException:
            cls.dns.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.mx.stop()
        cls.dns.stop()

    def setUp(self):
        self.tern = Tern({
            "dns": {"nameservers": self.dns.nameserver, "timeout_ms": 500},
            "queue": {"smtp_port": self.mx.port, "scan_interval_seconds": 1,
                      "retry_initial_seconds": 1, "connect_timeout_seconds": 3},
            "mailauth": {"dmarc_report_org": "reporter.tern.test",
                         "dmarc_report_from": "dmarc-reports@tern.test"},
        }, listeners=LISTENERS)
        self.tern.add_user(USER, "dmarc secret")
        self.tern.start(wait_ready=30)

    def tearDown(self):
        self.tern.__exit__(None, None, None)

    def send(self, sender, token):
        with smtplib.SMTP("127.0.0.1", self.tern.ports["smtp"], timeout=30) as s:
            s.ehlo("client.sender.test")
            self.assertEqual(s.sendmail(sender, [USER], message(sender, token)), {})

    def test_reports_are_collected_sent_and_readable(self):
        for i in range(3):
            self.send("news@sender.test", f"s{i}")
        self.send("x@noconsent.test", "n0")
        self.send("y@silent.test", "q0")

        pending = self.tern.admin("dmarc", "pending").stdout
        lines = {line.split()[-3]: line.split() for line in pending.splitlines()[1:]}
        self.assertIn("sender.test", lines, pending)
        self.assertEqual(lines["sender.test"][-1], "3", pending)  # messages
        self.assertEqual(lines["sender.test"][-2], "1", pending)  # rows: one source, same results
        self.assertIn("noconsent.test", lines, pending)
        self.assertNotIn("silent.test", lines, pending)

        out = self.tern.admin("dmarc", "send", "--include-today").stdout
        self.assertIn("1 report(s) queued, 1 dropped", out)
        self.assertIn("no report data waiting", self.tern.admin("dmarc", "pending").stdout)

        stored = self.mx.wait_messages("rua@reports.test", timeout=60)
        self.assertEqual(len(stored), 1)
        report = email.message_from_bytes(stored[0], policy=email.policy.default)
        self.assertIn("Report Domain: sender.test", str(report["Subject"]))
        self.assertIn("Submitter: reporter.tern.test", str(report["Subject"]))
        self.assertEqual(report.get_content_type(), "multipart/mixed")
        attachments = [p for p in report.iter_attachments()
                       if p.get_content_type() == "application/gzip"]
        self.assertEqual(len(attachments), 1)
        name = attachments[0].get_filename()
        self.assertRegex(name, r"^mx\.tern\.test!sender\.test!\d+!\d+\.xml\.gz$")
        xml = gzip.decompress(attachments[0].get_content())
        root = ET.fromstring(xml)  # well-formed, or this raises
        self.assertEqual(root.tag, "feedback")
        self.assertEqual(root.findtext("report_metadata/org_name"), "reporter.tern.test")
        self.assertEqual(root.findtext("report_metadata/email"), "dmarc-reports@tern.test")
        self.assertEqual(root.findtext("policy_published/domain"), "sender.test")
        self.assertEqual(root.findtext("policy_published/p"), "none")
        records = root.findall("record")
        self.assertEqual(len(records), 1)
        r = records[0]
        self.assertEqual(r.findtext("row/source_ip"), "127.0.0.1")
        self.assertEqual(r.findtext("row/count"), "3")
        self.assertEqual(r.findtext("row/policy_evaluated/disposition"), "none")
        self.assertEqual(r.findtext("row/policy_evaluated/spf"), "pass")  # aligned SPF pass
        self.assertEqual(r.findtext("row/policy_evaluated/dkim"), "fail")  # unsigned
        self.assertEqual(r.findtext("identifiers/header_from"), "sender.test")
        self.assertEqual(r.findtext("auth_results/spf/domain"), "sender.test")
        self.assertEqual(r.findtext("auth_results/spf/result"), "pass")
        begin = int(root.findtext("report_metadata/date_range/begin"))
        end = int(root.findtext("report_metadata/date_range/end"))
        self.assertEqual(begin % 86400, 0)
        self.assertEqual(end - begin, 86399)
        # Nothing else arrives: the dropped domain sent nothing.
        wait_for(lambda: "queue is empty" in self.tern.admin("queue", "list").stdout, 30,
                 what="an empty queue")
        self.assertEqual(len(self.mx.messages("rua@reports.test")), 1)


if __name__ == "__main__":
    unittest.main()
