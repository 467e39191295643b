// find_route() over the in-memory resolver: MX ordering and shuffling,
// implicit MX, null MX, NXDOMAIN, SERVFAIL/timeouts, CNAME'd targets,
// skipped hosts, IPv6, address literals.
#include "queue/route.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <set>
#include <string>
#include <vector>

#include "testing/memory_resolver.hpp"
#include "testing/run_task.hpp"

namespace tern::queue {
namespace {

using testing::MemoryResolver;

Route route_for(MemoryResolver& dns, std::string domain, uint32_t seed = 1,
                bool prefer_ipv6 = false) {
    std::mt19937 random(seed);
    return tern::testing::run_task(find_route(dns, std::move(domain), random, prefer_ipv6));
}

std::vector<std::string> names(const Route& r) {
    std::vector<std::string> out;
    for (const RouteHost& h : r.hosts)
        out.push_back(h.name);
    return out;
}

std::vector<std::string> addresses(const RouteHost& h) {
    std::vector<std::string> out;
    for (const dns::IpAddress& ip : h.addresses)
        out.push_back(ip.to_string());
    return out;
}

// Answers later, from the event loop, newest question first (as a real
// resolver's answers arrive in any order), instead of inside lookup().
class DeferringResolver : public dns::Resolver {
  public:
    DeferringResolver(MemoryResolver& zone, boost::asio::any_io_executor ex)
        : zone_(zone), ex_(std::move(ex)) {}
    void lookup(const dns::Question& question, Callback done) override {
        pending_.push_back({zone_.query(question), std::move(done)});
        if (pending_.size() == 1) {
            auto flush = [this] {
                auto batch = std::move(pending_);
                pending_.clear();
                for (auto it = batch.rbegin(); it != batch.rend(); ++it)
                    it->second(it->first);
            };
            boost::asio::post(ex_, flush);
        }
    }

