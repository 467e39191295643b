// find_transport(): the most specific [[transport]] table wins.
#include "queue/transport.hpp"

#include <gtest/gtest.h>

namespace tern::queue {
namespace {

config::Transport make(std::string domain, std::string relay) {
    config::Transport t;
    t.domain = std::move(domain);
    t.relay = std::move(relay);
    return t;
}

const char* relay_for(const std::vector<config::Transport>& ts, std::string_view domain) {
    const config::Transport* t = find_transport(ts, domain);
    return t == nullptr ? "(none)" : t->relay.c_str();
}

TEST(Transport, MostSpecificTableWins) {
    std::vector<config::Transport> ts = {
        make("*", "default"),
        make(".example.com", "subs"),
        make("example.com", "exact"),
        make(".a.example.com", "deeper"),
    };
    EXPECT_STREQ(relay_for(ts, "example.com"), "exact");
    EXPECT_STREQ(relay_for(ts, "EXAMPLE.com."), "exact");
    EXPECT_STREQ(relay_for(ts, "b.example.com"), "subs");
    EXPECT_STREQ(relay_for(ts, "x.b.example.com"), "subs");
    EXPECT_STREQ(relay_for(ts, "x.a.example.com"), "deeper");
    // ".a.example.com" covers subdomains of a.example.com, not itself.
    EXPECT_STREQ(relay_for(ts, "a.example.com"), "subs");
    EXPECT_STREQ(relay_for(ts, "example.org"), "default");
    EXPECT_STREQ(relay_for(ts, "notexample.com"), "default");
}

TEST(Transport, NoTableNoMatch) {
    std::vector<config::Transport> ts = {make("example.com", "exact")};
    EXPECT_STREQ(relay_for(ts, "example.org"), "(none)");
    EXPECT_STREQ(relay_for(ts, "sub.example.com"), "(none)");
    EXPECT_STREQ(relay_for({}, "example.com"), "(none)");
}

}  // namespace
}  // namespace tern::queue
