#include "smtp/proto/path.hpp"

#include <gtest/gtest.h>

#include "smtp/proto/syntax_error.hpp"

namespace tern::smtp {
namespace {

TEST(ParsePath, ConsumesUpToTheClosingBracket) {
    auto r = parse_path("<a@b.example> SIZE=1", PathKind::reverse, false);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->consumed, 13u);
    EXPECT_EQ(r->path.wire, "a@b.example");
    r = parse_path("<> BODY=7BIT", PathKind::reverse, false);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->consumed, 2u);
    EXPECT_TRUE(r->path.null);
}

TEST(ParsePath, SourceRoutes) {
    struct Case {
        std::string text;
        bool ok;
    };
    const std::vector<Case> cases = {
        {"<@a.example:u@b.example>", true},
        {"<@a.example,@b.example,@c.example:u@d.example>", true},
        {"<@a.example>", false},
        {"<@a.example:>", false},
        {"<@:u@b.example>", false},
        {"<@a.example,u@b.example>", false},
        {"<@a.example;@b.example:u@c.example>", false},
        {"<@[192.0.2.1]:u@b.example>", false},  // At-domain is a Domain, not a literal
    };
    for (const auto& c : cases) {
        auto r = parse_path(c.text, PathKind::forward, false);
        EXPECT_EQ(r.ok(), c.ok) << c.text;
        if (r) {
            EXPECT_TRUE(r->path.had_source_route);
            EXPECT_EQ(r->path.mailbox.local, "u");
        } else {
            EXPECT_EQ(to_syntax_error(r.error()).code, 553) << c.text;
        }
    }
}

TEST(ParsePath, ReplyCodesDifferForSenderAndRecipient) {
    auto r = parse_path("<bad>", PathKind::reverse, false);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(to_syntax_error(r.error()),
              (SyntaxError{553, "5.1.7", to_syntax_error(r.error()).text}));
    r = parse_path("<bad>", PathKind::forward, false);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(to_syntax_error(r.error()).enhanced, "5.1.3");
    r = parse_path("bad", PathKind::forward, false);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(to_syntax_error(r.error()).code, 501);
}

TEST(SyntaxErrorCodec, RoundTripsAndFallsBack) {
    const Failure f = syntax_failure(555, "5.5.4", "Unsupported parameter");
    EXPECT_EQ(f.error.code, Errc::invalid);
    EXPECT_EQ(to_syntax_error(f.error), (SyntaxError{555, "5.5.4", "Unsupported parameter"}));
    const Failure bare = syntax_failure(500, "", "Huh");
    EXPECT_EQ(to_syntax_error(bare.error), (SyntaxError{500, "", "Huh"}));
    // An Error from elsewhere still maps to a valid reply.
    EXPECT_EQ(to_syntax_error(Error{Errc::io, "disk"}), (SyntaxError{501, "5.5.4", "disk"}));
    EXPECT_EQ(to_syntax_error(Error{Errc::io, "250 fine"}),
              (SyntaxError{501, "5.5.4", "250 fine"}));
}

}  // namespace
}  // namespace tern::smtp
