// The transcript format itself (testing/transcript.hpp): escapes, prefixes,
// @wait and @connection, and how mismatches are reported.
#include <gtest/gtest.h>

#include "testing/transcript.hpp"

namespace tern::testing {
namespace {

TEST(TranscriptFormat, DecodesEscapes) {
    auto s = decode_escapes(R"(a\r\n\t\\\x00\xff.)");
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, std::string("a\r\n\t\\\0\xff.", 8));
    EXPECT_FALSE(decode_escapes(R"(\q)"));
    EXPECT_FALSE(decode_escapes(R"(\x4)"));
    EXPECT_FALSE(decode_escapes("end\\"));
}

TEST(TranscriptFormat, ClientLinesWaitsAndConnections) {
    auto t = parse_transcript(
        "# comment\n@listener smtp\nS: 220 hi\nC: EHLO x\nC~ raw\\r\n@wait\nC: next\n"
        "@connection\n@user a@b pw\nS~ 25[0-9] .*\n",
        "t.txt");
    ASSERT_TRUE(t) << t.error().message;
    ASSERT_EQ(t->connections.size(), 2u);
    const auto& c0 = t->connections[0];
    EXPECT_EQ(c0.input, "EHLO x\r\nraw\rnext\r\n");
    ASSERT_EQ(c0.waits.size(), 1u);
    EXPECT_EQ(c0.waits[0], 12u);
    ASSERT_EQ(c0.directives.size(), 1u);
    EXPECT_EQ(c0.directives[0].name, "listener");
    EXPECT_EQ(c0.directives[0].line, 2);
    const auto& c1 = t->connections[1];
    ASSERT_EQ(c1.directives.size(), 1u);
    EXPECT_EQ(c1.directives[0].args, (std::vector<std::string>{"a@b", "pw"}));
    ASSERT_EQ(c1.expected.size(), 1u);
    EXPECT_TRUE(c1.expected[0].is_regex);
}

TEST(TranscriptFormat, DirectiveTailKeepsSpaces) {
    auto t = parse_transcript("@expect-stored a@b INBOX Subject: two  spaces\\r\\n\n", "t.txt");
    ASSERT_TRUE(t);
    auto tail = directive_tail(t->connections[0].directives[0], 2);
    ASSERT_TRUE(tail);
    EXPECT_EQ(*tail, "Subject: two  spaces\r\n");
}

TEST(TranscriptFormat, RejectsUnknownLinesWithTheirNumber) {
    auto t = parse_transcript("S: 220 ok\nX: what\n", "bad.txt");
    ASSERT_FALSE(t);
    EXPECT_NE(t.error().message.find("bad.txt:2:"), std::string::npos) << t.error().message;
    EXPECT_FALSE(parse_transcript("S~ ([\n", "bad.txt"));
}

TEST(TranscriptFormat, MatchReportsFirstDifference) {
    auto t = parse_transcript("S: 220 hi\nS~ 250 .*\nS: 221 bye\n", "m.txt");
    ASSERT_TRUE(t);
    const auto& c = t->connections[0];
    EXPECT_FALSE(match_replies(*t, c, "220 hi\r\n250 ok\r\n221 bye\r\n"));
    auto m = match_replies(*t, c, "220 hi\r\n500 no\r\n221 bye\r\n");
    ASSERT_TRUE(m);
    EXPECT_EQ(*m, "m.txt:2: expected /250 .*/, got `500 no`");
    m = match_replies(*t, c, "220 hi\r\n250 ok\r\n");
    ASSERT_TRUE(m);
    EXPECT_NE(m->find("m.txt:3:"), std::string::npos) << *m;
    m = match_replies(*t, c, "220 hi\r\n250 ok\n221 bye\r\n");
    ASSERT_TRUE(m);
    EXPECT_NE(m->find("bare LF"), std::string::npos) << *m;
    m = match_replies(*t, c, "220 hi\r\n250 ok\r\n221 bye\r\n250 extra\r\n");
    ASSERT_TRUE(m);
    EXPECT_NE(m->find("unexpected server output"), std::string::npos) << *m;
}

}  // namespace
}  // namespace tern::testing
