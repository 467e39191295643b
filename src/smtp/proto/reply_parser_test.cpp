// The client's reply parser against RFC 5321 4.2 replies and hostile lines.
#include "smtp/proto/reply_parser.hpp"

#include <gtest/gtest.h>

namespace tern::smtp {
namespace {

// Feeds lines until the parser says the reply is complete; fails the test
// when it errors or never completes.
ParsedReply parse(const std::vector<std::string>& lines) {
    ReplyParser p;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto r = p.feed(lines[i]);
        EXPECT_TRUE(r.ok()) << lines[i] << ": " << (r.ok() ? "" : r.error().message);
        if (!r.ok()) return {};
        EXPECT_EQ(*r, i + 1 == lines.size()) << "line " << i;
    }
    return p.take();
}

TEST(ReplyParser, SingleLine) {
    auto r = parse({"220 mx.example.org ESMTP ready"});
    EXPECT_EQ(r.code, 220);
    EXPECT_EQ(r.enhanced, "");
    EXPECT_EQ(r.lines, std::vector<std::string>{"mx.example.org ESMTP ready"});
}

TEST(ReplyParser, MultiLineKeepsEveryText) {
    // RFC 5321 4.2.1 example shape: continuation lines have '-'.
    auto r = parse({"250-mx.example.org", "250-PIPELINING", "250-SIZE 1000", "250 8BITMIME"});
    EXPECT_EQ(r.code, 250);
    EXPECT_EQ(r.lines,
              (std::vector<std::string>{"mx.example.org", "PIPELINING", "SIZE 1000", "8BITMIME"}));
}

TEST(ReplyParser, CodeAloneIsAReply) {
    auto r = parse({"354"});
    EXPECT_EQ(r.code, 354);
    EXPECT_EQ(r.lines, std::vector<std::string>{""});
    auto m = parse({"250-", "250 ok"});
    EXPECT_EQ(m.lines, (std::vector<std::string>{"", "ok"}));
}

TEST(ReplyParser, EnhancedCodeTakenAndStrippedFromEveryLine) {
    auto r = parse({"550-5.1.1 no such user", "550 5.1.1 check the address"});
    EXPECT_EQ(r.code, 550);
    EXPECT_EQ(r.enhanced, "5.1.1");
    EXPECT_EQ(r.lines, (std::vector<std::string>{"no such user", "check the address"}));
    auto t = parse({"452 4.5.3 too many recipients"});
    EXPECT_EQ(t.enhanced, "4.5.3");
    auto three = parse({"250 2.100.999"});
    EXPECT_EQ(three.enhanced, "2.100.999");
    EXPECT_EQ(three.lines, std::vector<std::string>{""});
}

TEST(ReplyParser, TextThatOnlyLooksLikeAnEnhancedCodeIsKept) {
    // Class must equal the code's first digit (RFC 2034 4), digits 1-3 each,
    // and a space must follow.
    EXPECT_EQ(parse({"220 5.1.1 host"}).enhanced, "");
    EXPECT_EQ(parse({"250 2.1.1234 x"}).enhanced, "");
    EXPECT_EQ(parse({"250 2.1.0x ok"}).enhanced, "");
    EXPECT_EQ(parse({"250 2..0 ok"}).enhanced, "");
    auto r = parse({"250 1.2.3.4 accepted"});
    EXPECT_EQ(r.enhanced, "");
    EXPECT_EQ(r.lines, std::vector<std::string>{"1.2.3.4 accepted"});
}

TEST(ReplyParser, RejectsGarbage) {
    std::vector<std::string> bads = {"",        "25",      "hello",  "250x ok",
                                     "2500 ok", "650 ok",  "150 ok", "260 ok",
                                     "2a0 ok",  " 250 ok", "<html>", std::string("250\0ok", 6)};
    for (const std::string& bad : bads) {
        ReplyParser p;
        auto r = p.feed(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, Errc::invalid);
        }
    }
}

TEST(ReplyParser, RejectsCodeChangeWithinReply) {
    ReplyParser p;
    ASSERT_TRUE(p.feed("250-first").ok());
    auto r = p.feed("550 second");
    ASSERT_FALSE(r.ok());
    // It starts afresh afterwards.
    auto next = p.feed("221 bye");
    ASSERT_TRUE(next.ok());
    EXPECT_TRUE(*next);
    EXPECT_EQ(p.take().code, 221);
}

TEST(ReplyParser, LimitsLineLengthLeniently) {
    ReplyParser p;
    // Over the RFC's 512 but within the lenient limit: accepted.
    std::string long_ok = "250 " + std::string(2000, 'x');
    auto a = p.feed(long_ok);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(p.take().lines[0].size(), 2000u);
    auto b = p.feed("250 " + std::string(kReplyLineLimit, 'x'));
    EXPECT_FALSE(b.ok());
}

TEST(ReplyParser, LimitsLineCount) {
    ReplyParser p;
    for (std::size_t i = 0; i < kReplyMaxLines; ++i)
        ASSERT_TRUE(p.feed("250-x").ok()) << i;
    EXPECT_FALSE(p.feed("250-x").ok());
}

TEST(ReplyParser, ConsecutiveRepliesDoNotMix) {
    ReplyParser p;
    ASSERT_TRUE(*p.feed("250 2.1.0 sender ok"));
    auto first = p.take();
    ASSERT_TRUE(*p.feed("354 go ahead"));
    auto second = p.take();
    EXPECT_EQ(first.code, 250);
    EXPECT_EQ(second.code, 354);
    EXPECT_EQ(second.enhanced, "");
    EXPECT_EQ(second.lines, std::vector<std::string>{"go ahead"});
}

}  // namespace
}  // namespace tern::smtp
