// Modified UTF-7 (RFC 3501 5.1.3): the RFC's examples, round trips and
// every kind of invalid encoding.
#include "imap/proto/mutf7.hpp"

#include <gtest/gtest.h>

namespace tern::imap {
namespace {

TEST(ModifiedUtf7, Rfc3501Examples) {
    // RFC 3501 5.1.3: "~peter/mail/&U,BTFw-/&ZeVnLIqe-" is
    // "~peter/mail/台北/日本語".
    const std::string utf8 =
        "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
    EXPECT_EQ(*mutf7_decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-"), utf8);
    EXPECT_EQ(*mutf7_encode(utf8), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    // RFC 3501 5.1.3: "&Jjo!" is illegal (unterminated), "&Jjo-!" is "☺!".
    EXPECT_FALSE(mutf7_decode("&Jjo!"));
    EXPECT_EQ(*mutf7_decode("&Jjo-!"), "\xe2\x98\xba!");
    // RFC 3501 5.1.3: "&U,BTFw-&ZeVnLIqe-" is illegal: adjacent shifts.
    EXPECT_FALSE(mutf7_decode("&U,BTFw-&ZeVnLIqe-"));
    EXPECT_EQ(*mutf7_encode("\xe5\x8f\xb0\xe5\x8c\x97\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"),
              "&U,BTF2XlZyyKng-");
}

TEST(ModifiedUtf7, AmpersandAndAscii) {
    EXPECT_EQ(*mutf7_decode("&-"), "&");
    EXPECT_EQ(*mutf7_decode("Tom &- Jerry"), "Tom & Jerry");
    EXPECT_EQ(*mutf7_encode("Tom & Jerry"), "Tom &- Jerry");
    EXPECT_EQ(*mutf7_encode("plain/INBOX.x"), "plain/INBOX.x");
    EXPECT_EQ(*mutf7_decode(""), "");
    // "&-" between two shifts is the ampersand, not an adjacent shift.
    EXPECT_EQ(*mutf7_decode("&AOk-&-&AOk-"), "\xc3\xa9&\xc3\xa9");
}

TEST(ModifiedUtf7, RoundTrips) {
    const std::vector<std::string> names = {
        "caf\xc3\xa9",            // é (2-byte UTF-8)
        "\xe2\x82\xac uro",       // € (3-byte)
        "\xf0\x9f\x93\xa7 Mail",  // 📧 (surrogate pair)
        "a\xc3\xa9\xc3\xa9\xc3\xa9"
        "b",  // lengths that end on every padding
        "\xc3\xa9",
        "\xc3\xa9\xc3\xa9",
        "\xc3\xa9\xc3\xa9\xc3\xa9",
        "x&y\xc3\xa9&",
        "tab\there",  // control characters travel base64-encoded
    };
    for (const auto& n : names) {
        auto enc = mutf7_encode(n);
        ASSERT_TRUE(enc) << n;
        for (char c : *enc) {
            EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << *enc;
        }
        auto dec = mutf7_decode(*enc);
        ASSERT_TRUE(dec) << *enc << ": " << dec.error().message;
        EXPECT_EQ(*dec, n);
    }
}

TEST(ModifiedUtf7, InvalidEncodings) {
    for (const char* bad : {
             "&",            // unterminated
             "&AOk",         // unterminated
             "&AO/k-",       // "/" is not in the modified alphabet
             "&AOk=-",       // no padding characters
             "&AGE-",        // "a" (printable ASCII) must not be encoded
             "&AOl-",        // non-zero padding bits
             "&AOkA-",       // an odd number of octets (bits left over)
             "&2D0-",        // lone high surrogate
             "&3gA-",        // lone low surrogate
             "&2D3YPQ-",     // high surrogate followed by high surrogate
             "caf\xc3\xa9",  // raw 8-bit
             "a\tb",         // control character
         }) {
        EXPECT_FALSE(mutf7_decode(bad)) << bad;
    }
    EXPECT_FALSE(mutf7_encode("\xc3"));
    EXPECT_FALSE(mutf7_encode("\xed\xa0\x80"));  // encoded surrogate
    EXPECT_FALSE(mutf7_encode("\xc0\xaf"));      // overlong "/"
}

TEST(Utf8, Validity) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("ascii"));
    EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
    EXPECT_FALSE(is_valid_utf8("\x80"));
    EXPECT_FALSE(is_valid_utf8("\xff"));
}

}  // namespace
}  // namespace tern::imap
