#include "mime/address.hpp"

#include <gtest/gtest.h>

namespace tern::mime {
namespace {

using K = Address::Kind;

TEST(MimeAddress, NameAddrAndAddrSpec) {
    auto l = parse_address_list(
        "\"Joe Q. Public\" <john.q.public@example.com>, Mary Smith <mary@x.test>, jdoe@one.test");
    ASSERT_EQ(l.size(), 3u);
    EXPECT_EQ(*l[0].name, "Joe Q. Public");
    EXPECT_EQ(l[0].mailbox, "john.q.public");
    EXPECT_EQ(l[0].host, "example.com");
    EXPECT_EQ(*l[1].name, "Mary Smith");
    EXPECT_FALSE(l[2].name.has_value());
    EXPECT_EQ(l[2].mailbox, "jdoe");
    EXPECT_EQ(l[2].host, "one.test");
}

// RFC 5322 A.1.3: group addresses.
TEST(MimeAddress, Groups) {
    auto l = parse_address_list(
        "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, Undisclosed "
        "recipients:;");
    ASSERT_EQ(l.size(), 7u);
    EXPECT_EQ(l[0].kind, K::group_start);
    EXPECT_EQ(*l[0].name, "A Group");
    EXPECT_EQ(l[1].mailbox, "c");
    EXPECT_EQ(l[3].host, "one.test");
    EXPECT_EQ(l[4].kind, K::group_end);
    EXPECT_EQ(l[5].kind, K::group_start);
    EXPECT_EQ(*l[5].name, "Undisclosed recipients");
    EXPECT_EQ(l[6].kind, K::group_end);
}

// RFC 5322 A.5 and A.6.3: comments and obsolete forms.
TEST(MimeAddress, CommentsAndObsoleteForms) {
    auto l = parse_address_list("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(*l[0].name, "Pete");
    EXPECT_EQ(l[0].mailbox, "pete");
    EXPECT_EQ(l[0].host, "silly.test");

    l = parse_address_list(
        "Joe Q. Public <john . q . public @ example . com>, ,, <@route1,@route2:jdoe@one.test>");
    ASSERT_EQ(l.size(), 2u);
    EXPECT_EQ(l[0].mailbox, "john.q.public");
    EXPECT_EQ(l[0].host, "example.com");
    EXPECT_FALSE(l[1].name.has_value());
    EXPECT_EQ(*l[1].route, "@route1,@route2");
    EXPECT_EQ(l[1].mailbox, "jdoe");
}

TEST(MimeAddress, QuotedLocalPartAndDomainLiteral) {
    auto l = parse_address_list("\"john doe\"@[192.0.2.1]");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].mailbox, "\"john doe\"");
    EXPECT_EQ(l[0].host, "[192.0.2.1]");
}

TEST(MimeAddress, BrokenInputNeverFails) {
    auto l = parse_address_list("undisclosed-recipients");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].mailbox, "undisclosed-recipients");
    EXPECT_EQ(l[0].host, "");
    l = parse_address_list("Group: a@b");  // missing ';'
    ASSERT_EQ(l.size(), 3u);
    EXPECT_EQ(l[2].kind, K::group_end);
    EXPECT_TRUE(parse_address_list("").empty());
    EXPECT_TRUE(parse_address_list("<>").empty());
    l = parse_address_list("\"unterminated <a@b>");
    ASSERT_EQ(l.size(), 1u);
}

TEST(MimeAddress, EncodedWordNameDecodes) {
    auto l = parse_address_list("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(*l[0].name, "=?ISO-8859-1?Q?Andr=E9?= Pirard");  // ENVELOPE keeps it raw
    EXPECT_EQ(decoded_name(l[0]), "Andr\xC3\xA9 Pirard");
}

}  // namespace
}  // namespace tern::mime
