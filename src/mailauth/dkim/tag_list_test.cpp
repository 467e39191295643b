// Tag-list parser (RFC 6376 3.2): well-formed lists, folding, and hostile
// input that must be rejected without a crash.
#include "mailauth/dkim/tag_list.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::dkim {
namespace {

TEST(DkimTagList, ParsesTagsWithWhitespaceAndFolding) {
    auto list = parse_tag_list(" v=1;\r\n\ta = rsa-sha256 ; b=ab\r\n cd; empty=;");
    ASSERT_TRUE(list.ok()) << list.error().message;
    ASSERT_EQ(list->tags.size(), 4u);
    EXPECT_EQ(list->find("v")->value, "1");
    EXPECT_EQ(list->find("a")->value, "rsa-sha256");
    EXPECT_EQ(list->find("b")->value, "ab\r\n cd");
    EXPECT_EQ(list->find("empty")->value, "");
    EXPECT_EQ(list->find("zz"), nullptr);
}

TEST(DkimTagList, RecordsValueSpans) {
    const std::string text = "a=1; b= xyz ;c=2";
    auto list = parse_tag_list(text);
    ASSERT_TRUE(list.ok());
    const Tag* b = list->find("b");
    EXPECT_EQ(text.substr(b->value_begin, b->value_end - b->value_begin), "xyz");
}

TEST(DkimTagList, TagNamesAreCaseSensitive) {
    auto list = parse_tag_list("A=1; a=2");
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list->find("A")->value, "1");
    EXPECT_EQ(list->find("a")->value, "2");
}

TEST(DkimTagList, RejectsHostileInput) {
    for (const char* bad : {"a=1; a=2", "=1", "1a=2", "a", "a=1;b", "a=\x01", "a=b\r\nc",
                            "a=1 ;; b=2", "a b=1", "a=\xff", "a=1\r\n", "-a=1", "a=1;\n"}) {
        auto list = parse_tag_list(bad);
        EXPECT_FALSE(list.ok()) << "accepted: " << bad;
        if (!list.ok()) {
            EXPECT_EQ(list.error().code, Errc::invalid);
        }
    }
}

TEST(DkimTagList, AcceptsEmptyAndTrailingSemicolon) {
    EXPECT_TRUE(parse_tag_list("").ok());
    EXPECT_TRUE(parse_tag_list("  ").ok());
    EXPECT_TRUE(parse_tag_list("a=1;").ok());
    EXPECT_TRUE(parse_tag_list("a=1; ").ok());
}

TEST(DkimTagList, ColonListsAndFwsStripping) {
    EXPECT_EQ(split_colon_list("From : To:\r\n\tSubject"),
              (std::vector<std::string>{"From", "To", "Subject"}));
    EXPECT_EQ(split_colon_list(" a b :c"), (std::vector<std::string>{"a b", "c"}));
    EXPECT_EQ(strip_fws("ab \r\n\tc d"), "abcd");
}

}  // namespace
}  // namespace tern::mailauth::dkim
