// IpAddress: parsing, formatting, CIDR matching and reverse names.
#include "dns/ip_address.hpp"

#include <gtest/gtest.h>

namespace tern::dns {
namespace {

TEST(IpAddress, ParsesAndFormats) {
    auto v4 = IpAddress::parse("192.0.2.1");
    ASSERT_TRUE(v4);
    EXPECT_TRUE(v4->is_v4());
    EXPECT_EQ(v4->to_string(), "192.0.2.1");
    auto v6 = IpAddress::parse("2001:DB8::1");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->is_v6());
    EXPECT_EQ(v6->to_string(), "2001:db8::1");
}

TEST(IpAddress, RejectsHostileText) {
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "::g",
                            "1.2.3.4/24", "example.com", ":::", "1:2:3:4:5:6:7:8:9"}) {
        EXPECT_FALSE(IpAddress::parse(bad)) << bad;
    }
    EXPECT_FALSE(IpAddress::parse(std::string(1000, '1')));
    EXPECT_FALSE(IpAddress::parse(std::string_view("1.2.3.4\0", 8)));
}

TEST(IpAddress, MappedAddressesUnmapToIpv4) {
    auto mapped = IpAddress::parse("::ffff:192.0.2.7");
    ASSERT_TRUE(mapped);
    EXPECT_TRUE(mapped->is_v4_mapped());
    EXPECT_EQ(mapped->unmapped(), *IpAddress::parse("192.0.2.7"));
    auto plain = IpAddress::parse("2001:db8::7");
    EXPECT_FALSE(plain->is_v4_mapped());
    EXPECT_EQ(plain->unmapped(), *plain);
}

TEST(IpAddress, NetworkMatching) {
    auto ip = *IpAddress::parse("192.0.2.130");
    EXPECT_TRUE(ip.in_network(*IpAddress::parse("192.0.2.128"), 25));
    EXPECT_FALSE(ip.in_network(*IpAddress::parse("192.0.2.0"), 25));
    EXPECT_TRUE(ip.in_network(*IpAddress::parse("10.0.0.0"), 0));
    EXPECT_TRUE(ip.in_network(ip, 32));
    EXPECT_TRUE(ip.in_network(ip, 99));                       // clamped
    EXPECT_FALSE(ip.in_network(*IpAddress::parse("::"), 0));  // family differs
    auto v6 = *IpAddress::parse("2001:db8:1::5");
    EXPECT_TRUE(v6.in_network(*IpAddress::parse("2001:db8::"), 32));
    EXPECT_FALSE(v6.in_network(*IpAddress::parse("2001:db8::"), 48));
}

TEST(IpAddress, ReverseNames) {
    EXPECT_EQ(IpAddress::parse("192.0.2.1")->reverse_name(), "1.2.0.192.in-addr.arpa");
    EXPECT_EQ(IpAddress::parse("2001:db8::1")->reverse_name(),
              "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

}  // namespace
}  // namespace tern::dns
