// The wire form of a message: its end, dot-stuffing and address safety.
#include "smtp/client/message_body.hpp"

#include <gtest/gtest.h>

namespace tern::smtp::client {
namespace {

std::string whole(std::string_view message) {
    BodyParts b = body_parts(message);
    return std::string(b.content) + std::string(b.tail);
}

TEST(MessageBody, EndIsMadeCrlf) {
    EXPECT_EQ(whole("a\r\nb\r\n"), "a\r\nb\r\n");
    EXPECT_EQ(whole("a\r\nb"), "a\r\nb\r\n");
    EXPECT_EQ(whole("a\r\nb\n"), "a\r\nb\r\n");  // a final bare LF becomes CRLF
    EXPECT_EQ(whole("a\nb\r\n"), "a\nb\r\n");    // inner bare LFs are left alone
    EXPECT_EQ(whole(""), "");
    EXPECT_EQ(body_parts("abc").size(), 5u);
}

TEST(MessageBody, DotStuffingDoublesLeadingDots) {
    std::string out;
    bool start = true;
    dot_stuff_append(".first\r\nmid.dle\r\n.\r\n..two\r\n", start, out);
    EXPECT_EQ(out, "..first\r\nmid.dle\r\n..\r\n...two\r\n");
    EXPECT_TRUE(start);
}

TEST(MessageBody, DotStuffingCarriesStateAcrossPieces) {
    std::string out;
    bool start = true;
    dot_stuff_append("abc\r\n", start, out);
    dot_stuff_append(".x", start, out);
    dot_stuff_append(".y\n", start, out);  // a '.' mid-line stays single
    dot_stuff_append(".z", start, out);    // after a bare LF it is doubled
    EXPECT_EQ(out, "abc\r\n..x.y\n..z");
    EXPECT_FALSE(start);
}

TEST(MessageBody, SafePathRejectsInjection) {
    EXPECT_TRUE(safe_path("user@example.org"));
    EXPECT_TRUE(safe_path(""));
    EXPECT_TRUE(safe_path("\"john doe\"@example.org"));
    EXPECT_TRUE(safe_path("j\xC3\xB6rg@example.org"));
    EXPECT_FALSE(safe_path("a@b>\r\nRCPT TO:<c@d"));
    EXPECT_FALSE(safe_path("a@b\n"));
    EXPECT_FALSE(safe_path(std::string("a\0b", 3)));
    EXPECT_FALSE(safe_path("a<b@c"));
}

}  // namespace
}  // namespace tern::smtp::client
