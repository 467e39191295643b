#include "accounts/throttle.hpp"

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

ThrottleOptions options(uint32_t per_ip, uint32_t per_account) {
    ThrottleOptions o;
    o.max_failures_per_ip = per_ip;
    o.max_failures_per_account = per_account;
    o.window = 60s;
    return o;
}

TEST(Throttle, BlocksAfterAccountLimit) {
    FakeClock clock;
    LoginThrottle t(options(100, 3), clock.fn());
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(t.blocked("192.0.2.1", "alice@example.com")) << i;
        t.record_failure("192.0.2.1", "alice@example.com");
        clock.now += 1s;
    }
    auto wait = t.blocked("192.0.2.1", "alice@example.com");
    ASSERT_TRUE(wait);
    // Last failure 1 s ago, window 60 s.
    EXPECT_EQ(*wait, 59s);
    // Per account, whatever the IP, and case-insensitively.
    EXPECT_TRUE(t.blocked("198.51.100.7", "ALICE@example.com"));
    // Other accounts from the same IP are still allowed.
    EXPECT_FALSE(t.blocked("192.0.2.1", "bob@example.com"));
}

TEST(Throttle, UnblocksAfterWindow) {
    FakeClock clock;
    LoginThrottle t(options(100, 2), clock.fn());
    t.record_failure("192.0.2.1", "alice");
    t.record_failure("192.0.2.1", "alice");
    ASSERT_TRUE(t.blocked("192.0.2.1", "alice"));
    clock.now += 59s + 500ms;
    auto wait = t.blocked("192.0.2.1", "alice");
    ASSERT_TRUE(wait);
    EXPECT_EQ(*wait, 1s);  // rounded up, never zero
    clock.now += 500ms;
    EXPECT_FALSE(t.blocked("192.0.2.1", "alice"));
    // And the count starts afresh.
    t.record_failure("192.0.2.1", "alice");
    EXPECT_FALSE(t.blocked("192.0.2.1", "alice"));
}

TEST(Throttle, FailuresSpreadBeyondTheWindowDoNotAddUp) {
    FakeClock clock;
    LoginThrottle t(options(100, 2), clock.fn());
    t.record_failure("192.0.2.1", "alice");
    clock.now += 61s;
    t.record_failure("192.0.2.1", "alice");
    EXPECT_FALSE(t.blocked("192.0.2.1", "alice"));
    clock.now += 30s;
    t.record_failure("192.0.2.1", "alice");
    EXPECT_TRUE(t.blocked("192.0.2.1", "alice"));
}

TEST(Throttle, BlocksAfterIpLimitAcrossAccounts) {
    FakeClock clock;
    LoginThrottle t(options(4, 100), clock.fn());
    for (int i = 0; i < 4; ++i) {
        ASSERT_FALSE(t.blocked("192.0.2.9", "user" + std::to_string(i)));
        t.record_failure("192.0.2.9", "user" + std::to_string(i));
    }
    EXPECT_TRUE(t.blocked("192.0.2.9", "someone-new"));
    EXPECT_EQ(*t.blocked("192.0.2.9", "someone-new"), 60s);
    // Another IP may still try the same accounts.
    EXPECT_FALSE(t.blocked("192.0.2.10", "user0"));
}

TEST(Throttle, SuccessClearsCounters) {
    FakeClock clock;
    LoginThrottle t(options(3, 3), clock.fn());
    t.record_failure("192.0.2.1", "alice");
    t.record_failure("192.0.2.1", "alice");
    t.record_success("192.0.2.1", "alice");
    t.record_failure("192.0.2.1", "alice");
    t.record_failure("192.0.2.1", "alice");
    EXPECT_FALSE(t.blocked("192.0.2.1", "alice"));
    t.record_failure("192.0.2.1", "alice");
    EXPECT_TRUE(t.blocked("192.0.2.1", "alice"));
}

TEST(Throttle, ZeroDisablesALimit) {
    FakeClock clock;
    LoginThrottle t(options(0, 0), clock.fn());
    for (int i = 0; i < 50; ++i)
        t.record_failure("192.0.2.1", "alice");
    EXPECT_FALSE(t.blocked("192.0.2.1", "alice"));
    EXPECT_EQ(t.tracked_keys(), 0u);
}

TEST(Throttle, LongerBlockWins) {
    FakeClock clock;
    LoginThrottle t(options(2, 2), clock.fn());
    t.record_failure("192.0.2.1", "alice");
    t.record_failure("192.0.2.1", "alice");  // both blocked until +60s
    clock.now += 10s;
    t.record_failure("192.0.2.2", "alice");  // alice now blocked until +70s
    EXPECT_EQ(*t.blocked("192.0.2.1", "alice"), 60s);
    EXPECT_EQ(*t.blocked("192.0.2.1", "bob"), 50s);
}

TEST(Throttle, MemoryIsBounded) {
    FakeClock clock;
    ThrottleOptions o = options(1, 1);
    o.max_tracked_keys = 100;
    LoginThrottle t(o, clock.fn());
    t.record_failure("198.51.100.1", "victim");  // the oldest two keys
    EXPECT_TRUE(t.blocked("198.51.100.1", "x"));
    for (int i = 0; i < 500; ++i) {
        t.record_failure("10.0.0." + std::to_string(i), "user" + std::to_string(i));
        EXPECT_LE(t.tracked_keys(), 100u);
    }
    EXPECT_EQ(t.tracked_keys(), 100u);
    // The most recent keys are still tracked, the oldest were evicted.
    EXPECT_TRUE(t.blocked("10.0.0.499", "nobody"));
    EXPECT_TRUE(t.blocked("0.0.0.0", "user499"));
    EXPECT_FALSE(t.blocked("198.51.100.1", "victim"));
}

TEST(Throttle, IpAndAccountKeysDoNotCollide) {
    FakeClock clock;
    LoginThrottle t(options(1, 100), clock.fn());
    t.record_failure("192.0.2.1", "other");
    // An account literally named like the blocked IP is not blocked by it.
    EXPECT_FALSE(t.blocked("192.0.2.2", "192.0.2.1"));
}

TEST(Throttle, ConcurrentUse) {
    ThrottleOptions o = options(1000000, 1000000);
    o.max_tracked_keys = 50;
    LoginThrottle t(o);
    std::vector<std::thread> threads;
    for (int n = 0; n < 4; ++n) {
        threads.emplace_back([&t, n] {
            for (int i = 0; i < 500; ++i) {
                std::string ip = "10.0." + std::to_string(n) + "." + std::to_string(i % 40);
                t.record_failure(ip, "user" + std::to_string(i % 30));
                (void)t.blocked(ip, "user" + std::to_string(i % 30));
                if (i % 11 == 0) t.record_success(ip, "user" + std::to_string(i % 30));
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_LE(t.tracked_keys(), 50u);
}

}  // namespace
}  // namespace tern::accounts
