// AnswerCache: TTL, negative caching, what is never cached, LRU bound.
#include "dns/cache.hpp"

#include <gtest/gtest.h>

namespace tern::dns {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Answer with_ttl(Rcode rcode, std::uint32_t ttl, std::string txt = "x") {
    Answer a;
    a.rcode = rcode;
    a.ttl = ttl;
    if (rcode == Rcode::noerror && !txt.empty()) a.txt.push_back(std::move(txt));
    return a;
}

const AnswerCache::Clock::time_point t0{};

TEST(AnswerCache, ServesUntilTtlAndCountsDown) {
    AnswerCache cache(10);
    Question q{"a.test", RecordType::txt};
    cache.put(q, with_ttl(Rcode::noerror, 10), t0);
    auto hit = cache.get(q, t0 + seconds(4));
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->txt, std::vector<std::string>{"x"});
    EXPECT_EQ(hit->ttl, 6u);
    EXPECT_TRUE(cache.get(q, t0 + milliseconds(9999)).has_value());
    EXPECT_FALSE(cache.get(q, t0 + seconds(10)).has_value());
    EXPECT_EQ(cache.size(), 0u);  // the expired entry was dropped
}

TEST(AnswerCache, KeyIgnoresCaseAndTrailingDotButNotType) {
    AnswerCache cache(10);
    cache.put({"A.Test.", RecordType::txt}, with_ttl(Rcode::noerror, 10), t0);
    EXPECT_TRUE(cache.get({"a.test", RecordType::txt}, t0).has_value());
    EXPECT_FALSE(cache.get({"a.test", RecordType::mx}, t0).has_value());
}

TEST(AnswerCache, NegativeAnswersCachedFailuresNot) {
    AnswerCache cache(10);
    cache.put({"nx.test", RecordType::a}, with_ttl(Rcode::nxdomain, 5), t0);
    cache.put({"nodata.test", RecordType::a}, with_ttl(Rcode::noerror, 5, ""), t0);
    cache.put({"sf.test", RecordType::a}, with_ttl(Rcode::servfail, 5), t0);
    cache.put({"to.test", RecordType::a}, with_ttl(Rcode::timeout, 5), t0);
    cache.put({"zero.test", RecordType::a}, with_ttl(Rcode::noerror, 0), t0);
    auto nx = cache.get({"nx.test", RecordType::a}, t0 + seconds(1));
    ASSERT_TRUE(nx.has_value());
    EXPECT_EQ(nx->rcode, Rcode::nxdomain);
    EXPECT_TRUE(cache.get({"nodata.test", RecordType::a}, t0).has_value());
    EXPECT_FALSE(cache.get({"sf.test", RecordType::a}, t0).has_value());
    EXPECT_FALSE(cache.get({"to.test", RecordType::a}, t0).has_value());
    EXPECT_FALSE(cache.get({"zero.test", RecordType::a}, t0).has_value());
}

TEST(AnswerCache, EvictsLeastRecentlyUsed) {
    AnswerCache cache(2);
    cache.put({"1.test", RecordType::a}, with_ttl(Rcode::noerror, 100, "1"), t0);
    cache.put({"2.test", RecordType::a}, with_ttl(Rcode::noerror, 100, "2"), t0);
    ASSERT_TRUE(cache.get({"1.test", RecordType::a}, t0).has_value());  // 2 is now oldest
    cache.put({"3.test", RecordType::a}, with_ttl(Rcode::noerror, 100, "3"), t0);
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_TRUE(cache.get({"1.test", RecordType::a}, t0).has_value());
    EXPECT_FALSE(cache.get({"2.test", RecordType::a}, t0).has_value());
    EXPECT_TRUE(cache.get({"3.test", RecordType::a}, t0).has_value());
}

TEST(AnswerCache, ReplacingKeepsOneEntryAndZeroCapacityCachesNothing) {
    AnswerCache cache(4);
    cache.put({"a.test", RecordType::a}, with_ttl(Rcode::noerror, 100, "old"), t0);
    cache.put({"a.test", RecordType::a}, with_ttl(Rcode::noerror, 100, "new"), t0);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.get({"a.test", RecordType::a}, t0)->txt, std::vector<std::string>{"new"});
    AnswerCache off(0);
    off.put({"a.test", RecordType::a}, with_ttl(Rcode::noerror, 100), t0);
    EXPECT_FALSE(off.get({"a.test", RecordType::a}, t0).has_value());
}

}  // namespace
}  // namespace tern::dns
