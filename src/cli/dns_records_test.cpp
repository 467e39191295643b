// The zone-file text of `tern dns records` (dns_records.hpp): exact lines for
// a fixed configuration, SRV ports from the listeners, TXT splitting.
#include "cli/dns_records.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace tern::cli {
namespace {

using config::Listener;
using config::Protocol;
using config::TlsMode;

std::vector<std::string> records_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != ';') out.push_back(line);
    return out;
}

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

DnsRecordsInput fixed_input() {
    DnsRecordsInput in;
    in.domain = "example.org";
    in.hostname = "mx.example.net";
    in.ipv4 = "192.0.2.25";
    in.ipv6 = "2001:db8::25";
    in.listeners = {
        {Protocol::smtp, "0.0.0.0", 25, TlsMode::starttls},
        {Protocol::submission, "0.0.0.0", 587, TlsMode::starttls},
        {Protocol::submission, "0.0.0.0", 465, TlsMode::implicit},
        {Protocol::imap, "0.0.0.0", 993, TlsMode::implicit},
        {Protocol::pop3, "0.0.0.0", 1110, TlsMode::none},
    };
    in.dkim = {{"ed", "v=DKIM1; k=ed25519; p=AAAA"}, {"rsa", "v=DKIM1; k=rsa; p=BBBB"}};
    in.sts_id = "20240102030405";
    return in;
}

TEST(DnsRecords, ExactRecordsForAFixedConfig) {
    std::string text = dns_records(fixed_input());
    std::vector<std::string> expected = {
        "example.org. 3600 IN MX 10 mx.example.net.",
        "mx.example.net. 3600 IN A 192.0.2.25",
        "mx.example.net. 3600 IN AAAA 2001:db8::25",
        "example.org. 3600 IN TXT \"v=spf1 mx -all\"",
        "ed._domainkey.example.org. 3600 IN TXT \"v=DKIM1; k=ed25519; p=AAAA\"",
        "rsa._domainkey.example.org. 3600 IN TXT \"v=DKIM1; k=rsa; p=BBBB\"",
        "_dmarc.example.org. 3600 IN TXT \"v=DMARC1; p=quarantine; "
        "rua=mailto:postmaster@example.org\"",
        "_mta-sts.example.org. 3600 IN TXT \"v=STSv1; id=20240102030405\"",
        "_smtp._tls.example.org. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@example.org\"",
        "_submission._tcp.example.org. 3600 IN SRV 0 0 587 mx.example.net.",
        "_submissions._tcp.example.org. 3600 IN SRV 0 0 465 mx.example.net.",
        "_imap._tcp.example.org. 3600 IN SRV 0 0 0 .",
        "_imaps._tcp.example.org. 3600 IN SRV 0 0 993 mx.example.net.",
        "_pop3._tcp.example.org. 3600 IN SRV 0 0 1110 mx.example.net.",
        "_pop3s._tcp.example.org. 3600 IN SRV 0 0 0 .",
    };
    EXPECT_EQ(records_of(text), expected);
    EXPECT_EQ(text.back(), '\n');
}

TEST(DnsRecords, CommentsCarryTheMtaStsPolicyAndThePtr) {
    std::string text = dns_records(fixed_input());
    EXPECT_TRUE(has_line(text,
                         "; https://mta-sts.example.org/.well-known/mta-sts.txt (RFC 8461 3.2), "
                         "over HTTPS with a"));
    EXPECT_TRUE(has_line(text, ";     version: STSv1"));
    EXPECT_TRUE(has_line(text, ";     mode: testing"));
    EXPECT_TRUE(has_line(text, ";     mx: mx.example.net"));
    EXPECT_TRUE(has_line(text, ";     max_age: 604800"));
    EXPECT_TRUE(has_line(text, "; mta-sts.example.org. 3600 IN CNAME mx.example.net."));
    EXPECT_TRUE(has_line(text, "; 25.2.0.192.in-addr.arpa. 3600 IN PTR mx.example.net."));
    EXPECT_TRUE(has_line(text,
                         "; 5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."
                         "ip6.arpa. 3600 IN PTR mx.example.net."));
}

TEST(DnsRecords, WithoutAddressesOrKeysItSaysWhatToDo) {
    DnsRecordsInput in = fixed_input();
    in.ipv4.clear();
    in.ipv6.clear();
    in.dkim.clear();
    in.hostname = "mail.example.org.";  // already absolute: no second dot
    std::string text = dns_records(in);
    EXPECT_TRUE(has_line(text, "example.org. 3600 IN MX 10 mail.example.org."));
    EXPECT_TRUE(
        has_line(text, "; Add its A and AAAA records, or run this again with --ip and --ipv6."));
    EXPECT_TRUE(has_line(text,
                         "; No DKIM key yet: run `tern dkim keygen example.org` (and with "
                         "--algorithm ed25519), then run this again."));
    EXPECT_EQ(text.find(" IN A "), std::string::npos);
    EXPECT_EQ(text.find("_domainkey"), std::string::npos);
    EXPECT_EQ(text.find("PTR"), std::string::npos);
}

TEST(DnsRecords, NoListenersMeansNoServiceForEverySrv) {
    DnsRecordsInput in = fixed_input();
    in.listeners.clear();
    auto records = records_of(dns_records(in));
    int srv = 0;
    for (const auto& r : records) {
        if (r.find(" IN SRV ") == std::string::npos) continue;
        ++srv;
        EXPECT_TRUE(r.ends_with(" IN SRV 0 0 0 .")) << r;
    }
    EXPECT_EQ(srv, 6);
}

TEST(ZoneTxtStrings, SplitsAt255OctetsAndEscapes) {
    EXPECT_EQ(zone_txt_strings(""), "\"\"");
    EXPECT_EQ(zone_txt_strings("v=spf1 -all"), "\"v=spf1 -all\"");
    EXPECT_EQ(zone_txt_strings("a\"b\\c"), "\"a\\\"b\\\\c\"");
    std::string long_text(255, 'x');
    EXPECT_EQ(zone_txt_strings(long_text), "\"" + long_text + "\"");
    EXPECT_EQ(zone_txt_strings(long_text + "yz"), "\"" + long_text + "\" \"yz\"");
    std::string rsa(400, 'p');
    EXPECT_EQ(zone_txt_strings(rsa), "\"" + rsa.substr(0, 255) + "\" \"" + rsa.substr(255) + "\"");
}

TEST(ReverseName, Ipv4Ipv6AndGarbage) {
    EXPECT_EQ(reverse_name("192.0.2.1"), "1.2.0.192.in-addr.arpa.");
    EXPECT_EQ(reverse_name("2001:db8::1"),
              "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
    EXPECT_EQ(reverse_name(""), "");
    EXPECT_EQ(reverse_name("192.0.2"), "");
    EXPECT_EQ(reverse_name("mx.example.org"), "");
}

}  // namespace
}  // namespace tern::cli
