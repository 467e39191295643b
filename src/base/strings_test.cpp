#include "base/strings.hpp"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(Strings, CaseInsensitiveCompareIsAsciiOnly) {
    EXPECT_TRUE(iequals("EHLO", "ehlo"));
    EXPECT_FALSE(iequals("EHLO", "EHL"));
    EXPECT_FALSE(iequals("\xc3\x89", "\xc3\xa9"));  // É vs é: not ASCII, not folded
    EXPECT_TRUE(istarts_with("MAIL FROM:<a@b>", "mail from:"));
    EXPECT_FALSE(istarts_with("MAIL", "MAIL FROM"));
}

TEST(Strings, TrimAndSplit) {
    EXPECT_EQ(trim(" \t a b \t"), "a b");
    EXPECT_EQ(trim("   "), "");
    auto parts = split("a,,b", ',');
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[1], "");
    EXPECT_EQ(parts[2], "b");
}

// RFC 4648 10: the test vectors.
TEST(Strings, Base64Rfc4648Vectors) {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (auto [plain, encoded] : vectors) {
        EXPECT_EQ(base64_encode(plain), encoded);
        std::string out;
        ASSERT_TRUE(base64_decode(encoded, out)) << encoded;
        EXPECT_EQ(out, plain);
    }
}

TEST(Strings, Base64RejectsMalformedInput) {
    std::string out;
    EXPECT_FALSE(base64_decode("Zm9", out));       // not a multiple of 4
    EXPECT_FALSE(base64_decode("Zm=v", out));      // padding in the middle
    EXPECT_FALSE(base64_decode("Z===", out));      // too much padding
    EXPECT_FALSE(base64_decode("Zm9v\r\n", out));  // whitespace
    EXPECT_FALSE(base64_decode("Zm9vYg==Zm9v", out));
    EXPECT_TRUE(base64_decode(base64_encode(std::string("\0\xff\x80", 3)), out));
    EXPECT_EQ(out, std::string("\0\xff\x80", 3));
}

}  // namespace
}  // namespace tern

#include "base/time.hpp"

namespace tern {
namespace {

TEST(Time, Rfc5322DateInUtc) {
    EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
    EXPECT_EQ(rfc5322_date(1796070652), "Mon, 30 Nov 2026 20:30:52 +0000");
}

}  // namespace
}  // namespace tern

#include "base/random_id.hpp"

namespace tern {
namespace {

TEST(RandomId, LengthAlphabetAndVariety) {
    std::string a = random_id(12, kQueueIdAlphabet);
    std::string b = random_id(12, kQueueIdAlphabet);
    EXPECT_EQ(a.size(), 12u);
    EXPECT_NE(a, b);
    for (char c : a)
        EXPECT_NE(kQueueIdAlphabet.find(c), std::string_view::npos) << c;
    for (char c : random_id(12, kSessionIdAlphabet))
        EXPECT_NE(kSessionIdAlphabet.find(c), std::string_view::npos) << c;
}

}  // namespace
}  // namespace tern
