// CommandReader: framing, every literal kind, limits, and the same byte
// stream fed in every chunking (STYLE.md 3).
#include "imap/proto/reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace std::string_literals;

namespace tern::imap {
namespace {

// One line per item: "C <text>" for a command, "E <kind> <tag|-> [close]"
// for an error, so whole sequences compare at once.
std::string describe(const ReaderItem& item) {
    if (const auto* c = std::get_if<RawCommand>(&item)) return "C " + c->text;
    const auto& e = std::get<ReadError>(item);
    static const char* kinds[] = {"line_too_long", "literal_too_big", "nonsync_too_big"};
    std::string out =
        std::string("E ") + kinds[static_cast<int>(e.kind)] + " " + e.tag.value_or("-");
    if (e.close_connection) out += " close";
    return out;
}

std::vector<std::string> drain(CommandReader& r) {
    std::vector<std::string> out;
    while (auto item = r.next())
        out.push_back(describe(*item));
    return out;
}

std::vector<std::string> feed_chunks(const std::vector<std::string_view>& chunks,
                                     ReaderLimits limits = {}) {
    CommandReader r(limits);
    std::vector<std::string> out;
    for (auto c : chunks) {
        r.feed(c);
        for (auto& s : drain(r))
            out.push_back(s);
    }
    return out;
}

TEST(CommandReader, SplitsPipelinedCommands) {
    CommandReader r;
    r.feed("a1 NOOP\r\na2 CAPABILITY\r\na3 LOG");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"C a1 NOOP", "C a2 CAPABILITY"}));
    r.feed("OUT\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"C a3 LOGOUT"}));
    EXPECT_EQ(r.buffered(), 0u);
}

TEST(CommandReader, AcceptsBareLf) {
    CommandReader r;
    r.feed("a1 NOOP\na2 LOGIN {1+}\nx y\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"C a1 NOOP", "C a2 LOGIN {1+}\r\nx y"}));
}

TEST(CommandReader, SynchronizingLiteralAsksForContinuationOnce) {
    CommandReader r;
    r.feed("a LOGIN {5}\r\n");
    EXPECT_TRUE(drain(r).empty());
    EXPECT_TRUE(r.needs_continuation());
    EXPECT_TRUE(r.take_continuation());
    EXPECT_FALSE(r.take_continuation());
    r.feed("alice {6}\r\n");
    EXPECT_TRUE(r.needs_continuation());
    EXPECT_TRUE(r.take_continuation());
    r.feed("secret\r\n");
    EXPECT_FALSE(r.needs_continuation());
    CommandReader r2;
    r2.feed("a LOGIN {5}\r\nalice {6}\r\nsecret\r\n");
    EXPECT_FALSE(r2.take_continuation());  // the client did not wait: nothing owed
    auto item = r2.next();
    ASSERT_TRUE(item);
    const auto& cmd = std::get<RawCommand>(*item);
    EXPECT_EQ(cmd.text, "a LOGIN {5}\r\nalice {6}\r\nsecret");
    EXPECT_EQ(cmd.literals, 2u);
    auto item1 = r.next();
    ASSERT_TRUE(item1);
    EXPECT_EQ(std::get<RawCommand>(*item1).text, cmd.text);
}

TEST(CommandReader, NonSynchronizingLiteralNeedsNoContinuation) {
    CommandReader r;
    r.feed("a LOGIN {5+}\r\n");
    EXPECT_FALSE(r.needs_continuation());
    EXPECT_FALSE(r.take_continuation());
    r.feed("al\r\n");  // CRLF inside a literal is data
    r.feed("i ");
    r.feed("pw\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"C a LOGIN {5+}\r\nal\r\ni pw"}));
}

TEST(CommandReader, BinaryLiteralKeepsNulAndCrLf) {
    const std::string body("a\0b\r\n{3}\r\n", 11);
    const std::string stream = "t APPEND x ~{11+}\r\n" + body + "\r\n";
    CommandReader r;
    r.feed(stream);
    auto item = r.next();
    ASSERT_TRUE(item);
    EXPECT_EQ(std::get<RawCommand>(*item).text, "t APPEND x ~{11+}\r\n" + body);
    CommandReader s;
    s.feed("t APPEND x ~{2}\r\n");
    EXPECT_TRUE(s.take_continuation());
}

TEST(CommandReader, ZeroLengthSynchronizingLiteral) {
    CommandReader r;
    r.feed("a LOGIN {0}\r\n");
    EXPECT_TRUE(r.take_continuation());
    EXPECT_TRUE(r.needs_continuation());
    r.feed(" pw\r\n");
    EXPECT_FALSE(r.needs_continuation());
    EXPECT_EQ(drain(r), (std::vector<std::string>{"C a LOGIN {0}\r\n pw"}));
}

TEST(CommandReader, BracesNotAtLineEndAreNotLiterals) {
    CommandReader r;
    r.feed("a SEARCH SUBJECT {x}\r\nb LOGIN u {3}x\r\nc NOOP {}\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"C a SEARCH SUBJECT {x}", "C b LOGIN u {3}x",
                                                  "C c NOOP {}"}));
}

