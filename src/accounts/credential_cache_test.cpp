#include "accounts/credential_cache.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace tern::accounts {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
    std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
    SteadyNow fn() {
        return [this] { return now; };
    }
};

const char* kHash = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA";
const char* kOtherHash = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdDI$aGFzaDI";

TEST(CredentialCache, HitAfterInsert) {
    FakeClock clock;
    CredentialCache cache({60s, 100}, clock.fn());
    EXPECT_FALSE(cache.hit("alice@example.com", "pw", kHash));
    cache.insert("alice@example.com", "pw", kHash);
    EXPECT_TRUE(cache.hit("alice@example.com", "pw", kHash));
    // The user name compares case-insensitively, like the store's lookup.
    EXPECT_TRUE(cache.hit("Alice@Example.COM", "pw", kHash));
    EXPECT_EQ(cache.size(), 1u);
}

TEST(CredentialCache, WrongPasswordOrUserMisses) {
    FakeClock clock;
    CredentialCache cache({60s, 100}, clock.fn());
    cache.insert("alice", "pw", kHash);
    EXPECT_FALSE(cache.hit("alice", "pW", kHash));
    EXPECT_FALSE(cache.hit("alice", "pw ", kHash));
    EXPECT_FALSE(cache.hit("alice", "", kHash));
    EXPECT_FALSE(cache.hit("bob", "pw", kHash));
    // The separator keeps the user/password boundary.
    cache.insert("ab", "c", kHash);
    EXPECT_FALSE(cache.hit("a", "bc", kHash));
}

TEST(CredentialCache, Expires) {
    FakeClock clock;
    CredentialCache cache({60s, 100}, clock.fn());
    cache.insert("alice", "pw", kHash);
    clock.now += 59s;
    EXPECT_TRUE(cache.hit("alice", "pw", kHash));
    clock.now += 1s;
    EXPECT_FALSE(cache.hit("alice", "pw", kHash));
    EXPECT_EQ(cache.size(), 0u);
}

TEST(CredentialCache, StoredHashChangeInvalidates) {
    FakeClock clock;
    CredentialCache cache({60s, 100}, clock.fn());
    cache.insert("alice", "pw", kHash);
    // Another process changed the password: the account's hash differs.
    EXPECT_FALSE(cache.hit("alice", "pw", kOtherHash));
    // The stale entry is gone even if the old hash came back.
    EXPECT_FALSE(cache.hit("alice", "pw", kHash));
}

TEST(CredentialCache, ForgetDropsEveryEntryOfTheUser) {
    FakeClock clock;
    CredentialCache cache({60s, 100}, clock.fn());
    cache.insert("alice", "pw1", kHash);
    cache.insert("Alice", "pw2", kHash);
    cache.insert("bob", "pw1", kHash);
    cache.forget("ALICE");
    EXPECT_FALSE(cache.hit("alice", "pw1", kHash));
    EXPECT_FALSE(cache.hit("alice", "pw2", kHash));
    EXPECT_TRUE(cache.hit("bob", "pw1", kHash));
}

TEST(CredentialCache, SizeIsBounded) {
    FakeClock clock;
    CredentialCache cache({600s, 10}, clock.fn());
    for (int i = 0; i < 50; ++i) {
        cache.insert("user" + std::to_string(i), "pw", kHash);
        clock.now += 1s;
        EXPECT_LE(cache.size(), 10u);
    }
    EXPECT_EQ(cache.size(), 10u);
    // The entries closest to expiry (the oldest) went first.
    EXPECT_FALSE(cache.hit("user0", "pw", kHash));
    EXPECT_FALSE(cache.hit("user39", "pw", kHash));
    EXPECT_TRUE(cache.hit("user40", "pw", kHash));
    EXPECT_TRUE(cache.hit("user49", "pw", kHash));
}

TEST(CredentialCache, ReinsertRefreshesExpiry) {
    FakeClock clock;
    CredentialCache cache({60s, 100}, clock.fn());
    cache.insert("alice", "pw", kHash);
    clock.now += 50s;
    cache.insert("alice", "pw", kHash);
    clock.now += 50s;
    EXPECT_TRUE(cache.hit("alice", "pw", kHash));
    EXPECT_EQ(cache.size(), 1u);
}

TEST(CredentialCache, ZeroTtlDisables) {
    FakeClock clock;
    CredentialCache cache({0s, 100}, clock.fn());
    cache.insert("alice", "pw", kHash);
    EXPECT_FALSE(cache.hit("alice", "pw", kHash));
    EXPECT_EQ(cache.size(), 0u);
}

TEST(CredentialCache, ConcurrentUse) {
    CredentialCache cache({60s, 64});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&cache, t] {
            for (int i = 0; i < 200; ++i) {
                std::string user = "u" + std::to_string((t * 7 + i) % 100);
                cache.insert(user, "pw", kHash);
                (void)cache.hit(user, "pw", kHash);
                if (i % 17 == 0) cache.forget(user);
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_LE(cache.size(), 64u);
    cache.insert("final", "pw", kHash);
    EXPECT_TRUE(cache.hit("final", "pw", kHash));
}

}  // namespace
}  // namespace tern::accounts
