#include "mime/decode.hpp"

#include <gtest/gtest.h>

namespace tern::mime {
namespace {

TEST(MimeDecode, Base64IsLenient) {
    EXPECT_EQ(decode_base64("Zm9v\r\nYmFy"), "foobar");
    // RFC 2045 6.8: characters outside the alphabet are ignored.
    EXPECT_EQ(decode_base64("Zm9v!!Ym*Fy\n"), "foobar");
    EXPECT_EQ(decode_base64("Zg=="), "f");
    EXPECT_EQ(decode_base64("Zm8="), "fo");
    EXPECT_EQ(decode_base64("Zm8=garbage after padding"), "fo");
    EXPECT_EQ(decode_base64("Zm9"), "fo");  // truncated: whole bytes only
    EXPECT_EQ(decode_base64(""), "");
}

TEST(MimeDecode, QuotedPrintable) {
    // RFC 2045 6.7 rules 1, 2, 5.
    EXPECT_EQ(decode_quoted_printable("caf=E9 =3D ok\r\n"), "caf\xE9 = ok\r\n");
    EXPECT_EQ(decode_quoted_printable("soft=\r\nbreak"), "softbreak");
    EXPECT_EQ(decode_quoted_printable("soft=  \nbreak\n"), "softbreak\n");
    // Rule 3: transport-added trailing whitespace is deleted.
    EXPECT_EQ(decode_quoted_printable("trailing   \r\nx"), "trailing\r\nx");
    // Lowercase hex is tolerated; malformed sequences stay literal.
    EXPECT_EQ(decode_quoted_printable("=e9=ZZ=4"), "\xE9=ZZ=4");
}

TEST(MimeDecode, DecodeBodyByEncoding) {
    EXPECT_EQ(*decode_body("BASE64", "aGk="), "hi");
    EXPECT_EQ(*decode_body("Quoted-Printable", "h=69"), "hi");
    EXPECT_EQ(*decode_body("8bit", "h\xE9"), "h\xE9");
    EXPECT_EQ(*decode_body("", "x"), "x");
    auto bad = decode_body("x-uuencode", "x");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, Errc::invalid);
}

TEST(MimeDecode, CountLines) {
    EXPECT_EQ(count_lines(""), 0u);
    EXPECT_EQ(count_lines("a"), 1u);
    EXPECT_EQ(count_lines("a\r\n"), 1u);
    EXPECT_EQ(count_lines("a\r\nb"), 2u);
    EXPECT_EQ(count_lines("\n\n"), 2u);
}

}  // namespace
}  // namespace tern::mime
