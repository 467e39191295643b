#include "smtp/server/headers.hpp"

#include <gtest/gtest.h>

namespace tern::smtp {
namespace {

using V = std::vector<std::string>;

TEST(ExtractAddresses, Rfc5322Forms) {
    EXPECT_EQ(extract_addresses(" alice@example.org\r"), V{"alice@example.org"});
    EXPECT_EQ(extract_addresses("Alice <alice@example.org>, x@example.org"),
              (V{"alice@example.org", "x@example.org"}));
    EXPECT_EQ(extract_addresses("\"Smith, John\" <js@example.org>"), V{"js@example.org"});
    EXPECT_EQ(extract_addresses("a@b.c (Comment, with comma)"), V{"a@b.c"});
    EXPECT_EQ(extract_addresses("Team: a@b.c, <d@e.f>;"), (V{"a@b.c", "d@e.f"}));
    EXPECT_EQ(extract_addresses("undisclosed-recipients:;"), V{});
    EXPECT_EQ(extract_addresses(""), V{});
}

TEST(ScanHeaders, FindsFieldsAndEnd) {
    std::string m = "From: A <a@x.org>\r\nSubject: s\r\nDate: now\r\n\r\nbody\r\n";
    HeaderScan s = scan_headers(m);
    EXPECT_TRUE(s.has_from);
    EXPECT_TRUE(s.has_date);
    EXPECT_FALSE(s.has_message_id);
    EXPECT_FALSE(s.eight_bit);
    EXPECT_EQ(s.from_addresses, V{"a@x.org"});
    EXPECT_EQ(m.substr(s.header_end), "body\r\n");
}

TEST(ScanHeaders, FoldedFromAndEightBit) {
    std::string m = "From: A\r\n <a@x.org>,\r\n\tb@y.org\r\nSubject: caf\xc3\xa9\r\n\r\n";
    HeaderScan s = scan_headers(m);
    EXPECT_EQ(s.from_addresses, (V{"a@x.org", "b@y.org"}));
    EXPECT_TRUE(s.eight_bit);
}

TEST(ReceivedHeader, ClientTextCannotBreakTheField) {
    ReceivedInfo in;
    in.helo = "evil\r\nX-Injected: yes";
    in.remote_ip = "192.0.2.1";
    in.hostname = "mx.example.org";
    in.with = "ESMTPS";
    in.id = "ABC";
    in.tls_version = "TLSv1.3";
    in.tls_cipher = "TLS_AES_256_GCM_SHA384";
    in.tls_bits = 256;
    in.for_address = "a@example.org";
    in.date = 0;
    std::string h = received_header(in);
    EXPECT_EQ(h.find("\r\nX-Injected"), std::string::npos);
    EXPECT_NE(h.find("from evilX-Injected: yes ([192.0.2.1])"), std::string::npos);
    EXPECT_NE(h.find("with ESMTPS id ABC"), std::string::npos);
    EXPECT_NE(h.find("(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256)"),
              std::string::npos);
    EXPECT_NE(h.find("for <a@example.org>; Thu, 01 Jan 1970 00:00:00 +0000\r\n"),
              std::string::npos);
}

}  // namespace
}  // namespace tern::smtp
