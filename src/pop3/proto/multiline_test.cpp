// The multi-line encoder (RFC 1939 3), crlf_size and top_part. Every case is
// also fed in pieces of every size from one octet up, and must give the same
// bytes: a message is streamed in chunks.
#include <gtest/gtest.h>

#include "pop3/proto/multiline.hpp"

namespace tern::pop3 {
namespace {

std::string encode_in_pieces(std::string_view message, std::size_t piece) {
    MultilineEncoder enc;
    std::string out;
    for (std::size_t pos = 0; pos < message.size(); pos += piece)
        enc.encode(message.substr(pos, piece), out);
    enc.finish(out);
    return out;
}

struct Case {
    std::string message;
    std::string wire;
};

const std::vector<Case>& cases() {
    static const std::vector<Case> c = {
        {"", ".\r\n"},
        {"a\r\n", "a\r\n.\r\n"},
        {"a", "a\r\n.\r\n"},                           // no final CRLF: one is added
        {".\r\n", "..\r\n.\r\n"},                      // RFC 1939 3: stuffed
        {"a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n"},  // a lone "." line cannot end the response
        {"..x\r\n", "...x\r\n.\r\n"},
        {"x.\r\n.", "x.\r\n..\r\n.\r\n"},
        {"a\nb\n", "a\r\nb\r\n.\r\n"},  // bare LF becomes CRLF
        {"a\n.\n", "a\r\n..\r\n.\r\n"},
        {"\n\n", "\r\n\r\n.\r\n"},
        {"a\rb\r\n", "a\rb\r\n.\r\n"},  // a bare CR is content
        {"a\r", "a\r\n.\r\n"},          // ends in CR: only the LF is added
        {"\r.\r\n", "\r.\r\n.\r\n"},    // "." after a bare CR does not start a line
        {"Subject: x\r\n\r\n.hidden\r\nbody", "Subject: x\r\n\r\n..hidden\r\nbody\r\n.\r\n"},
    };
    return c;
}

TEST(Pop3Multiline, WireForm) {
    for (const auto& c : cases()) {
        for (std::size_t piece = 1; piece <= c.message.size() + 1; ++piece)
            EXPECT_EQ(encode_in_pieces(c.message, piece), c.wire) << "piece " << piece;
    }
}

TEST(Pop3Multiline, EncoderIsReusableAfterFinish) {
    MultilineEncoder enc;
    std::string out;
    enc.encode("a", out);
    enc.finish(out);
    enc.encode(".b\r\n", out);
    enc.finish(out);
    EXPECT_EQ(out, "a\r\n.\r\n..b\r\n.\r\n");
}

TEST(Pop3Multiline, CrlfSizeCountsBareLfTwice) {
    EXPECT_EQ(crlf_size(""), 0u);
    EXPECT_EQ(crlf_size("a\r\nb\r\n"), 6u);
    EXPECT_EQ(crlf_size("a\nb\n"), 6u);
    EXPECT_EQ(crlf_size("\n"), 2u);
    EXPECT_EQ(crlf_size("a\r\rb"), 4u);
    for (const auto& c : cases()) {
        // The wire form without stuffing and terminator has exactly this size
        // when the message ends in a line end.
        if (!c.message.empty() && c.message.back() == '\n' &&
            c.message.find('.') == std::string::npos) {
            EXPECT_EQ(crlf_size(c.message) + 3, c.wire.size()) << c.message;
        }
    }
}

TEST(Pop3Multiline, TopPart) {
    const std::string m = "From: a\r\nSubject: s\r\n\r\nline1\r\nline2\r\nline3\r\n";
    EXPECT_EQ(top_part(m, 0), "From: a\r\nSubject: s\r\n\r\n");
    EXPECT_EQ(top_part(m, 1), "From: a\r\nSubject: s\r\n\r\nline1\r\n");
    EXPECT_EQ(top_part(m, 2), "From: a\r\nSubject: s\r\n\r\nline1\r\nline2\r\n");
    EXPECT_EQ(top_part(m, 3), m);
    EXPECT_EQ(top_part(m, 1000), m);
    EXPECT_EQ(top_part("A: b\nC: d\n\nx\ny\n", 1), "A: b\nC: d\n\nx\n");  // bare LF messages
    EXPECT_EQ(top_part("A: b\r\n", 0), "A: b\r\n");                       // header only
    EXPECT_EQ(top_part("A: b", 5), "A: b");
    EXPECT_EQ(top_part("A: b\r\n\r\nno end", 0), "A: b\r\n\r\n");
    EXPECT_EQ(top_part("A: b\r\n\r\nno end", 1), "A: b\r\n\r\nno end");
    EXPECT_EQ(top_part("", 3), "");
}

}  // namespace
}  // namespace tern::pop3
