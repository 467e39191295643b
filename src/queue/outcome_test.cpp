#include "queue/outcome.hpp"

#include <gtest/gtest.h>

namespace tern::queue {
namespace {

TEST(Outcome, BackoffDoublesUpToTheMaximum) {
    RetryPolicy p;
    p.initial_seconds = 300;
    p.max_seconds = 1000;
    EXPECT_EQ(next_attempt_after(p, 1, 10'000), 10'300);
    EXPECT_EQ(next_attempt_after(p, 2, 10'000), 10'600);
    EXPECT_EQ(next_attempt_after(p, 3, 10'000), 11'000);  // 1200 capped at 1000
    EXPECT_EQ(next_attempt_after(p, 60, 10'000), 11'000);
}

TEST(Outcome, ExpiryAndDelayNotices) {
    RetryPolicy p;
    p.max_age_seconds = 100;
    p.delay_notice_seconds = 40;
    EXPECT_FALSE(expired(p, 1000, 1099));
    EXPECT_TRUE(expired(p, 1000, 1100));

    store::QueuedMessage m;
    m.sender = "a@example.org";
    m.created_at = 1000;
    EXPECT_FALSE(delay_notice_due(p, m, 1039));
    EXPECT_TRUE(delay_notice_due(p, m, 1040));
    m.delay_notified_at = 1040;  // once only
    EXPECT_FALSE(delay_notice_due(p, m, 1090));
    m.delay_notified_at = 0;
    m.sender.clear();  // never to the null sender
    EXPECT_FALSE(delay_notice_due(p, m, 1090));
    m.sender = "a@example.org";
    p.delay_notice_seconds = 0;  // switched off
    EXPECT_FALSE(delay_notice_due(p, m, 1090));
}

TEST(Outcome, NotifyFollowsRfc3461) {
    EXPECT_TRUE(wants_dsn("", DsnKind::failure));
    EXPECT_TRUE(wants_dsn("", DsnKind::delay));
    EXPECT_FALSE(wants_dsn("", DsnKind::success));
    EXPECT_FALSE(wants_dsn("NEVER", DsnKind::failure));
    EXPECT_TRUE(wants_dsn("success,Failure", DsnKind::failure));
    EXPECT_TRUE(wants_dsn("SUCCESS,FAILURE", DsnKind::success));
    EXPECT_FALSE(wants_dsn("SUCCESS,FAILURE", DsnKind::delay));
    EXPECT_FALSE(wants_dsn("FAILUREX", DsnKind::failure));
}

TEST(Outcome, RepliesMapToStatesAndStatusCodes) {
    using S = store::QueueRecipient::State;
    EXPECT_EQ(state_for_code(250), S::delivered);
    EXPECT_EQ(state_for_code(550), S::failed);
    EXPECT_EQ(state_for_code(451), S::pending);
    EXPECT_EQ(state_for_code(0), S::pending);
    EXPECT_EQ(status_for(550, "5.1.1"), "5.1.1");
    EXPECT_EQ(status_for(550, ""), "5.0.0");
    EXPECT_EQ(status_for(550, "4.1.1"), "5.0.0");  // class must agree with the code
    EXPECT_EQ(status_for(450, "4.2.10"), "4.2.10");
    EXPECT_EQ(status_for(450, "4.2.1000"), "4.0.0");
    EXPECT_EQ(status_for(0, ""), "4.0.0");
}

}  // namespace
}  // namespace tern::queue
