// DNS blocklists (RFC 5782) and forward-confirmed reverse DNS over the
// in-memory resolver: query names for IPv4 and IPv6 (RFC 5782 2.1, 2.4),
// answer classification (RFC 5782 2.3, 5), zone parsing, and check_client()
// asking the lists and the PTR at once, failing open on DNS trouble.
#include "smtp/server/dnsbl.hpp"

#include <gtest/gtest.h>

#include "testing/memory_resolver.hpp"
#include "testing/run_task.hpp"

namespace tern::smtp {
namespace {

dns::IpAddress ip(std::string_view text) {
    return *dns::IpAddress::parse(text);
}

dns::Answer a_answer(std::initializer_list<std::string_view> addresses) {
    dns::Answer answer;
    for (auto text : addresses)
        answer.addresses.push_back(ip(text));
    return answer;
}

TEST(Dnsbl, Ipv4QueryNameReversesOctets) {
    // RFC 5782 2.1: 192.0.2.99 is looked up as 99.2.0.192.<zone>.
    EXPECT_EQ(dnsbl_labels(ip("192.0.2.99")), "99.2.0.192");
    EXPECT_EQ(dnsbl_query_name(ip("127.0.0.2"), "bl.example"), "2.0.0.127.bl.example");
}

TEST(Dnsbl, MappedIpv6IsLookedUpAsIpv4) {
    EXPECT_EQ(dnsbl_query_name(ip("::ffff:192.0.2.99"), "bl.example"), "99.2.0.192.bl.example");
}

TEST(Dnsbl, Ipv6QueryNameReversesNibbles) {
    // RFC 5782 2.4's example: 2001:db8:1:2:3:4:567:89ab.
    EXPECT_EQ(dnsbl_query_name(ip("2001:db8:1:2:3:4:567:89ab"), "ugly.example"),
              "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ugly.example");
}

TEST(Dnsbl, NxdomainAndNodataAreNotListed) {
    dns::Answer nx;
    nx.rcode = dns::Rcode::nxdomain;
    EXPECT_EQ(classify_answer("z", nx).listing, Listing::not_listed);
    EXPECT_EQ(classify_answer("z", dns::Answer{}).listing, Listing::not_listed);
}

TEST(Dnsbl, LoopbackCodesList) {
    ZoneResult r = classify_answer("zen.example", a_answer({"127.0.0.2", "127.0.0.4"}));
    EXPECT_EQ(r.listing, Listing::listed);
    EXPECT_EQ(r.zone, "zen.example");
    EXPECT_EQ(r.detail, "127.0.0.2,127.0.0.4");
    EXPECT_EQ(classify_answer("z", a_answer({"127.1.2.3"})).listing, Listing::listed);
}

TEST(Dnsbl, ReservedAndForeignCodesAreErrors) {
    // RFC 5782 5: 127.0.0.1 is never a listing.
    EXPECT_EQ(classify_answer("z", a_answer({"127.0.0.1"})).listing, Listing::error);
    // Spamhaus's error codes 127.255.255.252..255.
    for (auto code : {"127.255.255.252", "127.255.255.253", "127.255.255.254", "127.255.255.255"})
        EXPECT_EQ(classify_answer("z", a_answer({code})).listing, Listing::error) << code;
    EXPECT_EQ(classify_answer("z", a_answer({"127.255.255.251"})).listing, Listing::listed);
    // Outside 127/8: a hijacked or wildcarded zone.
    EXPECT_EQ(classify_answer("z", a_answer({"192.0.2.1"})).listing, Listing::error);
    // One real code among errors still lists.
    EXPECT_EQ(classify_answer("z", a_answer({"127.0.0.1", "127.0.0.3"})).listing, Listing::listed);
}

TEST(Dnsbl, ServerFailuresAreErrorsNamingTheRcode) {
    dns::Answer failed;
    failed.rcode = dns::Rcode::servfail;
    ZoneResult r = classify_answer("z", failed);
    EXPECT_EQ(r.listing, Listing::error);
    EXPECT_EQ(r.detail, "SERVFAIL");
    failed.rcode = dns::Rcode::timeout;
    EXPECT_EQ(classify_answer("z", failed).detail, "TIMEOUT");
}

TEST(Dnsbl, ParsesZones) {
    auto zones = parse_zones(" zen.Spamhaus.org, bl.example. ,,zen.spamhaus.org,");
    ASSERT_TRUE(zones) << zones.error().message;
    EXPECT_EQ(*zones, (std::vector<std::string>{"zen.spamhaus.org", "bl.example"}));
    auto empty = parse_zones("");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(Dnsbl, RejectsBadZones) {
    EXPECT_FALSE(parse_zones("bl example"));
    EXPECT_FALSE(parse_zones("bl..example"));
    EXPECT_FALSE(parse_zones("ok.example, bad/zone"));
    EXPECT_FALSE(parse_zones(std::string(64, 'a') + ".example"));
}

TEST(Dnsbl, NoZonesAsksNothing) {
    testing::MemoryResolver dns;
    ClientCheck check = testing::run_task(check_client(ip("192.0.2.10"), {}, false, dns));
    EXPECT_TRUE(dns.queries().empty());
    EXPECT_FALSE(check.reverse_checked);
    EXPECT_FALSE(check.listed_by);
    EXPECT_EQ(check.fcrdns, Fcrdns::none);
}

TEST(Dnsbl, ListedByTheFirstListingZoneFailingOpenOnErrors) {
    testing::MemoryResolver dns;
    dns.add_timeout("10.2.0.192.slow.example");
    dns.add_a("10.2.0.192.bl.example", "127.0.0.2");
    dns.add_a("10.2.0.192.other.example", "127.0.0.3");
    ClientCheck check = testing::run_task(
        check_client(ip("192.0.2.10"),
                     {"slow.example", "clean.example", "bl.example", "other.example"}, true, dns));
    ASSERT_EQ(check.zones.size(), 4u);
    EXPECT_EQ(check.zones[0].listing, Listing::error);
    EXPECT_EQ(check.zones[1].listing, Listing::not_listed);
    EXPECT_EQ(check.zones[2].listing, Listing::listed);
    EXPECT_EQ(check.zones[3].listing, Listing::listed);
    EXPECT_EQ(check.listed_by, "bl.example");
    // Four lists and one PTR, no forward lookup (no PTR name).
    EXPECT_EQ(dns.queries().size(), 5u);
}

TEST(Dnsbl, OnlyErrorsMeanNotListed) {
    testing::MemoryResolver dns;
    dns.set_rcode("10.2.0.192.down.example", dns::Rcode::servfail);
    dns.add_a("10.2.0.192.test.example", "127.0.0.1");
    ClientCheck check = testing::run_task(
        check_client(ip("192.0.2.10"), {"down.example", "test.example"}, true, dns));
    EXPECT_FALSE(check.listed_by);
    EXPECT_EQ(check.zones[0].listing, Listing::error);
    EXPECT_EQ(check.zones[1].listing, Listing::error);
}

TEST(Dnsbl, ForwardConfirmedReverseDnsPasses) {
    testing::MemoryResolver dns;
    dns.add_ptr("10.2.0.192.in-addr.arpa", "other.example");
    dns.add_ptr("10.2.0.192.in-addr.arpa", "mx.sender.example");
    dns.add_a("other.example", "198.51.100.1");
    dns.add_a("mx.sender.example", "192.0.2.10");
    ClientCheck check =
        testing::run_task(check_client(ip("192.0.2.10"), {"bl.example"}, true, dns));
    EXPECT_EQ(check.fcrdns, Fcrdns::pass);
    EXPECT_EQ(check.fcrdns_name, "mx.sender.example");
}

TEST(Dnsbl, ForwardMismatchFails) {
    testing::MemoryResolver dns;
    dns.add_ptr("10.2.0.192.in-addr.arpa", "liar.example");
    dns.add_a("liar.example", "198.51.100.1");
    ClientCheck check =
        testing::run_task(check_client(ip("192.0.2.10"), {"bl.example"}, true, dns));
    EXPECT_EQ(check.fcrdns, Fcrdns::fail);
    EXPECT_EQ(check.fcrdns_name, "liar.example");
}

TEST(Dnsbl, Ipv6ForwardConfirmationUsesAaaa) {
    testing::MemoryResolver dns;
    const auto client = ip("2001:db8::25");
    dns.add_ptr(client.reverse_name(), "mx6.sender.example");
    dns.add_a("mx6.sender.example", "2001:db8::25");
    ClientCheck check = testing::run_task(check_client(client, {"bl.example"}, true, dns));
    EXPECT_EQ(check.fcrdns, Fcrdns::pass);
    EXPECT_EQ(dns.queries().back().type, dns::RecordType::aaaa);
}

TEST(Dnsbl, ForwardFailureIsTemporary) {
    dns::Answer ptr;
    ptr.names = {"mx.sender.example"};
    dns::Answer forward;
    forward.rcode = dns::Rcode::timeout;
    std::string name;
    EXPECT_EQ(confirm_forward(ip("192.0.2.10"), ptr, {forward}, name), Fcrdns::temperror);
    dns::Answer no_ptr;
    no_ptr.rcode = dns::Rcode::nxdomain;
    EXPECT_EQ(confirm_forward(ip("192.0.2.10"), no_ptr, {}, name), Fcrdns::none);
    dns::Answer ptr_down;
    ptr_down.rcode = dns::Rcode::servfail;
    EXPECT_EQ(confirm_forward(ip("192.0.2.10"), ptr_down, {}, name), Fcrdns::temperror);
}

}  // namespace
}  // namespace tern::smtp
