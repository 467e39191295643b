// Aggregate report XML (RFC 7489 Appendix C) and its email (7.2.1.1).
#include "mailauth/dmarc/report.hpp"

#include <gtest/gtest.h>

#include "base/gzip.hpp"
#include "base/strings.hpp"

namespace tern::mailauth::dmarc {
namespace {

ReportMeta meta() {
    ReportMeta m;
    m.org_name = "mx.tern.test";
    m.email = "dmarc-reports@tern.test";
    m.report_id = "tern.20261129.example.org";
    m.begin = 1796083200;
    m.end = 1796169599;
    return m;
}

PublishedPolicy policy() {
    PublishedPolicy p;
    p.domain = "example.org";
    p.p = "reject";
    p.sp = "quarantine";
    p.pct = 50;
    p.adkim = 's';
    return p;
}

ReportRow row() {
    ReportRow r;
    r.source_ip = "192.0.2.7";
    r.count = 12;
    r.header_from = "example.org";
    r.disposition = "reject";
    r.spf_aligned_pass = false;
    r.dkim_aligned_pass = true;
    r.dkim.push_back({"example.org", "s1", "pass"});
    r.spf_domain = "bounce.example.net";
    r.spf_result = "fail";
    return r;
}

TEST(DmarcReport, XmlHasTheAppendixCStructure) {
    std::string xml = aggregate_xml(meta(), policy(), {row()});
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>\n", 0), 0u);
    for (const char* piece : {"<org_name>mx.tern.test</org_name>",
                              "<report_id>tern.20261129.example.org</report_id>",
                              "<begin>1796083200</begin>",
                              "<end>1796169599</end>",
                              "<domain>example.org</domain>",
                              "<adkim>s</adkim>",
                              "<aspf>r</aspf>",
                              "<p>reject</p>",
                              "<sp>quarantine</sp>",
                              "<pct>50</pct>",
                              "<source_ip>192.0.2.7</source_ip>",
                              "<count>12</count>",
                              "<disposition>reject</disposition>",
                              "<dkim>pass</dkim>",
                              "<spf>fail</spf>",
                              "<header_from>example.org</header_from>",
                              "<selector>s1</selector>",
                              "<domain>bounce.example.net</domain>",
                              "<scope>mfrom</scope>",
                              "<result>fail</result>"}) {
        EXPECT_NE(xml.find(piece), std::string::npos) << piece << "\n" << xml;
    }
    EXPECT_EQ(xml.substr(xml.size() - 12), "</feedback>\n");
    // report_metadata comes before policy_published, which comes before records.
    EXPECT_LT(xml.find("<report_metadata>"), xml.find("<policy_published>"));
    EXPECT_LT(xml.find("<policy_published>"), xml.find("<record>"));
}

TEST(DmarcReport, UntrustedValuesAreEscaped) {
    ReportRow r = row();
    r.header_from = "evil.example</header_from><x>&\x01";
    r.dkim[0].selector = "a\"b'c";
    std::string xml = aggregate_xml(meta(), policy(), {r});
    EXPECT_NE(xml.find("<header_from>evil.example&lt;/header_from&gt;&lt;x&gt;&amp;</header_from>"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<selector>a&quot;b&apos;c</selector>"), std::string::npos);
    EXPECT_EQ(xml.find('\x01'), std::string::npos);
}

TEST(DmarcReport, MessageCarriesTheGzippedXml) {
    ReportMail mail;
    mail.from = "noreply-dmarc@tern.test";
    mail.recipients = {"rua@example.org", "second@example.net"};
    mail.receiver_domain = "tern.test";
    mail.message_id_domain = "mx.tern.test";
    mail.date = 1796200000;
    std::string xml = aggregate_xml(meta(), policy(), {row()});
    std::string m = report_message(mail, meta(), policy(), xml);
    EXPECT_NE(m.find("To: <rua@example.org>, <second@example.net>\r\n"), std::string::npos);
    EXPECT_NE(m.find("Subject: Report Domain: example.org Submitter: mx.tern.test Report-ID: "
                     "<tern.20261129.example.org>\r\n"),
              std::string::npos)
        << m;
    std::string file = "tern.test!example.org!1796083200!1796169599.xml.gz";
    EXPECT_NE(m.find("filename=\"" + file + "\""), std::string::npos);
    EXPECT_NE(m.find("Content-Type: application/gzip"), std::string::npos);
    // The attachment decodes back to the XML.
    auto start = m.find("\r\n\r\n", m.find("Content-Disposition: attachment"));
    auto end = m.find("\r\n--", start);
    ASSERT_NE(start, std::string::npos);
    std::string b64;
    for (char c : m.substr(start + 4, end - start - 4))
        if (c != '\r' && c != '\n') b64 += c;
    std::string gz;
    ASSERT_TRUE(base64_decode(b64, gz));
    auto back = gunzip(gz, 1 << 20);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, xml);
    // Lines stay within RFC 5322 2.1.1's limit of 998 characters.
    std::size_t line_start = 0;
    for (std::size_t i = 0; i + 1 < m.size(); ++i) {
        if (m[i] == '\r' && m[i + 1] == '\n') {
            EXPECT_LE(i - line_start, 998u);
            line_start = i + 2;
        }
    }
}

}  // namespace
}  // namespace tern::mailauth::dmarc
