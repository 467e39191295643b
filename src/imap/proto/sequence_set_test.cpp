// Sequence sets (RFC 9051 9) and dates (RFC 9051 9 date, date-time).
#include "imap/proto/sequence_set.hpp"

#include <gtest/gtest.h>

#include "imap/proto/datetime.hpp"

namespace tern::imap {
namespace {

TEST(SequenceSet, ValidForms) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"1", "1"},
        {"1:*", "1:*"},
        {"*", "*"},
        {"*:4", "*:4"},
        {"5,3:4", "5,3:4"},
        {"2,4:7,9,12:*", "2,4:7,9,12:*"},
        {"4294967295", "4294967295"},
        {"$", "$"},
    };
    for (const auto& [in, out] : cases) {
        auto s = parse_sequence_set(in);
        ASSERT_TRUE(s) << in << ": " << s.error().message;
        EXPECT_EQ(s->to_string(), out);
    }
}

TEST(SequenceSet, InvalidForms) {
    for (const char* in : {"",
                           "0",
                           "0:5",
                           "1:0",
                           "1,",
                           ",1",
                           "1,,2",
                           "1:",
                           ":1",
                           "1:2:3",
                           "a",
                           "4294967296",
                           "99999999999999999999",
                           "$,1",
                           "1,$",
                           "$$",
                           "1 2",
                           "-1",
                           "**",
                           "007"}) {
        EXPECT_FALSE(parse_sequence_set(in)) << in;
    }
}

TEST(SequenceSet, ContainsResolvesStarAndReversedRanges) {
    auto s = parse_sequence_set("2,4:7,12:*");
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->contains(1, 20));
    EXPECT_TRUE(s->contains(2, 20));
    EXPECT_FALSE(s->contains(3, 20));
    EXPECT_TRUE(s->contains(6, 20));
    EXPECT_TRUE(s->contains(20, 20));
    EXPECT_FALSE(s->contains(21, 20));
    // RFC 9051 9: "*:4" with 3 messages means 3:4 (only 3 exists).
    auto r = parse_sequence_set("*:4");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->contains(3, 3));
    EXPECT_FALSE(r->contains(2, 3));
    auto rev = parse_sequence_set("7:5");
    ASSERT_TRUE(rev);
    EXPECT_TRUE(rev->contains(6, 10));
}

TEST(Dates, DateForms) {
    EXPECT_EQ(*parse_date("1-Feb-1994"), (Date{1994, 2, 1}));
    EXPECT_EQ(*parse_date("31-dec-2000"), (Date{2000, 12, 31}));
    EXPECT_EQ(*parse_date("29-Feb-2000"), (Date{2000, 2, 29}));
    for (const char* bad :
         {"", "1-Feb", "0-Feb-1994", "30-Feb-2000", "29-Feb-1900", "1-Fev-1994", "1-Feb-94",
          "123-Feb-1994", "1 Feb 1994", "1-Feb-1994x", "a-Feb-1994"}) {
        EXPECT_FALSE(parse_date(bad)) << bad;
    }
}

TEST(Dates, DateTimeForms) {
    auto a = parse_date_time(" 7-Feb-1994 21:52:25 -0800");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->date, (Date{1994, 2, 7}));
    EXPECT_EQ(a->hour, 21);
    EXPECT_EQ(a->minute, 52);
    EXPECT_EQ(a->second, 25);
    EXPECT_EQ(a->zone_minutes, -480);
    EXPECT_EQ(format_date_time(*a), "\" 7-Feb-1994 21:52:25 -0800\"");
    auto b = parse_date_time("17-Jul-1996 02:44:25 +0530");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->zone_minutes, 330);
    EXPECT_EQ(format_date_time(*b), "\"17-Jul-1996 02:44:25 +0530\"");
    for (const char* bad :
         {"7-Feb-1994 21:52:25 -0800", "07-Feb-1994 24:00:00 +0000", "07-Feb-1994 21:60:00 +0000",
          "07-Feb-1994 21:52:25 0800", "07-Feb-1994 21:52:25 +0860", "07-Feb-1994T21:52:25 +0000",
          "07-Feb-1994 21:52 +0000"}) {
        EXPECT_FALSE(parse_date_time(bad)) << bad;
    }
}

}  // namespace
}  // namespace tern::imap
