#include "mime/header.hpp"

#include <gtest/gtest.h>

namespace tern::mime {
namespace {

TEST(MimeHeader, SplitsFieldsAndBodyWithCrlf) {
    std::string raw = "From: a@b\r\nSubject: hi\r\n there\r\n\r\nbody\r\n";
    HeaderBlock h = parse_header(raw, 0, raw.size());
    ASSERT_EQ(h.fields.size(), 2u);
    EXPECT_EQ(h.fields[0].name, "From");
    EXPECT_EQ(h.fields[0].value, " a@b");
    EXPECT_EQ(h.fields[1].name, "Subject");
    EXPECT_EQ(h.fields[1].value, " hi\r\n there");
    EXPECT_EQ(h.fields[1].offset, 11u);
    EXPECT_EQ(h.fields[1].size, 21u);
    EXPECT_EQ(h.size, 34u);
    EXPECT_EQ(raw.substr(h.body_offset), "body\r\n");
}

// RFC 5322 2.2.3: unfolding removes the line break, keeps the whitespace.
TEST(MimeHeader, UnfoldsContinuationLines) {
    EXPECT_EQ(unfold(" hi\r\n there\n\tagain"), " hi there\tagain");
    EXPECT_EQ(field_text("  hi\r\n there  "), "hi there");
}

TEST(MimeHeader, BareLfIsTolerated) {
    std::string raw = "To: x@y\nX-A: 1\n\nline\n";
    HeaderBlock h = parse_header(raw, 0, raw.size());
    ASSERT_EQ(h.fields.size(), 2u);
    EXPECT_EQ(h.fields[1].value, " 1");
    EXPECT_EQ(h.size, 16u);
    EXPECT_EQ(raw.substr(h.body_offset), "line\n");
}

TEST(MimeHeader, NoHeadersAndNoBody) {
    std::string no_headers = "\r\njust a body";
    HeaderBlock h = parse_header(no_headers, 0, no_headers.size());
    EXPECT_TRUE(h.fields.empty());
    EXPECT_EQ(h.body_offset, 2u);

    std::string no_body = "Subject: x\r\n";
    h = parse_header(no_body, 0, no_body.size());
    ASSERT_EQ(h.fields.size(), 1u);
    EXPECT_EQ(h.body_offset, no_body.size());
    EXPECT_EQ(h.size, no_body.size());
}

TEST(MimeHeader, SkipsLinesThatAreNotFieldsAndToleratesSpaceBeforeColon) {
    std::string raw = "From someone Sat Jan 1\nSubject : x\n: empty name\nbad line\nTo:y\n\n";
    HeaderBlock h = parse_header(raw, 0, raw.size());
    ASSERT_EQ(h.fields.size(), 2u);
    EXPECT_EQ(h.fields[0].name, "Subject");  // RFC 5322 4.5.2
    EXPECT_EQ(h.fields[1].name, "To");
    EXPECT_NE(find_field(h.fields, "TO"), nullptr);
    EXPECT_EQ(find_field(h.fields, "Cc"), nullptr);
}

TEST(MimeHeader, FieldLimitIsReported) {
    std::string raw;
    for (int i = 0; i < 50; ++i)
        raw += "X: " + std::to_string(i) + "\n";
    HeaderBlock h = parse_header(raw + "\n", 0, raw.size() + 1, 10);
    EXPECT_EQ(h.fields.size(), 10u);
    EXPECT_TRUE(h.truncated);
}

}  // namespace
}  // namespace tern::mime