TEST(CommandReader, OverLongLineIsRejectedAndTheSessionGoesOn) {
    ReaderLimits limits;
    limits.max_line_length = 20;
    CommandReader r(limits);
    r.feed("tag1 SEARCH " + std::string(30, 'x'));
    EXPECT_EQ(drain(r), (std::vector<std::string>{"E line_too_long tag1"}));
    r.feed(std::string(100, 'y') + "\r\nt2 NOOP\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"C t2 NOOP"}));
    r.feed(std::string(40, '(') + "\r\nt3 NOOP\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"E line_too_long -", "C t3 NOOP"}));
}

TEST(CommandReader, LineAtTheLimitWithCrAndLfInSeparateChunks) {
    ReaderLimits limits;
    limits.max_line_length = 10;
    CommandReader r(limits);
    r.feed("a NOOP xyz\r");  // 10 octets and the CR: not yet over the limit
    EXPECT_TRUE(drain(r).empty());
    r.feed("\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"C a NOOP xyz"}));
    r.feed("b NOOP xyzw\r");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"E line_too_long b"}));
}

TEST(CommandReader, OverLongLineEndingInNonSyncLiteralSkipsTheLiteral) {
    ReaderLimits limits;
    limits.max_line_length = 20;
    CommandReader r(limits);
    r.feed("t1 APPEND " + std::string(30, 'x') + " {5+}\r\nt9 NO\r\nt2 NOOP\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"E line_too_long t1", "C t2 NOOP"}));
}

TEST(CommandReader, OverSizeSynchronizingLiteralIsRefusedUnread) {
    ReaderLimits limits;
    limits.max_literal_size = 10;
    CommandReader r(limits);
    r.feed("a APPEND box {11}\r\nb NOOP\r\n");
    EXPECT_FALSE(r.take_continuation());
    EXPECT_EQ(drain(r), (std::vector<std::string>{"E literal_too_big a", "C b NOOP"}));
    r.feed("c APPEND box {10}\r\n");
    EXPECT_TRUE(r.take_continuation());
    r.feed("0123456789\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"C c APPEND box {10}\r\n0123456789"}));
    r.feed("d APPEND box {99999999999999999999999}\r\ne NOOP\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"E literal_too_big d", "C e NOOP"}));
}

TEST(CommandReader, OverSizeNonSyncLiteralIsReadAndDiscarded) {
    ReaderLimits limits;
    limits.max_literal_size = 10;
    CommandReader r(limits);
    r.feed("a APPEND box {12+}\r\nb NOOP\r\nxx c\r\nd NOOP\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"E literal_too_big a", "C d NOOP"}));
    // The rest of the rejected command may carry more literals: skipped too.
    r.feed("e APPEND box {12+}\r\n123456789012 (\\Seen) {3+}\r\nabc\r\nf NOOP\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"E literal_too_big e", "C f NOOP"}));
}

TEST(CommandReader, NonSyncLiteralBeyondTheDiscardLimitClosesTheConnection) {
    ReaderLimits limits;
    limits.max_literal_size = 10;
    limits.max_discard_size = 100;
    CommandReader r(limits);
    r.feed("a APPEND box {101+}\r\nb NOOP\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"E literal_too_big a close"}));
    EXPECT_TRUE(r.closed());
    r.feed("c NOOP\r\n");
    EXPECT_FALSE(r.next());
}

TEST(CommandReader, LiteralMinusLimitsNonSyncLiterals) {
    // RFC 7888 4: up to 4096 octets is fine; 4097 is BAD [TOOBIG].
    ReaderLimits limits;
    limits.literal_minus = true;
    CommandReader r(limits);
    r.feed("a APPEND box {4096+}\r\n" + std::string(4096, 'm') + "\r\n");
    auto item = r.next();
    ASSERT_TRUE(item);
    EXPECT_TRUE(std::holds_alternative<RawCommand>(*item));
    r.feed("b APPEND box {4097+}\r\n" + std::string(4097, 'm') + "\r\nc NOOP\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"E nonsync_too_big b", "C c NOOP"}));
    r.feed("d APPEND box {5000}\r\n");  // synchronizing literals are not limited by LITERAL-
    EXPECT_TRUE(r.take_continuation());
}

TEST(CommandReader, CommandSizeLimitCountsEveryPart) {
    ReaderLimits limits;
    limits.max_literal_size = 100;
    limits.max_command_size = 50;
    CommandReader r(limits);
    r.feed("a APPEND box {20+}\r\n" + std::string(20, 'z') + " {20+}\r\n" + std::string(20, 'z') +
           "\r\nb NOOP\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"E literal_too_big a", "C b NOOP"}));
}

TEST(CommandReader, SessionCanRefuseTheAwaitedLiteral) {
    CommandReader r;
    r.feed("a7 APPEND box {500000}\r\n");
    EXPECT_TRUE(r.needs_continuation());
    EXPECT_EQ(r.reject_continuation(), std::optional<std::string>("a7"));
    EXPECT_FALSE(r.needs_continuation());
    EXPECT_FALSE(r.reject_continuation());
    r.feed("a8 NOOP\r\n");
    EXPECT_EQ(drain(r), (std::vector<std::string>{"C a8 NOOP"}));
}

// The same stream, split at every pair of points, gives the same items.
TEST(CommandReader, EveryChunkingGivesTheSameCommands) {
    ReaderLimits limits;
    limits.max_line_length = 40;
    limits.max_literal_size = 16;
    const std::string stream =
        "a NOOP\r\nb LOGIN {3}\r\nbob ~{4+}\r\np\0s\n\r\n"
        "c APPEND x {17+}\r\n01234567890123456\r\n"
        "d FETCH 1:* (BODY[HEADER.FIELDS (FROM TO SUBJECT DATE CC BCC)])\r\n"
        "e APPEND x {99}\r\nf NOOP\n"s;
    const std::vector<std::string> expected = feed_chunks({stream}, limits);
    ASSERT_EQ(expected,
              (std::vector<std::string>{
                  "C a NOOP", std::string("C b LOGIN {3}\r\nbob ~{4+}\r\np\0s\n", 30),
                  "E literal_too_big c", "E line_too_long d", "E literal_too_big e", "C f NOOP"}));
    for (std::size_t i = 0; i <= stream.size(); ++i) {
        for (std::size_t j = i; j <= stream.size(); ++j) {
            const std::string_view s(stream);
            ASSERT_EQ(feed_chunks({s.substr(0, i), s.substr(i, j - i), s.substr(j)}, limits),
                      expected)
                << "split at " << i << "," << j;
        }
    }
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < stream.size(); ++i)
        bytes.push_back(std::string_view(stream).substr(i, 1));
    EXPECT_EQ(feed_chunks(bytes, limits), expected);
}

}  // namespace
}  // namespace tern::imap
