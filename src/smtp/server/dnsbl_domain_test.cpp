// Domain blocklists (RFC 5782 3) for the MAIL FROM domain over the
// in-memory resolver: query names (normalized, IDN as A-labels, too long
// names skipped), the organizational domain from a small Public Suffix List,
// answers read as for IP lists, fail open, and the per-session cache. Also
// the iprev result names (RFC 8601 2.7.3) and the reverse-only client check.
#include <gtest/gtest.h>

#include "smtp/server/dnsbl.hpp"
#include "testing/memory_resolver.hpp"
#include "testing/run_task.hpp"

namespace tern::smtp {
namespace {

namespace dmarc = mailauth::dmarc;

const dmarc::PublicSuffixList& psl() {
    static const dmarc::PublicSuffixList list =
        dmarc::PublicSuffixList::parse("example\ntest\ncom\nco.uk\n*.ck\n!www.ck\n");
    return list;
}

// A valid domain of exactly `size` characters under ".example".
std::string long_domain(std::size_t size) {
    std::string d = "example";
    while (d.size() + 1 < size) {
        std::size_t label = std::min<std::size_t>(63, size - d.size() - 1);
        d = std::string(label, 'a') + "." + d;
    }
    return d;
}

DomainCheck check(testing::MemoryResolver& dns, DomainListCache& cache, const std::string& domain,
                  std::vector<std::string> zones) {
    return testing::run_task(check_sender_domain(domain, std::move(zones), psl(), cache, dns));
}

TEST(DomainDnsbl, QueryNameIsTheDomainUnderTheZone) {
    // RFC 5782 3: not reversed, unlike IP lists.
    EXPECT_EQ(domain_query_name("mail.example.com", "dbl.test"), "mail.example.com.dbl.test");
    // RFC 1035 2.3.4: 253 characters at most, or it is simply not asked.
    std::string fits = long_domain(253 - 9);
    ASSERT_EQ(fits.size(), 244u);
    EXPECT_EQ(domain_query_name(fits, "dbl.test")->size(), 253u);
    EXPECT_FALSE(domain_query_name(long_domain(245), "dbl.test"));
}

TEST(DomainDnsbl, SenderDomainAndItsOrganizationalDomain) {
    EXPECT_EQ(sender_domain_names("Mail.Example.CO.UK.", psl()),
              (std::vector<std::string>{"mail.example.co.uk", "example.co.uk"}));
    // Already registered: asked once.
    EXPECT_EQ(sender_domain_names("example.com", psl()), (std::vector<std::string>{"example.com"}));
    EXPECT_EQ(sender_domain_names("a.b.foo.ck", psl()),
              (std::vector<std::string>{"a.b.foo.ck", "b.foo.ck"}));
    // RFC 5891: Unicode labels as A-labels, the form lists publish.
    EXPECT_EQ(sender_domain_names("post.bücher.example", psl()),
              (std::vector<std::string>{"post.xn--bcher-kva.example", "xn--bcher-kva.example"}));
    // Address literals and broken names hold no domain to list.
    EXPECT_TRUE(sender_domain_names("[192.0.2.1]", psl()).empty());
    EXPECT_TRUE(sender_domain_names("a..example", psl()).empty());
    EXPECT_TRUE(sender_domain_names("", psl()).empty());
}

TEST(DomainDnsbl, ListedOrganizationalDomainAskedWithEverythingAtOnce) {
    testing::MemoryResolver dns;
    dns.add_a("bad.example.dbl.test", "127.0.1.2");
    DomainListCache cache;
    DomainCheck c = check(dns, cache, "x.Bad.example", {"clean.test", "dbl.test"});
    ASSERT_TRUE(c.listed_by);
    EXPECT_EQ(*c.listed_by, "dbl.test");
    EXPECT_EQ(*c.listed_domain, "bad.example");
    EXPECT_EQ(c.listed_detail, "127.0.1.2");
    ASSERT_EQ(c.results.size(), 4u);
    EXPECT_EQ(c.results[0].first, "x.bad.example");
    EXPECT_EQ(c.results[0].second.zone, "clean.test");
    EXPECT_EQ(c.results[3].second.listing, Listing::listed);
    std::vector<std::string> asked;
    for (const auto& q : dns.queries()) {
        EXPECT_EQ(q.type, dns::RecordType::a);
        asked.push_back(q.name);
    }
    EXPECT_EQ(asked, (std::vector<std::string>{"x.bad.example.clean.test", "x.bad.example.dbl.test",
                                               "bad.example.clean.test", "bad.example.dbl.test"}));
}

TEST(DomainDnsbl, IdnSenderIsLookedUpAsALabels) {
    testing::MemoryResolver dns;
    dns.add_a("xn--bcher-kva.example.dbl.test", "127.0.0.2");
    DomainListCache cache;
    DomainCheck c = check(dns, cache, "bücher.example.", {"dbl.test"});
    ASSERT_TRUE(c.listed_by);
    EXPECT_EQ(*c.listed_domain, "xn--bcher-kva.example");
}

TEST(DomainDnsbl, UnlistedAndErrorsFailOpen) {
    testing::MemoryResolver dns;
    dns.add_timeout("good.example.slow.test");
    dns.add_a("good.example.test.test", "127.0.0.1");           // RFC 5782 5: not a listing
    dns.add_a("good.example.refused.test", "127.255.255.254");  // Spamhaus's error code
    DomainListCache cache;
    DomainCheck c =
        check(dns, cache, "good.example", {"clean.test", "slow.test", "test.test", "refused.test"});
    EXPECT_FALSE(c.listed_by);
    ASSERT_EQ(c.results.size(), 4u);
    EXPECT_EQ(c.results[0].second.listing, Listing::not_listed);
    EXPECT_EQ(c.results[1].second.listing, Listing::error);
    EXPECT_EQ(c.results[1].second.detail, "TIMEOUT");
    EXPECT_EQ(c.results[2].second.listing, Listing::error);
    EXPECT_EQ(c.results[3].second.listing, Listing::error);
}

TEST(DomainDnsbl, TooLongAndLiteralDomainsAskNothing) {
    testing::MemoryResolver dns;
    DomainListCache cache;
    // The domain itself is fine (245 characters) but not under the zone;
    // its organizational domain "aaa...a.example" is short enough.
    const std::string domain = long_domain(245);
    DomainCheck c = check(dns, cache, domain, {"dbl.test"});
    EXPECT_FALSE(c.listed_by);
    ASSERT_EQ(dns.queries().size(), 1u);
    EXPECT_EQ(dns.queries()[0].name, domain.substr(domain.size() - 71) + ".dbl.test");
    dns.clear_queries();
    c = check(dns, cache, "[192.0.2.1]", {"dbl.test"});
    EXPECT_FALSE(c.listed_by);
    EXPECT_TRUE(c.results.empty());
    EXPECT_TRUE(dns.queries().empty());
}

TEST(DomainDnsbl, AnswersAreCachedPerSessionButFailuresAreNot) {
    testing::MemoryResolver dns;
    dns.add_a("spam.example.dbl.test", "127.0.0.2");
    dns.set_rcode("flaky.example.dbl.test", dns::Rcode::servfail);
    DomainListCache cache;
    EXPECT_TRUE(check(dns, cache, "spam.example", {"dbl.test"}).listed_by);
    EXPECT_FALSE(check(dns, cache, "ok.example", {"dbl.test"}).listed_by);
    EXPECT_EQ(dns.queries().size(), 2u);
    // Again, and a subdomain whose organizational domain is known: only
    // the new name is asked.
    EXPECT_TRUE(check(dns, cache, "spam.example", {"dbl.test"}).listed_by);
    EXPECT_TRUE(check(dns, cache, "a.spam.example", {"dbl.test"}).listed_by);
    ASSERT_EQ(dns.queries().size(), 3u);
    EXPECT_EQ(dns.queries()[2].name, "a.spam.example.dbl.test");
    // SERVFAIL is asked again next time.
    EXPECT_FALSE(check(dns, cache, "flaky.example", {"dbl.test"}).listed_by);
    EXPECT_FALSE(check(dns, cache, "flaky.example", {"dbl.test"}).listed_by);
    EXPECT_EQ(dns.queries().size(), 5u);
}

TEST(DomainDnsbl, NoZonesAskNothing) {
    testing::MemoryResolver dns;
    DomainListCache cache;
    EXPECT_FALSE(check(dns, cache, "spam.example", {}).listed_by);
    EXPECT_TRUE(dns.queries().empty());
}

TEST(Iprev, ResultNamesFollowRfc8601) {
    EXPECT_EQ(iprev_result(Fcrdns::pass), "pass");
    EXPECT_EQ(iprev_result(Fcrdns::fail), "fail");
    EXPECT_EQ(iprev_result(Fcrdns::temperror), "temperror");
    // RFC 8601 2.7.3: no PTR data is permerror; iprev has no "none".
    EXPECT_EQ(iprev_result(Fcrdns::none), "permerror");
}

TEST(Iprev, ReverseCheckWithoutBlocklists) {
    testing::MemoryResolver dns;
    dns.add_ptr("10.2.0.192.in-addr.arpa", "mx.sender.example");
    dns.add_a("mx.sender.example", "192.0.2.10");
    ClientCheck c =
        testing::run_task(check_client(*dns::IpAddress::parse("192.0.2.10"), {}, true, dns));
    EXPECT_TRUE(c.reverse_checked);
    EXPECT_EQ(c.fcrdns, Fcrdns::pass);
    EXPECT_EQ(c.fcrdns_name, "mx.sender.example");
    EXPECT_TRUE(c.zones.empty());
    ASSERT_EQ(dns.queries().size(), 2u);
    EXPECT_EQ(dns.queries()[0].type, dns::RecordType::ptr);
}

}  // namespace
}  // namespace tern::smtp
