// PolicyCache: expiry, replacement and persistence (RFC 8461 5.1, 10.2).
#include "mtasts/cache.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "testing/temp_dir.hpp"

namespace tern::mtasts {
namespace {

Policy make_policy(Policy::Mode mode, std::vector<std::string> mx, uint32_t max_age) {
    Policy p;
    p.mode = mode;
    p.mx = std::move(mx);
    p.max_age = max_age;
    return p;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(PolicyCache, PutGetAndExpiry) {
    PolicyCache cache;
    Policy p = make_policy(Policy::Mode::enforce, {"mx.example.org"}, 100);
    EXPECT_FALSE(cache.get("example.org", 1000));
    cache.put("Example.ORG.", "id1", p, 1000);
    auto e = cache.get("example.org", 1000);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->domain, "example.org");
    EXPECT_EQ(e->id, "id1");
    EXPECT_EQ(e->policy, p);
    EXPECT_EQ(e->fetched_at, 1000);
    EXPECT_EQ(e->expires_at, 1100);
    EXPECT_TRUE(cache.get("EXAMPLE.org.", 1099));
    EXPECT_FALSE(cache.get("example.org", 1100));  // fetched_at + max_age: expired
    EXPECT_FALSE(cache.get("other.example", 1000));
}

TEST(PolicyCache, PutReplacesAndDropsExpired) {
    PolicyCache cache;
    cache.put("a.example", "1", make_policy(Policy::Mode::testing, {"mx.a.example"}, 10), 0);
    cache.put("b.example", "1", make_policy(Policy::Mode::testing, {"mx.b.example"}, 1000), 0);
    cache.put("b.example", "2", make_policy(Policy::Mode::enforce, {"mx2.b.example"}, 1000), 50);
    EXPECT_EQ(cache.size(), 1u);  // a.example had expired by the second put
    auto e = cache.get("b.example", 60);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->id, "2");
    EXPECT_EQ(e->policy.mode, Policy::Mode::enforce);
    EXPECT_EQ(e->expires_at, 1050);
}

TEST(PolicyCache, SizeIsBounded) {
    PolicyCache cache("", 2);
    cache.put("a.example", "1", make_policy(Policy::Mode::enforce, {"mx.a.example"}, 300), 0);
    cache.put("b.example", "1", make_policy(Policy::Mode::enforce, {"mx.b.example"}, 100), 0);
    cache.put("c.example", "1", make_policy(Policy::Mode::enforce, {"mx.c.example"}, 200), 0);
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_TRUE(cache.get("a.example", 1));
    EXPECT_FALSE(cache.get("b.example", 1));  // expiring soonest: dropped
    EXPECT_TRUE(cache.get("c.example", 1));
}

TEST(PolicyCache, SurvivesARestart) {
    testing::TempDir dir;
    std::string file = dir.file("mta-sts.json");
    Policy p =
        make_policy(Policy::Mode::enforce, {"mx.example.org", "*.backup.example.org"}, 86400);
    Policy none = make_policy(Policy::Mode::none, {}, 600);
    {
        PolicyCache cache(file);
        cache.put("example.org", "20240101", p, 5000);
        cache.put("quiet.example", "x", none, 5000);
    }
    EXPECT_FALSE(std::filesystem::exists(file + ".tmp"));
    PolicyCache again(file);
    EXPECT_EQ(again.size(), 2u);
    auto e = again.get("example.org", 6000);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->id, "20240101");
    EXPECT_EQ(e->policy, p);
    EXPECT_EQ(e->fetched_at, 5000);
    EXPECT_EQ(e->expires_at, 5000 + 86400);
    auto q = again.get("quiet.example", 5001);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->policy.mode, Policy::Mode::none);
    EXPECT_FALSE(again.get("quiet.example", 5600));
}

TEST(PolicyCache, CorruptFileIsIgnored) {
    testing::TempDir dir;
    std::string file = dir.file("mta-sts.json");
    for (const char* junk : {"{not json", "[1,2,3]", "{\"version\":99,\"policies\":[]}", ""}) {
        {
            std::ofstream out(file, std::ios::trunc);
            out << junk;
        }
        PolicyCache cache(file);
        EXPECT_EQ(cache.size(), 0u) << junk;
        // Still usable, and a put writes a good file over the bad one.
        cache.put("example.org", "1", make_policy(Policy::Mode::testing, {"mx.example.org"}, 60),
                  0);
        PolicyCache again(file);
        EXPECT_TRUE(again.get("example.org", 1)) << read_file(file);
    }
}

TEST(PolicyCache, BadEntriesAreSkippedGoodOnesKept) {
    testing::TempDir dir;
    std::string file = dir.file("mta-sts.json");
    {
        std::ofstream out(file);
        out << R"({"version":1,"policies":[
            {"domain":"good.example","id":"1","mode":"enforce","mx":["mx.good.example"],
             "max_age":100,"fetched_at":0,"expires_at":100},
            {"domain":"bad.example","id":"1","mode":"loud","mx":[],
             "max_age":100,"fetched_at":0,"expires_at":100},
            {"domain":"worse.example"},
            17]})";
    }
    PolicyCache cache(file);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_TRUE(cache.get("good.example", 50));
}

TEST(PolicyCache, UnwritablePathKeepsMemory) {
    testing::TempDir dir;
    PolicyCache cache(dir.file("no/such/dir/cache.json"));
    cache.put("example.org", "1", make_policy(Policy::Mode::testing, {"mx.example.org"}, 60), 0);
    EXPECT_TRUE(cache.get("example.org", 1));
}

}  // namespace
}  // namespace tern::mtasts
