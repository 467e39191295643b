#include "smtp/proto/reply.hpp"

#include <gtest/gtest.h>

namespace tern::smtp {
namespace {

TEST(Reply, SingleLine) {
    EXPECT_EQ(reply(250, "2.1.0", "Sender OK"), "250 2.1.0 Sender OK\r\n");
    EXPECT_EQ(reply(354, "", "Start mail input"), "354 Start mail input\r\n");
    EXPECT_EQ(reply(250, "", ""), "250\r\n");
    EXPECT_EQ(reply(221, "2.0.0", ""), "221 2.0.0\r\n");
    EXPECT_EQ(reply(SyntaxError{500, "5.5.2", "Command unrecognized"}),
              "500 5.5.2 Command unrecognized\r\n");
}

TEST(Reply, MultiLine) {
    // RFC 5321 4.2.1
    EXPECT_EQ(reply_lines(250, "", {"mail.example.com", "PIPELINING", "SIZE 1000"}),
              "250-mail.example.com\r\n250-PIPELINING\r\n250 SIZE 1000\r\n");
    EXPECT_EQ(reply_lines(214, "2.0.0", {"a", "b"}), "214-2.0.0 a\r\n214 2.0.0 b\r\n");
    EXPECT_EQ(reply_lines(250, "", {"only"}), "250 only\r\n");
    EXPECT_EQ(reply_lines(250, "", {}), "250\r\n");
    EXPECT_EQ(reply_lines(250, "", {"", "end"}), "250-\r\n250 end\r\n");
}

TEST(Reply, TextCannotInjectLines) {
    EXPECT_EQ(reply(550, "5.7.1", "evil\r\n250 OK"), "550 5.7.1 evil  250 OK\r\n");
    EXPECT_EQ(reply(550, "", std::string("a\0b\x1b\x7F", 5)), "550 a b  \r\n");
    EXPECT_EQ(reply(550, "", "tab\there"), "550 tab\there\r\n");
    EXPECT_EQ(reply_lines(250, "", {"a\nb", "c"}), "250-a b\r\n250 c\r\n");
}

TEST(Reply, Utf8KeptInvalidBytesReplaced) {
    EXPECT_EQ(reply(250, "2.1.5", "<pelé@example.com> OK"), "250 2.1.5 <pelé@example.com> OK\r\n");
    EXPECT_EQ(reply(250, "", "bad\xFF\xC3"), "250 bad??\r\n");
}

TEST(Reply, LinesAreCappedAt512WithCrlf) {
    const std::string r = reply(250, "2.0.0", std::string(1000, 'x'));
    EXPECT_EQ(r.size(), 512u);
    EXPECT_EQ(r.substr(0, 10), "250 2.0.0 ");
    EXPECT_EQ(r.substr(510), "\r\n");
    // Exactly fitting text is not cut.
    const std::string fits = std::string(506, 'y');
    EXPECT_EQ(reply(250, "", fits), "250 " + fits + "\r\n");
    // A multi-octet character is never split at the cut.
    const std::string r2 = reply(250, "", std::string(505, 'z') + "é");
    EXPECT_EQ(r2, "250 " + std::string(505, 'z') + "\r\n");
    const std::string lines = reply_lines(250, "", {std::string(600, 'a'), "b"});
    EXPECT_EQ(lines.find("\r\n"), 510u);
}

}  // namespace
}  // namespace tern::smtp