  private:
    MemoryResolver& zone_;
    boost::asio::any_io_executor ex_;
    std::vector<std::pair<dns::Answer, Callback>> pending_;
};

net::Task<Route> deferred_route(MemoryResolver& zone, std::string domain) {
    auto ex = co_await boost::asio::this_coro::executor;
    DeferringResolver resolver(zone, ex);
    std::mt19937 random(7);
    net::Task<Route> op = find_route(resolver, std::move(domain), random);
    Route route = co_await std::move(op);
    co_return route;
}

TEST(Route, MxHostsByPreference) {
    MemoryResolver dns;
    dns.add_mx("example.org", 20, "b.mx.example.org");
    dns.add_mx("example.org", 10, "a.mx.example.org.");
    dns.add_mx("example.org", 30, "c.mx.example.net");
    dns.add_a("a.mx.example.org", "192.0.2.1");
    dns.add_a("b.mx.example.org", "192.0.2.2");
    dns.add_a("b.mx.example.org", "192.0.2.3");
    dns.add_a("c.mx.example.net", "192.0.2.4");
    Route r = route_for(dns, "Example.ORG.");
    EXPECT_EQ(r.kind, Route::Kind::hosts);
    EXPECT_EQ(names(r), (std::vector<std::string>{"a.mx.example.org", "b.mx.example.org",
                                                  "c.mx.example.net"}));
    ASSERT_EQ(r.hosts.size(), 3u);
    EXPECT_EQ(r.hosts[0].preference, 10);
    EXPECT_EQ(r.hosts[2].preference, 30);
    EXPECT_EQ(addresses(r.hosts[1]), (std::vector<std::string>{"192.0.2.2", "192.0.2.3"}));
    EXPECT_FALSE(r.mx_authenticated);
    // One MX query, then A and AAAA for each host.
    EXPECT_EQ(dns.queries().size(), 7u);
}

TEST(Route, EqualPreferencesAreShuffled) {
    MemoryResolver dns;
    dns.add_mx("example.org", 5, "first.example.org");
    dns.add_mx("example.org", 10, "x.example.org");
    dns.add_mx("example.org", 10, "y.example.org");
    dns.add_mx("example.org", 10, "z.example.org");
    for (const char* h : {"first.example.org", "x.example.org", "y.example.org", "z.example.org"})
        dns.add_a(h, "192.0.2.7");
    std::set<std::vector<std::string>> orders;
    std::set<std::string> seconds;
    for (uint32_t seed = 0; seed < 60; ++seed) {
        Route r = route_for(dns, "example.org", seed);
        ASSERT_EQ(r.hosts.size(), 4u);
        EXPECT_EQ(r.hosts[0].name, "first.example.org");
        orders.insert(names(r));
        seconds.insert(r.hosts[1].name);
        // The same seed gives the same order.
        EXPECT_EQ(names(route_for(dns, "example.org", seed)), names(r));
    }
    EXPECT_EQ(seconds.size(), 3u);  // each of the equals comes second sometimes
    EXPECT_GT(orders.size(), 3u);
}

TEST(Route, ImplicitMxUsesTheDomainsAddresses) {
    MemoryResolver dns;
    dns.add_a("example.net", "192.0.2.10");
    dns.add_a("example.net", "2001:db8::10");
    Route r = route_for(dns, "example.net");
    ASSERT_EQ(r.kind, Route::Kind::hosts);
    ASSERT_EQ(r.hosts.size(), 1u);
    EXPECT_EQ(r.hosts[0].name, "example.net");
    EXPECT_EQ(r.hosts[0].preference, 0);
    EXPECT_EQ(addresses(r.hosts[0]), (std::vector<std::string>{"192.0.2.10", "2001:db8::10"}));
    Route v6 = route_for(dns, "example.net", 1, /*prefer_ipv6=*/true);
    ASSERT_EQ(v6.hosts.size(), 1u);
    EXPECT_EQ(addresses(v6.hosts[0]), (std::vector<std::string>{"2001:db8::10", "192.0.2.10"}));
}

TEST(Route, ImplicitMxWithoutAddresses) {
    MemoryResolver dns;
    dns.add_txt("noaddr.example", "v=spf1 -all");  // exists, no MX, no A/AAAA
    Route r = route_for(dns, "noaddr.example");
    EXPECT_EQ(r.kind, Route::Kind::no_such_domain);
    EXPECT_EQ(r.status, "5.4.4");
    EXPECT_NE(r.error.find("noaddr.example"), std::string::npos);
    EXPECT_TRUE(r.hosts.empty());

    dns.add_txt("flaky.example", "x");
    dns.add_timeout("flaky.example", dns::RecordType::a);
    Route t = route_for(dns, "flaky.example");
    EXPECT_EQ(t.kind, Route::Kind::temp_failure);
    EXPECT_EQ(t.status, "4.4.3");
}

TEST(Route, NullMxBouncesAtOnce) {
    MemoryResolver dns;
    dns.add_mx("nomail.example", 0, ".");
    dns.add_a("nomail.example", "192.0.2.1");
    dns.set_authenticated(true);
    Route r = route_for(dns, "nomail.example");
    EXPECT_EQ(r.kind, Route::Kind::null_mx);
    EXPECT_EQ(r.status, "5.1.10");
    EXPECT_NE(r.error.find("null MX"), std::string::npos);
    EXPECT_TRUE(r.hosts.empty());
    EXPECT_TRUE(r.mx_authenticated);
    EXPECT_EQ(dns.queries().size(), 1u);  // no address lookups
}

TEST(Route, NullMxNextToRealHostsIsSkipped) {
    MemoryResolver dns;
    dns.add_mx("mixed.example", 0, ".");
    dns.add_mx("mixed.example", 10, "mx.mixed.example");
    dns.add_a("mx.mixed.example", "192.0.2.8");
    Route r = route_for(dns, "mixed.example");
    EXPECT_EQ(r.kind, Route::Kind::hosts);
    EXPECT_EQ(names(r), std::vector<std::string>{"mx.mixed.example"});
}

TEST(Route, NxdomainServfailAndTimeout) {
    MemoryResolver dns;
    Route nx = route_for(dns, "nowhere.example");
    EXPECT_EQ(nx.kind, Route::Kind::no_such_domain);
    EXPECT_EQ(nx.status, "5.1.2");
    EXPECT_NE(nx.error.find("NXDOMAIN"), std::string::npos);

    dns.set_rcode("broken.example", dns::Rcode::servfail);
    Route sf = route_for(dns, "broken.example");
    EXPECT_EQ(sf.kind, Route::Kind::temp_failure);
    EXPECT_EQ(sf.status, "4.4.3");
    EXPECT_NE(sf.error.find("SERVFAIL"), std::string::npos);

    dns.add_timeout("slow.example");
    Route to = route_for(dns, "slow.example");
    EXPECT_EQ(to.kind, Route::Kind::temp_failure);
    EXPECT_NE(to.error.find("timed out"), std::string::npos);
}

TEST(Route, CnamedMxTargetResolves) {
    MemoryResolver dns;
    dns.add_mx("example.com", 10, "mail.example.com");
    dns.add_cname("mail.example.com", "real-mx.hosting.example");
    dns.add_a("real-mx.hosting.example", "192.0.2.20");
    dns.add_a("real-mx.hosting.example", "2001:db8::20");
    Route r = route_for(dns, "example.com");
    ASSERT_EQ(r.hosts.size(), 1u);
    EXPECT_EQ(r.hosts[0].name, "mail.example.com");  // the MX name, for TLS checks
    EXPECT_EQ(addresses(r.hosts[0]), (std::vector<std::string>{"192.0.2.20", "2001:db8::20"}));
}

TEST(Route, HostsWithoutAddressesAreSkipped) {
    MemoryResolver dns;
    dns.add_mx("example.org", 10, "gone.example.org");    // NXDOMAIN
    dns.add_mx("example.org", 20, "empty.example.org");   // exists, no address
    dns.add_mx("example.org", 30, "broken.example.org");  // SERVFAIL
    dns.add_mx("example.org", 40, "good.example.org");
    dns.add_mx("example.org", 50, "192.0.2.99");  // RFC 5321 5.1: not allowed
    dns.add_mx("example.org", 60, "[192.0.2.98]");
    dns.add_name("empty.example.org");
    dns.set_rcode("broken.example.org", dns::Rcode::servfail);
    dns.add_a("good.example.org", "192.0.2.30");
    Route r = route_for(dns, "example.org");
    EXPECT_EQ(r.kind, Route::Kind::hosts);
    EXPECT_EQ(names(r), std::vector<std::string>{"good.example.org"});
    for (const dns::Question& q : dns.queries())
        EXPECT_NE(q.name, "192.0.2.99");
}

TEST(Route, NoHostResolves) {
    MemoryResolver dns;
    dns.add_mx("dead.example", 10, "a.dead.example");
    dns.add_mx("dead.example", 20, "b.dead.example");
    Route nx = route_for(dns, "dead.example");
    EXPECT_EQ(nx.kind, Route::Kind::no_such_domain);  // every host NXDOMAIN
    EXPECT_EQ(nx.status, "5.4.4");
    EXPECT_NE(nx.error.find("a.dead.example"), std::string::npos);
    EXPECT_NE(nx.error.find("b.dead.example"), std::string::npos);

    dns.add_mx("sick.example", 10, "a.sick.example");
    dns.add_mx("sick.example", 20, "b.sick.example");
    dns.set_rcode("b.sick.example", dns::Rcode::servfail);
    Route sf = route_for(dns, "sick.example");
    EXPECT_EQ(sf.kind, Route::Kind::temp_failure);
    EXPECT_EQ(sf.status, "4.4.3");

    dns.add_mx("bare.example", 10, "a.bare.example");
    dns.add_name("a.bare.example");
    EXPECT_EQ(route_for(dns, "bare.example").kind, Route::Kind::temp_failure);

    dns.add_mx("literal.example", 10, "192.0.2.1");
    Route lit = route_for(dns, "literal.example");
    EXPECT_EQ(lit.kind, Route::Kind::no_such_domain);
    EXPECT_NE(lit.error.find("IP addresses"), std::string::npos);
}

TEST(Route, Ipv6AddressesIncluded) {
    MemoryResolver dns;
    dns.add_mx("v6.example", 10, "mx.v6.example");
    dns.add_mx("v6.example", 20, "dual.v6.example");
    dns.add_a("mx.v6.example", "2001:db8::25");
    dns.add_a("dual.v6.example", "192.0.2.25");
    dns.add_a("dual.v6.example", "2001:db8::26");
    Route r = route_for(dns, "v6.example");
    ASSERT_EQ(r.hosts.size(), 2u);
    EXPECT_EQ(addresses(r.hosts[0]), std::vector<std::string>{"2001:db8::25"});
    EXPECT_TRUE(r.hosts[0].addresses[0].is_v6());
    EXPECT_EQ(addresses(r.hosts[1]), (std::vector<std::string>{"192.0.2.25", "2001:db8::26"}));
}

TEST(Route, AddressLiteralDomains) {
    MemoryResolver dns;
    Route v4 = route_for(dns, "[192.0.2.1]");
    ASSERT_EQ(v4.kind, Route::Kind::hosts);
    ASSERT_EQ(v4.hosts.size(), 1u);
    EXPECT_EQ(addresses(v4.hosts[0]), std::vector<std::string>{"192.0.2.1"});
    Route v6 = route_for(dns, "[IPv6:2001:db8::1]");
    ASSERT_EQ(v6.hosts.size(), 1u);
    EXPECT_EQ(addresses(v6.hosts[0]), std::vector<std::string>{"2001:db8::1"});
    EXPECT_TRUE(dns.queries().empty());
    for (const char* bad : {"[bogus]", "[2001:db8::1]", "[IPv6:192.0.2.1]", "[192.0.2.1"}) {
        Route r = route_for(dns, bad);
        EXPECT_EQ(r.kind, Route::Kind::no_such_domain) << bad;
        EXPECT_TRUE(r.hosts.empty()) << bad;
    }
    EXPECT_EQ(route_for(dns, "").kind, Route::Kind::no_such_domain);
    EXPECT_EQ(route_for(dns,
                        "b\xC3\xBC"
                        "cher.example")
                  .kind,
              Route::Kind::no_such_domain);
}

TEST(Route, AnswersArrivingLaterAndOutOfOrder) {
    MemoryResolver dns;
    dns.add_mx("example.org", 10, "a.example.org");
    dns.add_mx("example.org", 20, "b.example.org");
    dns.add_a("a.example.org", "192.0.2.1");
    dns.add_a("a.example.org", "2001:db8::1");
    dns.add_a("b.example.org", "192.0.2.2");
    Route r = tern::testing::run_task(deferred_route(dns, "example.org"));
    ASSERT_EQ(r.kind, Route::Kind::hosts);
    ASSERT_EQ(r.hosts.size(), 2u);
    EXPECT_EQ(addresses(r.hosts[0]), (std::vector<std::string>{"192.0.2.1", "2001:db8::1"}));
    EXPECT_EQ(addresses(r.hosts[1]), std::vector<std::string>{"192.0.2.2"});
    EXPECT_EQ(dns.queries().size(), 5u);
}

TEST(Route, AuthenticatedMxAndHostCap) {
    MemoryResolver dns;
    dns.set_authenticated(true);
    for (int i = 0; i < 25; ++i) {
        std::string host = "mx" + std::to_string(i) + ".big.example";
        dns.add_mx("big.example", static_cast<uint16_t>(i), host);
        dns.add_a(host, "192.0.2.50");
    }
    dns.add_mx("big.example", 3, "MX3.big.example.");  // the same host twice
    Route r = route_for(dns, "big.example");
    EXPECT_TRUE(r.mx_authenticated);
    ASSERT_EQ(r.hosts.size(), kMaxMxHosts);
    EXPECT_EQ(r.hosts.front().name, "mx0.big.example");
    EXPECT_EQ(r.hosts.back().name, "mx" + std::to_string(kMaxMxHosts - 1) + ".big.example");
    EXPECT_EQ(dns.queries().size(), 1 + 2 * kMaxMxHosts);
    EXPECT_TRUE(r.hosts.front().authenticated);
}

TEST(Route, HostsOfAnInsecureZoneAreNotAuthenticated) {
    MemoryResolver dns;
    dns.add_mx("plain.example", 10, "mx.plain.example");
    dns.add_a("mx.plain.example", "192.0.2.9");
    Route r = route_for(dns, "plain.example");
    ASSERT_EQ(r.hosts.size(), 1u);
    EXPECT_FALSE(r.mx_authenticated);
    EXPECT_FALSE(r.hosts[0].authenticated);
}

Route host_route(MemoryResolver& dns, std::string host) {
    return tern::testing::run_task(find_host(dns, std::move(host)));
}

TEST(Route, FindHostWithoutMx) {
    MemoryResolver dns;
    dns.set_authenticated(true);
    dns.add_mx("relay.example", 10, "elsewhere.example");  // not used: no MX lookup
    dns.add_a("relay.example", "192.0.2.7");
    dns.add_a("relay.example", "2001:db8::7");
    Route r = host_route(dns, "Relay.Example.");
    ASSERT_EQ(r.kind, Route::Kind::hosts);
    ASSERT_EQ(r.hosts.size(), 1u);
    EXPECT_EQ(r.hosts[0].name, "relay.example");
    EXPECT_EQ(addresses(r.hosts[0]), (std::vector<std::string>{"192.0.2.7", "2001:db8::7"}));
    EXPECT_TRUE(r.mx_authenticated);
    for (const auto& q : dns.queries())
        EXPECT_NE(q.type, dns::RecordType::mx);

    Route literal = host_route(dns, "192.0.2.8");
    ASSERT_EQ(literal.kind, Route::Kind::hosts);
    EXPECT_EQ(addresses(literal.hosts[0]), std::vector<std::string>{"192.0.2.8"});

    Route missing = host_route(dns, "nowhere.example");
    EXPECT_EQ(missing.kind, Route::Kind::no_such_domain);
    EXPECT_EQ(missing.status, "5.4.4");
    dns.add_timeout("slow.example");
    Route slow = host_route(dns, "slow.example");
    EXPECT_EQ(slow.kind, Route::Kind::temp_failure);
    EXPECT_EQ(slow.status, "4.4.3");
}

}  // namespace
}  // namespace tern::queue
