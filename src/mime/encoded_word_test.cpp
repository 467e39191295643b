#include "mime/encoded_word.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "mime/charset.hpp"

namespace tern::mime {
namespace {

// RFC 2047 8: the examples of encoded-words in comments and their display.
TEST(MimeEncodedWord, Rfc2047Section8Examples) {
    const std::pair<const char*, const char*> cases[] = {
        {"(=?ISO-8859-1?Q?a?=)", "(a)"},
        {"(=?ISO-8859-1?Q?a?= b)", "(a b)"},
        {"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"},
        {"(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"},
        {"(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"},
        {"(=?ISO-8859-1?Q?a_b?=)", "(a b)"},
        {"(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"},
    };
    for (const auto& [in, out] : cases)
        EXPECT_EQ(decode_header_text(in), out) << in;
}

// RFC 2047 8: the header examples.
TEST(MimeEncodedWord, Rfc2047Section8Headers) {
    EXPECT_EQ(decode_header_text("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"),
              "Keith Moore <moore@cs.utk.edu>");
    EXPECT_EQ(decode_header_text("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>"),
              "Keld J\xC3\xB8rn Simonsen <keld@dkuug.dk>");
    EXPECT_EQ(decode_header_text("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>"),
              "Andr\xC3\xA9 Pirard <PIRARD@vm1.ulg.ac.be>");
    EXPECT_EQ(decode_header_text("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
                                 "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="),
              "If you can read this you understand the example.");
    EXPECT_EQ(decode_header_text("=?ISO-8859-1?Q?Olle_J=E4rnefors?= <ojarnef@admin.kth.se>"),
              "Olle J\xC3\xA4rnefors <ojarnef@admin.kth.se>");
    EXPECT_EQ(decode_header_text("Nathaniel Borenstein <nsb@thumper.bellcore.com>\r\n"
                                 "    (=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)"),
              "Nathaniel Borenstein <nsb@thumper.bellcore.com>    ("
              "\xD7\x9D\xD7\x95\xD7\x9C\xD7\xA9 \xD7\x9F\xD7\x91 "
              "\xD7\x99\xD7\x9C\xD7\x98\xD7\xA4\xD7\xA0)");
}

TEST(MimeEncodedWord, MultibyteCharacterSplitAcrossWords) {
    // "é" in UTF-8 is C3 A9; each word carries one byte.
    EXPECT_EQ(decode_header_text("=?utf-8?Q?caf=C3?= =?utf-8?Q?=A9?="), "caf\xC3\xA9");
    EXPECT_EQ(decode_header_text("=?UTF-8?B?w6k=?="), "\xC3\xA9");
}

TEST(MimeEncodedWord, UnknownCharsetKeepsBytes) {
    EXPECT_EQ(decode_header_text("=?x-unknown-charset?Q?abc=41?="), "abcA");
    bool known = true;
    EXPECT_EQ(to_utf8("x-unknown-charset", "raw\xFF", &known), "raw\xFF");
    EXPECT_FALSE(known);
}

TEST(MimeEncodedWord, LanguageSuffixAndMalformedWords) {
    // RFC 2231 5: charset*language.
    EXPECT_EQ(decode_header_text("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
    EXPECT_EQ(decode_header_text("=?utf-8?X?abc?="), "=?utf-8?X?abc?=");
    EXPECT_EQ(decode_header_text("=?utf-8?Q?no end"), "=?utf-8?Q?no end");
    EXPECT_EQ(decode_header_text("plain text"), "plain text");
    EXPECT_EQ(decode_header_text("a =?utf-8?q?b?= c"), "a b c");
}

// A hostile header full of encoded-word openers must not take quadratic time.
TEST(MimeEncodedWord, ManyOpenersAreLinear) {
    std::string text;
    for (int i = 0; i < 100000; ++i)
        text += "=?a?q?x";
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(decode_header_text(text), text);
    std::string spaced;
    for (int i = 0; i < 100000; ++i)
        spaced += "=?a?q?x ";
    EXPECT_EQ(decode_header_text(spaced + "?="), spaced + "?=");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(MimeCharset, ConvertsLegacyCharsets) {
    EXPECT_EQ(to_utf8("ISO-8859-1", "\xE9"), "\xC3\xA9");
    EXPECT_EQ(to_utf8("windows-1252", "\x80"), "\xE2\x82\xAC");
    // ISO-2022-JP "\x1b$B$3\x1b(B" is HIRAGANA KO.
    EXPECT_EQ(to_utf8("iso-2022-jp", "\x1b$B$3\x1b(B"), "\xE3\x81\x93");
    EXPECT_EQ(to_utf8("ks_c_5601-1987", "\xB0\xA1"), "\xEA\xB0\x80");
    // Invalid input becomes U+FFFD, never an error.
    EXPECT_EQ(to_utf8("shift_jis", "a\x81"), "a\xEF\xBF\xBD");
}

}  // namespace
}  // namespace tern::mime
