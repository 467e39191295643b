#include "smtp/server/send_rate.hpp"

#include <gtest/gtest.h>

namespace tern::smtp {
namespace {

TEST(SendRateLimiter, BurstThenEvenRefill) {
    auto t = std::chrono::steady_clock::time_point{};
    SendRateLimiter limiter([&] { return t; });
    for (int i = 0; i < 60; ++i)
        EXPECT_TRUE(limiter.try_take(1, 60)) << i;
    EXPECT_FALSE(limiter.try_take(1, 60));
    EXPECT_TRUE(limiter.try_take(2, 60));  // other accounts have their own bucket
    t += std::chrono::seconds(59);
    EXPECT_FALSE(limiter.try_take(1, 60));
    t += std::chrono::seconds(2);  // one minute: one message at 60 per hour
    EXPECT_TRUE(limiter.try_take(1, 60));
    EXPECT_FALSE(limiter.try_take(1, 60));
    t += std::chrono::hours(5);  // the bucket never holds more than an hour's worth
    int taken = 0;
    while (limiter.try_take(1, 60))
        ++taken;
    EXPECT_EQ(taken, 60);
}

TEST(SendRateLimiter, ZeroMeansUnlimited) {
    SendRateLimiter limiter;
    for (int i = 0; i < 10000; ++i)
        ASSERT_TRUE(limiter.try_take(1, 0));
}

}  // namespace
}  // namespace tern::smtp
