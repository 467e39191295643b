#include "mime/section.hpp"

#include <gtest/gtest.h>

namespace tern::mime {
namespace {

const std::string kRaw =
    "From: a@b.test\r\n"
    "Subject: s\r\n"
    "Content-Type: multipart/mixed; boundary=x\r\n"
    "\r\n"
    "--x\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "first\r\n"
    "--x\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Subject: inner\r\n"
    "To: c@d.test\r\n"
    "Content-Type: multipart/alternative; boundary=y\r\n"
    "\r\n"
    "--y\r\n"
    "\r\n"
    "alt one\r\n"
    "--y\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "aGVsbG8=\r\n"
    "--y--\r\n"
    "--x\r\n"
    "Content-Type: application/x-odd\r\n"
    "Content-Transfer-Encoding: x-uuencode\r\n"
    "\r\n"
    "begin\r\n"
    "--x--\r\n";

std::string fetch(const Message& m, std::string_view section) {
    auto spec = parse_section(section);
    if (!spec) return "<bad: " + spec.error().message + ">";
    auto bytes = section_bytes(m, *spec);
    if (!bytes) return "<error: " + bytes.error().message + ">";
    return *bytes;
}

TEST(MimeSection, ParseSectionSyntax) {
    auto s = parse_section("1.2.HEADER.FIELDS (From \"To\")");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->path, (std::vector<std::size_t>{1, 2}));
    EXPECT_EQ(s->text, SectionSpec::Text::header_fields);
    EXPECT_EQ(s->fields, (std::vector<std::string>{"From", "To"}));
    EXPECT_EQ(parse_section("header.fields.not (x)")->text, SectionSpec::Text::header_fields_not);
    EXPECT_TRUE(parse_section("")->path.empty());
    for (const char* bad : {"0", "1.", "MIME", "1.FOO", "HEADER.FIELDS ()", "HEADER.FIELDS (a",
                            "HEADER.FIELDS a", "1..2", "99999999999"})
        EXPECT_FALSE(parse_section(bad).ok()) << bad;
}

// RFC 9051 6.4.5: the worked part numbering.
TEST(MimeSection, PartNumbersHeaderTextAndMime) {
    Message m = parse(kRaw);
    EXPECT_EQ(fetch(m, ""), kRaw);
    EXPECT_EQ(fetch(m, "HEADER"), kRaw.substr(0, kRaw.find("\r\n\r\n") + 4));
    EXPECT_EQ(fetch(m, "TEXT"), kRaw.substr(kRaw.find("\r\n\r\n") + 4));
    EXPECT_EQ(fetch(m, "1"), "first");
    EXPECT_EQ(fetch(m, "1.MIME"), "Content-Type: text/plain\r\n\r\n");
    EXPECT_EQ(fetch(m, "2.MIME"), "Content-Type: message/rfc822\r\n\r\n");
    std::string inner = fetch(m, "2");
    EXPECT_EQ(inner.substr(0, 16), "Subject: inner\r\n");
    EXPECT_EQ(inner.substr(inner.size() - 5), "--y--");
    EXPECT_EQ(fetch(m, "2.HEADER").substr(0, 16), "Subject: inner\r\n");
    EXPECT_EQ(fetch(m, "2.HEADER.FIELDS (to)"), "To: c@d.test\r\n\r\n");
    EXPECT_EQ(fetch(m, "2.1"), "alt one");
    EXPECT_EQ(fetch(m, "2.2"), "aGVsbG8=");
    EXPECT_EQ(fetch(m, "2.2.MIME"), "Content-Transfer-Encoding: base64\r\n\r\n");
    EXPECT_EQ(fetch(m, "2.TEXT").substr(0, 5), "--y\r\n");
    EXPECT_EQ(fetch(m, "HEADER.FIELDS (SUBJECT from)"), "From: a@b.test\r\nSubject: s\r\n\r\n");
    EXPECT_EQ(fetch(m, "HEADER.FIELDS.NOT (Content-Type Subject)"), "From: a@b.test\r\n\r\n");
    EXPECT_EQ(fetch(m, "HEADER.FIELDS (X-None)"), "\r\n");
}

TEST(MimeSection, ErrorsForMissingPartsAndNonMessageText) {
    Message m = parse(kRaw);
    auto missing = section_range(m, *parse_section("4"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::not_found);
    EXPECT_FALSE(section_range(m, *parse_section("2.3")).ok());
    auto text_of_leaf = section_range(m, *parse_section("1.TEXT"));
    ASSERT_FALSE(text_of_leaf.ok());
    EXPECT_EQ(text_of_leaf.error().code, Errc::invalid);
}

TEST(MimeSection, NonMultipartMessageHasPartOne) {
    Message m = parse("Subject: x\r\n\r\nbody");
    EXPECT_EQ(fetch(m, "1"), "body");
    EXPECT_EQ(fetch(m, "TEXT"), "body");
    EXPECT_FALSE(section_range(m, *parse_section("2")).ok());
}

// RFC 3516: BINARY[n] gives the decoded content, or UNKNOWN-CTE.
TEST(MimeSection, BinaryDecodesContent) {
    Message m = parse(kRaw);
    EXPECT_EQ(*binary_section(m, {2, 2}), "hello");
    EXPECT_EQ(*binary_section(m, {1}), "first");
    auto odd = binary_section(m, {3});
    ASSERT_FALSE(odd.ok());
    EXPECT_EQ(odd.error().message, "UNKNOWN-CTE");
}

}  // namespace
}  // namespace tern::mime
