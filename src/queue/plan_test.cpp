// plan_for(): routes and TLS levels per host, over the in-memory resolver.
// MTA-STS policies come from the cache here (the TXT id matches, so no
// HTTPS fetch); fetching is tested in src/mtasts.
#include "queue/plan.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "mtasts/cache.hpp"
#include "testing/memory_resolver.hpp"
#include "testing/run_task.hpp"

namespace tern::queue {
namespace {

using testing::MemoryResolver;
using Level = HostTls::Level;

const std::string kDigest(32, '\x42');

struct Fixture {
    MemoryResolver dns;
    std::mt19937 random{1};
    config::Config config;
    mtasts::PolicyCache sts;

    Fixture() { config.queue.smtp_port = 25; }
    Plan plan(const std::string& destination) {
        PlanContext ctx{dns, random, config, &sts};
        return tern::testing::run_task(plan_for(ctx, destination));
    }
    void mx(const std::string& domain, const std::string& host, const std::string& ip) {
        dns.add_mx(domain, 10, host);
        dns.add_a(host, ip);
    }
    void sts_policy(const std::string& domain, mtasts::Policy::Mode mode,
                    std::vector<std::string> patterns) {
        dns.add_txt("_mta-sts." + domain, "v=STSv1; id=20261130");
        mtasts::Policy p;
        p.mode = mode;
        p.mx = std::move(patterns);
        p.max_age = 86400;
        sts.put(domain, "20261130", p, static_cast<int64_t>(std::time(nullptr)));
    }
};

TEST(Plan, OpportunisticByDefault) {
    Fixture f;
    f.mx("plain.example", "mx.plain.example", "192.0.2.1");
    Plan p = f.plan("plain.example");
    ASSERT_FALSE(p.none);
    ASSERT_EQ(p.targets.size(), 1u);
    EXPECT_EQ(p.targets[0].host, "mx.plain.example");
    EXPECT_EQ(p.targets[0].ip, "192.0.2.1");
    EXPECT_EQ(p.targets[0].port, 25);
    EXPECT_EQ(p.targets[0].tls.level, Level::may);
    EXPECT_FALSE(p.targets[0].tls.testing);
    EXPECT_EQ(p.next_hop, "plain.example");
    // Insecure zone: no TLSA question at all (RFC 7672 2.2.2).
    for (const auto& q : f.dns.queries())
        EXPECT_NE(q.type, dns::RecordType::tlsa) << q.name;
}

TEST(Plan, DaneWhenTlsaIsSecure) {
    Fixture f;
    f.dns.set_authenticated(true);
    f.mx("dane.example", "mx.dane.example", "192.0.2.2");
    f.dns.add_tlsa("_25._tcp.mx.dane.example", {3, 1, 1, kDigest});
    Plan p = f.plan("dane.example");
    ASSERT_EQ(p.targets.size(), 1u);
    EXPECT_EQ(p.targets[0].tls.level, Level::dane);
    EXPECT_EQ(p.targets[0].tls.source, "dane");
    ASSERT_EQ(p.targets[0].tls.tlsa.size(), 1u);
    EXPECT_EQ(p.targets[0].tls.tlsa[0].data, kDigest);
}

TEST(Plan, TlsaIgnoredWhenDaneIsOff) {
    Fixture f;
    f.config.queue.dane = false;
    f.dns.set_authenticated(true);
    f.mx("dane.example", "mx.dane.example", "192.0.2.2");
    f.dns.add_tlsa("_25._tcp.mx.dane.example", {3, 1, 1, kDigest});
    EXPECT_EQ(f.plan("dane.example").targets.at(0).tls.level, Level::may);
}

TEST(Plan, FailedTlsaLookupSkipsTheHost) {
    Fixture f;
    f.dns.set_authenticated(true);
    f.dns.add_mx("two.example", 10, "a.two.example");
    f.dns.add_mx("two.example", 20, "b.two.example");
    f.dns.add_a("a.two.example", "192.0.2.3");
    f.dns.add_a("b.two.example", "192.0.2.4");
    f.dns.add_timeout("_25._tcp.a.two.example", dns::RecordType::tlsa);
    Plan p = f.plan("two.example");
    ASSERT_FALSE(p.none);
    ASSERT_EQ(p.targets.size(), 1u);
    EXPECT_EQ(p.targets[0].host, "b.two.example");

    f.dns.add_timeout("_25._tcp.b.two.example", dns::RecordType::tlsa);
    Plan none = f.plan("two.example");
    ASSERT_TRUE(none.none);
    EXPECT_EQ(none.none->state, store::QueueRecipient::State::pending);
    EXPECT_EQ(none.none->status, "4.7.5");
    EXPECT_NE(none.none->reply.find("TLSA lookup"), std::string::npos) << none.none->reply;
}

TEST(Plan, MtaStsEnforceKeepsListedHostsAndVerifies) {
    Fixture f;
    f.dns.add_mx("sts.example", 10, "mx1.sts.example");
    f.dns.add_mx("sts.example", 20, "rogue.elsewhere.example");
    f.dns.add_a("mx1.sts.example", "192.0.2.5");
    f.dns.add_a("rogue.elsewhere.example", "192.0.2.6");
    f.sts_policy("sts.example", mtasts::Policy::Mode::enforce, {"*.sts.example"});
    Plan p = f.plan("sts.example");
    ASSERT_FALSE(p.none);
    ASSERT_EQ(p.targets.size(), 1u);  // RFC 8461 4.1: the rogue MX is not used
    EXPECT_EQ(p.targets[0].host, "mx1.sts.example");
    EXPECT_EQ(p.targets[0].tls.level, Level::verify);
    EXPECT_EQ(p.targets[0].tls.source, "mta-sts");
    EXPECT_EQ(p.targets[0].tls.match_names, std::vector<std::string>{"mx1.sts.example"});
}

TEST(Plan, MtaStsEnforceWithNoListedHostDefers) {
    Fixture f;
    f.mx("sts.example", "rogue.elsewhere.example", "192.0.2.6");
    f.sts_policy("sts.example", mtasts::Policy::Mode::enforce, {"mx.sts.example"});
    Plan p = f.plan("sts.example");
    ASSERT_TRUE(p.none);
    EXPECT_EQ(p.none->status, "4.7.5");
    EXPECT_NE(p.none->reply.find("not in the MTA-STS policy"), std::string::npos) << p.none->reply;
}

TEST(Plan, MtaStsTestingOnlyChecks) {
    Fixture f;
    f.mx("sts.example", "rogue.elsewhere.example", "192.0.2.6");
    f.sts_policy("sts.example", mtasts::Policy::Mode::testing, {"mx.sts.example"});
    Plan p = f.plan("sts.example");
    ASSERT_EQ(p.targets.size(), 1u);
    EXPECT_EQ(p.targets[0].tls.level, Level::may);
    EXPECT_TRUE(p.targets[0].tls.testing);
}

TEST(Plan, DaneTakesPrecedenceOverMtaSts) {
    Fixture f;
    f.dns.set_authenticated(true);
    f.mx("both.example", "mx.both.example", "192.0.2.7");
    f.dns.add_tlsa("_25._tcp.mx.both.example", {2, 0, 1, kDigest});
    f.sts_policy("both.example", mtasts::Policy::Mode::enforce, {"mx.both.example"});
    EXPECT_EQ(f.plan("both.example").targets.at(0).tls.level, Level::dane);
}

TEST(Plan, TransportRelayAndTlsLevel) {
    Fixture f;
    config::Transport t;
    t.domain = "partner.example";
    t.relay = "[relay.example.net]:2525";
    t.tls = config::TlsPolicy::verify;
    f.config.transports.push_back(t);
    f.dns.add_mx("relay.example.net", 10, "not-used.example.net");
    f.dns.add_a("relay.example.net", "192.0.2.8");
    Plan p = f.plan("partner.example");
    ASSERT_FALSE(p.none);
    ASSERT_EQ(p.targets.size(), 1u);
    EXPECT_EQ(p.targets[0].host, "relay.example.net");
    EXPECT_EQ(p.targets[0].port, 2525);
    EXPECT_EQ(p.targets[0].tls.level, Level::verify);
    EXPECT_EQ(p.targets[0].tls.source, "transport");
    for (const auto& q : f.dns.queries()) {
        EXPECT_NE(q.name, "partner.example");  // no MX lookup of the domain
        EXPECT_NE(q.type, dns::RecordType::mx);
    }

    // Without brackets the relay's own MX records are used.
    f.config.transports[0].relay = "relay.example.net";
    f.config.transports[0].tls = config::TlsPolicy::none;
    f.dns.add_a("not-used.example.net", "192.0.2.9");
    Plan mx = f.plan("partner.example");
    ASSERT_EQ(mx.targets.size(), 1u);
    EXPECT_EQ(mx.targets[0].host, "not-used.example.net");
    EXPECT_EQ(mx.targets[0].port, 25);
    EXPECT_EQ(mx.targets[0].tls.level, Level::none);
}

TEST(Plan, TransportTlsOverridesDane) {
    Fixture f;
    f.dns.set_authenticated(true);
    f.mx("dane.example", "mx.dane.example", "192.0.2.2");
    f.dns.add_tlsa("_25._tcp.mx.dane.example", {3, 1, 1, kDigest});
    config::Transport t;
    t.domain = ".example";
    t.tls = config::TlsPolicy::encrypt;
    f.config.transports.push_back(t);
    Plan p = f.plan("dane.example");
    ASSERT_EQ(p.targets.size(), 1u);
    EXPECT_EQ(p.targets[0].host, "mx.dane.example");
    EXPECT_EQ(p.targets[0].tls.level, Level::encrypt);
}

TEST(Plan, SmarthostWithAuthMustVerify) {
    Fixture f;
    f.config.queue.smarthost = "smtp.provider.example:2587";
    f.config.queue.smarthost_user = "tern";
    f.config.queue.smarthost_password_file = "/etc/tern/pw";
    f.dns.add_a("smtp.provider.example", "192.0.2.10");
    Plan p = f.plan("[smarthost]");
    ASSERT_FALSE(p.none);
    ASSERT_EQ(p.targets.size(), 1u);
    EXPECT_EQ(p.targets[0].port, 2587);
    EXPECT_EQ(p.targets[0].tls.level, Level::verify);
    EXPECT_EQ(p.auth_user, "tern");
    f.config.queue.smarthost = "no:port:here";
    Plan bad = f.plan("[smarthost]");
    ASSERT_TRUE(bad.none);
    EXPECT_EQ(bad.none->status, "4.3.5");
}

TEST(Plan, RouteFailuresBecomeOutcomes) {
    Fixture f;
    f.dns.add_mx("null.example", 0, ".");
    Plan null_mx = f.plan("null.example");
    ASSERT_TRUE(null_mx.none);
    EXPECT_EQ(null_mx.none->status, "5.1.10");
    EXPECT_EQ(null_mx.none->state, store::QueueRecipient::State::failed);
    Plan missing = f.plan("missing.example");
    ASSERT_TRUE(missing.none);
    EXPECT_EQ(missing.none->status, "5.1.2");
}

}  // namespace
}  // namespace tern::queue
