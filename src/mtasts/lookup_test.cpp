// discover(): the RFC 8461 3 / 5.1 flow with an in-memory DNS and a real
// loopback HTTPS server.
#include "mtasts/lookup.hpp"

#include <gtest/gtest.h>

#include "mtasts/policy_server.hpp"
#include "testing/memory_resolver.hpp"
#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"

namespace tern::mtasts {
namespace {

using namespace std::chrono_literals;
using tern::testing::MemoryResolver;
using tern::testing::run_task;
using test::PolicyServer;

constexpr int64_t kNow = 1'800'000'000;
constexpr const char* kPolicyV1 =
    "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";
constexpr const char* kPolicyV2 =
    "version: STSv1\nmode: testing\nmx: *.example.test\nmax_age: 3600\n";

// The DNS of example.test: the TXT record (when id is not empty) and the
// address of mta-sts.example.test.
void zone(MemoryResolver& dns, const std::string& id) {
    if (!id.empty()) dns.add_txt("_mta-sts.example.test", "v=STSv1; id=" + id);
    dns.add_a("mta-sts.example.test", "127.0.0.1");
}

FetchOptions options_for(const PolicyServer& s) {
    FetchOptions o;
    o.port = s.port();
    o.ca_file = s.cert_file();
    o.timeout = 5s;
    return o;
}

Lookup run(MemoryResolver& dns, PolicyCache& cache, const PolicyServer& s, int64_t now,
           const std::string& domain = "example.test") {
    return run_task(discover(dns, cache, domain, options_for(s), now));
}

TEST(Discover, FetchesThenUsesTheCacheWhileTheIdStays) {
    PolicyServer s;
    s.serve_policy(kPolicyV1);
    PolicyCache cache;
    MemoryResolver dns;
    zone(dns, "one");

    Lookup first = run(dns, cache, s, kNow);
    ASSERT_TRUE(first.policy) << first.note;
    EXPECT_FALSE(first.from_cache);
    EXPECT_EQ(first.id, "one");
    EXPECT_EQ(first.policy->mode, Policy::Mode::enforce);
    EXPECT_TRUE(first.policy->allows("mx.example.test"));
    EXPECT_EQ(s.hits(), 1);
    auto cached = cache.get("example.test", kNow);
    ASSERT_TRUE(cached);
    EXPECT_EQ(cached->id, "one");
    EXPECT_EQ(cached->expires_at, kNow + 86400);

    Lookup second = run(dns, cache, s, kNow + 60, "EXAMPLE.test.");
    ASSERT_TRUE(second.policy) << second.note;
    EXPECT_TRUE(second.from_cache);
    EXPECT_EQ(*second.policy, *first.policy);
    EXPECT_EQ(s.hits(), 1);  // no second fetch
}

TEST(Discover, ChangedIdRefetches) {
    PolicyServer s;
    s.serve_policy(kPolicyV1);
    PolicyCache cache;
    MemoryResolver before;
    zone(before, "one");
    ASSERT_TRUE(run(before, cache, s, kNow).policy);

    s.serve_policy(kPolicyV2);
    MemoryResolver after;
    zone(after, "two");
    Lookup l = run(after, cache, s, kNow + 60);
    ASSERT_TRUE(l.policy) << l.note;
    EXPECT_FALSE(l.from_cache);
    EXPECT_EQ(l.id, "two");
    EXPECT_EQ(l.policy->mode, Policy::Mode::testing);
    EXPECT_EQ(s.hits(), 2);
    auto cached = cache.get("example.test", kNow + 60);
    ASSERT_TRUE(cached);
    EXPECT_EQ(cached->id, "two");
    EXPECT_EQ(cached->expires_at, kNow + 60 + 3600);
}

TEST(Discover, TxtGoneKeepsTheCachedPolicy) {
    PolicyServer s;
    s.serve_policy(kPolicyV1);
    PolicyCache cache;
    MemoryResolver before;
    zone(before, "one");
    ASSERT_TRUE(run(before, cache, s, kNow).policy);

    // RFC 8461 5.1 / 10.2: the record disappears (or is blocked)...
    MemoryResolver gone;
    zone(gone, "");
    Lookup l = run(gone, cache, s, kNow + 3600);
    ASSERT_TRUE(l.policy) << l.note;
    EXPECT_TRUE(l.from_cache);
    EXPECT_EQ(l.policy->mode, Policy::Mode::enforce);
    EXPECT_NE(l.note.find("cached"), std::string::npos) << l.note;

    MemoryResolver broken;
    broken.set_rcode("_mta-sts.example.test", dns::Rcode::servfail);
    l = run(broken, cache, s, kNow + 3600);
    ASSERT_TRUE(l.policy) << l.note;
    EXPECT_TRUE(l.from_cache);
    EXPECT_EQ(s.hits(), 1);

    // ...but not past max_age.
    l = run(gone, cache, s, kNow + 86400);
    EXPECT_FALSE(l.policy);
    EXPECT_NE(l.note.find("no TXT record"), std::string::npos) << l.note;
}

TEST(Discover, FetchFailureWithoutCacheMeansNoPolicy) {
    PolicyServer s;
    s.respond({test::http_response("404 Not Found", "text/plain", "")});
    PolicyCache cache;
    MemoryResolver dns;
    zone(dns, "one");
    Lookup l = run(dns, cache, s, kNow);
    EXPECT_FALSE(l.policy);
    EXPECT_FALSE(l.from_cache);
    EXPECT_NE(l.note.find("HTTP 404"), std::string::npos) << l.note;
    EXPECT_NE(l.note.find("no policy applies"), std::string::npos) << l.note;
    EXPECT_EQ(cache.size(), 0u);
}

TEST(Discover, FetchFailureWithCacheKeepsTheCachedPolicy) {
    PolicyServer s;
    s.serve_policy(kPolicyV1);
    PolicyCache cache;
    MemoryResolver before;
    zone(before, "one");
    ASSERT_TRUE(run(before, cache, s, kNow).policy);

    s.serve_policy("version: STSv1\nmode: bogus\n");  // the new policy does not parse
    MemoryResolver after;
    zone(after, "two");
    Lookup l = run(after, cache, s, kNow + 60);
    ASSERT_TRUE(l.policy) << l.note;
    EXPECT_TRUE(l.from_cache);
    EXPECT_EQ(l.id, "one");
    EXPECT_NE(l.note.find("invalid"), std::string::npos) << l.note;
    EXPECT_EQ(cache.get("example.test", kNow + 60)->id, "one");
}

TEST(Discover, NoTxtAndNoCacheMeansNoPolicyWithoutFetching) {
    PolicyServer s;
    s.serve_policy(kPolicyV1);
    PolicyCache cache;
    MemoryResolver dns;
    zone(dns, "");
    dns.add_txt("_mta-sts.example.test", "v=STSv1; id=a");
    dns.add_txt("_mta-sts.example.test", "v=STSv1; id=b");  // two: none counts
    Lookup l = run(dns, cache, s, kNow);
    EXPECT_FALSE(l.policy);
    EXPECT_EQ(s.hits(), 0);
}

TEST(Discover, ModeNoneIsCachedAndReturned) {
    PolicyServer s;
    s.serve_policy("version: STSv1\nmode: none\nmax_age: 600\n");
    PolicyCache cache;
    MemoryResolver dns;
    zone(dns, "off");
    Lookup l = run(dns, cache, s, kNow);
    ASSERT_TRUE(l.policy) << l.note;
    EXPECT_EQ(l.policy->mode, Policy::Mode::none);
    EXPECT_TRUE(cache.get("example.test", kNow));
}

TEST(Discover, PersistentCacheProtectsAfterRestart) {
    testing::TempDir dir;
    PolicyServer s;
    s.serve_policy(kPolicyV1);
    {
        PolicyCache cache(dir.file("sts.json"));
        MemoryResolver dns;
        zone(dns, "one");
        ASSERT_TRUE(run(dns, cache, s, kNow).policy);
    }
    PolicyCache restarted(dir.file("sts.json"));
    MemoryResolver gone;
    Lookup l = run(gone, restarted, s, kNow + 10);
    ASSERT_TRUE(l.policy) << l.note;
    EXPECT_TRUE(l.from_cache);
    EXPECT_EQ(s.hits(), 1);
}

}  // namespace
}  // namespace tern::mtasts
