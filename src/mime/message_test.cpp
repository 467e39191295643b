#include "mime/message.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace tern::mime {
namespace {

std::string_view body_of(const Message& m, const Part& p) {
    return m.raw.substr(p.body_offset, p.body_size);
}

TEST(MimeMessage, DefaultsWithoutContentType) {
    std::string raw = "Subject: x\r\n\r\nhello\r\nworld\r\n";
    Message m = parse(raw);
    EXPECT_EQ(m.root.kind, Kind::leaf);
    // RFC 2045 5.2 default.
    EXPECT_EQ(m.root.content_type.type, "text");
    EXPECT_EQ(m.root.content_type.subtype, "plain");
    EXPECT_EQ(*find_param(m.root.content_type.params, "charset"), "us-ascii");
    EXPECT_EQ(m.root.encoding, "7bit");
    EXPECT_EQ(m.root.header_size, 14u);
    EXPECT_EQ(body_of(m, m.root), "hello\r\nworld\r\n");
    EXPECT_EQ(m.root.body_lines, 2u);
}

// RFC 2046 5.1.1: preamble, epilogue, the CRLF before a delimiter belongs to it.
TEST(MimeMessage, MultipartPreambleEpilogueAndDelimiters) {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=\"simple boundary\"\r\n\r\n"
        "This is the preamble.\r\n"
        "--simple boundary\r\n"
        "\r\n"
        "implicitly typed plain US-ASCII text.\r\n"
        "--simple boundary  \r\n"
        "Content-type: text/plain; charset=us-ascii\r\n"
        "\r\n"
        "explicitly typed, ends with a line break.\r\n"
        "\r\n"
        "--simple boundary--\r\n"
        "This is the epilogue.\r\n";
    Message m = parse(raw);
    ASSERT_EQ(m.root.kind, Kind::multipart);
    ASSERT_EQ(m.root.children.size(), 2u);
    EXPECT_EQ(body_of(m, m.root.children[0]), "implicitly typed plain US-ASCII text.");
    EXPECT_EQ(body_of(m, m.root.children[1]), "explicitly typed, ends with a line break.\r\n");
    EXPECT_EQ(m.root.children[1].fields.size(), 1u);
    EXPECT_EQ(m.root.children[0].header_size, 2u);  // just the empty line
    EXPECT_EQ(m.part_count, 3u);
    EXPECT_FALSE(m.limited);
}

TEST(MimeMessage, MissingCloseDelimiterAndBareLf) {
    std::string raw =
        "Content-Type: multipart/alternative; boundary=b\n\n"
        "--b\nContent-Type: text/plain\n\none\n"
        "--b\nContent-Type: text/html\n\n<p>two</p>\n";
    Message m = parse(raw);
    ASSERT_EQ(m.root.children.size(), 2u);
    EXPECT_EQ(body_of(m, m.root.children[0]), "one");
    EXPECT_EQ(body_of(m, m.root.children[1]), "<p>two</p>\n");
    EXPECT_EQ(m.root.children[1].content_type.subtype, "html");
}

TEST(MimeMessage, TrailingOpenDelimiterOpensNoPart) {
    Message m = parse("Content-Type: multipart/mixed; boundary=1\n\n--1\n\nhello\n--1\n");
    ASSERT_EQ(m.root.children.size(), 1u);
    EXPECT_EQ(body_of(m, m.root.children[0]), "hello");
}

// Outer "ab", inner "a": an exact delimiter line beats a prefix match.
TEST(MimeMessage, ExactDelimiterBeatsPrefixMatch) {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=ab\n\n--ab\n"
        "Content-Type: multipart/mixed; boundary=a\n\n--a\n\nbody\n"
        "--ab\nContent-Type: text/html\n\nbody2\n--ab--\n";
    Message m = parse(raw);
    ASSERT_EQ(m.root.children.size(), 2u);
    ASSERT_EQ(m.root.children[0].children.size(), 1u);
    EXPECT_EQ(body_of(m, m.root.children[0].children[0]), "body");
    EXPECT_EQ(m.root.children[1].content_type.subtype, "html");
    // With only junk after it, a line starting with the boundary still delimits (RFC 2046 5.1.1).
    Message j = parse("Content-Type: multipart/mixed; boundary=a\n\n--ab\n\none\n--ac\n\ntwo\n");
    ASSERT_EQ(j.root.children.size(), 2u);
    EXPECT_EQ(body_of(j, j.root.children[1]), "two\n");
}

TEST(MimeMessage, MissingSemicolonBeforeParameters) {
    Message m = parse("Content-Type: multipart/mixed\n\tboundary=\"b\"\n\n--b\n\nx\n--b--\n");
    EXPECT_EQ(m.root.kind, Kind::multipart);
    ASSERT_EQ(m.root.children.size(), 1u);
}

TEST(MimeMessage, SimilarBoundariesAreNotConfused) {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=\"abc\"\r\n\r\n"
        "--abc\r\nContent-Type: multipart/alternative; boundary=\"abcd\"\r\n\r\n"
        "--abcd\r\n\r\ninner one\r\n--abcd\r\n\r\ninner two\r\n--abcd--\r\n"
        "--abc\r\n\r\nouter two\r\n--abc--\r\n";
    Message m = parse(raw);
    ASSERT_EQ(m.root.children.size(), 2u);
    ASSERT_EQ(m.root.children[0].children.size(), 2u);
    EXPECT_EQ(body_of(m, m.root.children[0].children[1]), "inner two");
    EXPECT_EQ(body_of(m, m.root.children[1]), "outer two");
}

TEST(MimeMessage, NestedMultipartWithoutCloseEndsAtOuterDelimiter) {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=o\r\n\r\n"
        "--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\n\r\ninner\r\n"
        "--o\r\n\r\nnext\r\n--o--\r\n";
    Message m = parse(raw);
    ASSERT_EQ(m.root.children.size(), 2u);
    ASSERT_EQ(m.root.children[0].children.size(), 1u);
    EXPECT_EQ(body_of(m, m.root.children[0].children[0]), "inner");
    EXPECT_EQ(body_of(m, m.root.children[1]), "next");
}

// A nested boundary that extends the outer one ("a--" inside "a"): the
// innermost boundary is tried first, as its author meant.
TEST(MimeMessage, InnermostBoundaryWins) {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=\"a--\"\n\n"
        "--a--\nContent-Type: multipart/mixed; boundary=\"a----\"\n\n"
        "--a----\nContent-Type: text/plain\n\nbody\n--a------\n"
        "--a----\n";
    Message m = parse(raw);
    ASSERT_EQ(m.root.kind, Kind::multipart);
    ASSERT_EQ(m.root.children.size(), 1u);
    const Part& inner = m.root.children[0];
    ASSERT_EQ(inner.kind, Kind::multipart);
    ASSERT_EQ(inner.children.size(), 1u);
    EXPECT_EQ(body_of(m, inner.children[0]), "body");
}

TEST(MimeMessage, PartsWithoutEmptyLineEndAtTheDelimiter) {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=b\n\n"
        "--b\nContent-Type: text/html\n--b\nContent-Type: image/png\n--b--\n";
    Message m = parse(raw);
    ASSERT_EQ(m.root.children.size(), 2u);
    EXPECT_EQ(m.root.children[0].content_type.subtype, "html");
    EXPECT_EQ(m.root.children[0].body_size, 0u);
    EXPECT_EQ(m.root.children[1].content_type.subtype, "png");
    EXPECT_EQ(m.root.children[1].fields.size(), 1u);
}

TEST(MimeMessage, MultipartWithoutBoundaryIsText) {
    Message m = parse("Content-Type: multipart/mixed\r\n\r\nbody\r\n");
    EXPECT_EQ(m.root.kind, Kind::leaf);
    EXPECT_EQ(m.root.content_type.type, "text");
    Message n = parse("Content-Type: multipart/mixed; boundary=zz\r\n\r\nno delimiters\r\n");
    EXPECT_EQ(n.root.kind, Kind::leaf);
    EXPECT_EQ(n.root.content_type.subtype, "plain");
}

TEST(MimeMessage, NestedMessageRfc822) {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=x\r\n\r\n"
        "--x\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        "--x\r\nContent-Type: message/rfc822\r\n\r\n"
        "Subject: inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ninner body\r\n"
        "--x--\r\n";
    Message m = parse(raw);
    ASSERT_EQ(m.root.children.size(), 2u);
    const Part& msg = m.root.children[1];
    EXPECT_EQ(msg.kind, Kind::message);
    ASSERT_EQ(msg.children.size(), 1u);
    const Part& inner = msg.children[0];
    EXPECT_EQ(inner.header_offset, msg.body_offset);
    EXPECT_EQ(*find_param(inner.content_type.params, "charset"), "utf-8");
    EXPECT_EQ(body_of(m, inner), "inner body");
    EXPECT_EQ(msg.body_lines, 4u);  // Subject, Content-Type, empty line, body
}

TEST(MimeMessage, DigestDefaultsToMessageRfc822) {
    std::string raw =
        "Content-Type: multipart/digest; boundary=d\r\n\r\n"
        "--d\r\n\r\nSubject: one\r\n\r\nfirst\r\n--d--\r\n";
    Message m = parse(raw);
    ASSERT_EQ(m.root.children.size(), 1u);
    EXPECT_EQ(m.root.children[0].kind, Kind::message);  // RFC 2046 5.1.5
}

TEST(MimeMessage, EncodedMessageRfc822IsALeaf) {
    Message m = parse(
        "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: "
        "base64\r\n\r\nU3ViamVjdDogeA0KDQp5\r\n");
    EXPECT_EQ(m.root.kind, Kind::leaf);
    EXPECT_EQ(m.root.content_type.type, "application");
}

TEST(MimeMessage, TransferEncodingIsNormalised) {
    EXPECT_EQ(parse("Content-Transfer-Encoding: Quoted-Printable;\r\n\r\n").root.encoding,
              "quoted-printable");
    EXPECT_EQ(parse("Content-Transfer-Encoding: \"base64\" (why)\r\n\r\n").root.encoding, "base64");
    EXPECT_EQ(parse("Content-Transfer-Encoding: \r\n\r\n").root.encoding, "7bit");
    EXPECT_EQ(parse("Content-Transfer-Encoding: x-uuencode\r\n\r\n").root.encoding, "x-uuencode");
}

TEST(MimeMessage, EmptyInputAndHeaderOnly) {
    Message e = parse("");
    EXPECT_EQ(e.root.body_size, 0u);
    EXPECT_TRUE(e.root.fields.empty());
    Message h = parse("Subject: only\r\n");
    EXPECT_EQ(h.root.fields.size(), 1u);
    EXPECT_EQ(h.root.body_size, 0u);
    EXPECT_EQ(h.root.body_lines, 0u);
}

TEST(MimeMessage, ExtensionFields) {
    std::string raw =
        "Content-Type: image/png; name=a.png\r\nContent-Transfer-Encoding: BASE64\r\n"
        "Content-ID: <id@x>\r\nContent-Description: a\r\n picture\r\n"
        "Content-Disposition: inline; filename=a.png\r\nContent-Language: en, de\r\n"
        "Content-Location: http://x.test/a.png\r\nContent-MD5: "
        "Q2hlY2sgSW50ZWdyaXR5IQ==\r\n\r\niVBO\r\n";
    Message m = parse(raw);
    EXPECT_EQ(m.root.encoding, "base64");
    EXPECT_EQ(*m.root.id, "<id@x>");
    EXPECT_EQ(*m.root.description, "a picture");
    EXPECT_EQ(m.root.disposition->type, "inline");
    ASSERT_EQ(m.root.languages.size(), 2u);
    EXPECT_EQ(m.root.languages[1], "de");
    EXPECT_EQ(*m.root.location, "http://x.test/a.png");
    EXPECT_EQ(*m.root.md5, "Q2hlY2sgSW50ZWdyaXR5IQ==");
}

// MIME bombs: bounded in parts, depth and time, never a crash.
TEST(MimeMessage, HundredThousandPartsAreBounded) {
    std::string raw = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
    for (int i = 0; i < 100000; ++i)
        raw += "--b\r\n\r\nx\r\n";
    raw += "--b--\r\n";
    auto start = std::chrono::steady_clock::now();
    Message m = parse(raw);
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(m.limited);
    EXPECT_LE(m.part_count, Limits{}.max_parts);
    EXPECT_EQ(m.root.children.size(), Limits{}.max_parts - 1);
    EXPECT_LT(elapsed, std::chrono::seconds(10));
}

// Many header-only parts: each header stops at the next delimiter, so the
// work stays linear in the input.
TEST(MimeMessage, HeaderOnlyPartsAreLinear) {
    std::string raw = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
    for (int i = 0; i < 9000; ++i)
        raw += "--b\r\nContent-Type: text/plain\r\n";
    auto start = std::chrono::steady_clock::now();
    Message m = parse(raw);
    EXPECT_EQ(m.root.children.size(), 9000u);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(MimeMessage, DeepNestingIsBounded) {
    auto start = std::chrono::steady_clock::now();
    std::string raw;
    for (int i = 0; i < 5000; ++i)
        raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" +
               std::to_string(i) + "\r\n";
    raw += "\r\nleaf\r\n";
    Message m = parse(raw);
    EXPECT_TRUE(m.limited);
    std::size_t depth = 0;
    const Part* p = &m.root;
    while (!p->children.empty()) {
        p = &p->children[0];
        ++depth;
    }
    EXPECT_EQ(depth, Limits{}.max_depth);
    EXPECT_EQ(p->content_type.type, "application");

    std::string msgs;
    for (int i = 0; i < 5000; ++i)
        msgs += "Content-Type: message/rfc822\r\n\r\n";
    Message n = parse(msgs);
    EXPECT_TRUE(n.limited);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(MimeMessage, CustomLimits) {
    std::string raw =
        "Content-Type: multipart/mixed; "
        "boundary=b\r\n\r\n--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b\r\n\r\n3\r\n--b--\r\n";
    Limits limits;
    limits.max_parts = 3;
    Message m = parse(raw, limits);
    EXPECT_EQ(m.root.children.size(), 2u);
    EXPECT_TRUE(m.limited);
}

}  // namespace
}  // namespace tern::mime
