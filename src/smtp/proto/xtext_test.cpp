#include "smtp/proto/xtext.hpp"

#include <gtest/gtest.h>

namespace tern::smtp {
namespace {

TEST(Xtext, DecodesPerRfc3461) {
    struct Case {
        std::string in;
        std::string out;
    };
    const std::vector<Case> cases = {
        {"", ""},
        {"plain", "plain"},
        {"QQ314159+2B1", "QQ314159+1"},
        {"a+3Db", "a=b"},
        {"+20", " "},
        {"+2b", "+"},  // lower-case hex accepted on input
        {"+00", std::string(1, '\0')},
        {"+FF", "\xFF"},
        {"<>", "<>"},
    };
    for (const auto& c : cases) {
        auto r = xtext_decode(c.in);
        ASSERT_TRUE(r.ok()) << c.in;
        EXPECT_EQ(*r, c.out) << c.in;
    }
}

TEST(Xtext, RejectsMalformed) {
    for (const std::string& bad :
         std::vector<std::string>{"+", "+2", "a+G0", "+0G", "a=b", "a b", "\x7F", "caf\xC3\xA9",
                                  std::string("a\0b", 3)}) {
        EXPECT_FALSE(xtext_decode(bad).ok()) << bad;
    }
}

TEST(Xtext, EncodeRoundTrips) {
    EXPECT_EQ(xtext_encode("a+b=c d"), "a+2Bb+3Dc+20d");
    const std::string all = [] {
        std::string s;
        for (int i = 0; i < 256; ++i)
            s += static_cast<char>(i);
        return s;
    }();
    auto back = xtext_decode(xtext_encode(all));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, all);
}

}  // namespace
}  // namespace tern::smtp
