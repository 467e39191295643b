#include "net/limits.hpp"

#include <gtest/gtest.h>

namespace tern::net {
namespace {

TEST(ConnectionLimiter, PerIpAndTotal) {
    ConnectionLimiter l(3, 2);
    EXPECT_EQ(l.try_admit("10.0.0.1"), Admission::ok);
    EXPECT_EQ(l.try_admit("10.0.0.1"), Admission::ok);
    EXPECT_EQ(l.try_admit("10.0.0.1"), Admission::too_many_from_ip);
    EXPECT_EQ(l.try_admit("10.0.0.2"), Admission::ok);
    EXPECT_EQ(l.try_admit("10.0.0.3"), Admission::too_many_connections);
    EXPECT_EQ(l.total(), 3u);
    l.release("10.0.0.1");
    EXPECT_EQ(l.from_ip("10.0.0.1"), 1u);
    EXPECT_EQ(l.try_admit("10.0.0.3"), Admission::ok);
}

TEST(ConnectionLimiter, AdmittedReleasesOnDestruction) {
    ConnectionLimiter l(10, 10);
    ASSERT_EQ(l.try_admit("a"), Admission::ok);
    {
        Admitted guard(l, "a");
        Admitted moved(std::move(guard));
        EXPECT_EQ(l.total(), 1u);
    }
    EXPECT_EQ(l.total(), 0u);
    EXPECT_EQ(l.from_ip("a"), 0u);
}

}  // namespace
}  // namespace tern::net
