#include "mime/content_type.hpp"

#include <gtest/gtest.h>

namespace tern::mime {
namespace {

TEST(MimeContentType, TypeSubtypeAndParameters) {
    auto ct = parse_content_type(" Text/HTML ; Charset=\"UTF-8\" (comment); format=flowed");
    EXPECT_TRUE(ct.valid);
    EXPECT_EQ(ct.type, "text");
    EXPECT_EQ(ct.subtype, "html");
    ASSERT_EQ(ct.params.size(), 2u);
    EXPECT_EQ(ct.params[0].name, "charset");
    EXPECT_EQ(ct.params[0].value, "UTF-8");
    EXPECT_EQ(*find_param(ct.params, "format"), "flowed");
}

TEST(MimeContentType, QuotedValuesWithEscapesAndFolding) {
    auto ct = parse_content_type("multipart/mixed;\r\n boundary=\"a\\\"b;c\"");
    ASSERT_NE(find_param(ct.params, "boundary"), nullptr);
    EXPECT_EQ(*find_param(ct.params, "boundary"), "a\"b;c");
}

TEST(MimeContentType, InvalidTypeIsReported) {
    EXPECT_FALSE(parse_content_type("text").valid);
    EXPECT_FALSE(parse_content_type("").valid);
    EXPECT_FALSE(parse_content_type("/plain").valid);
}

// RFC 2231 3: parameter value continuations.
TEST(MimeContentType, Rfc2231Continuations) {
    auto ct = parse_content_type(
        "message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n "
        "URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
    EXPECT_EQ(*find_param(ct.params, "url"),
              "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
}

// RFC 2231 4: charset and language information, and 4.1 combined with continuations.
TEST(MimeContentType, Rfc2231CharsetAndContinuations) {
    auto a = parse_params(" title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].name, "title");
    EXPECT_EQ(a[0].value, "This is ***fun***");
    auto b = parse_params(
        " title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n "
        "title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n title*2=\"isn't it!\"");
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].value, "This is even more ***fun*** isn't it!");
}

TEST(MimeContentType, Rfc2231ConvertsToUtf8AndSortsSections) {
    auto p = parse_params(" filename*1*=%E9.txt; filename*0*=iso-8859-1''caf");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].value, "caf\xC3\xA9.txt");
}

TEST(MimeContentType, FirstOccurrenceWinsAndNamesAreLowercase) {
    auto p = parse_params(" NAME=a; name=b; junk; =x; x=");
    ASSERT_GE(p.size(), 1u);
    EXPECT_EQ(p[0].name, "name");
    EXPECT_EQ(p[0].value, "a");
}

TEST(MimeContentType, UnquotedValueWithSpacesIsKept) {
    auto p = parse_params(" name=my file.pdf");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].value, "my file.pdf");
}

TEST(MimeContentType, Disposition) {
    auto d = parse_disposition(" Attachment; filename=\"a b.pdf\"; size=10");
    EXPECT_EQ(d.type, "attachment");
    EXPECT_EQ(*find_param(d.params, "filename"), "a b.pdf");
    EXPECT_EQ(*find_param(d.params, "size"), "10");
}

}  // namespace
}  // namespace tern::mime
