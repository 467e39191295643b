#include "base/gzip.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tern {
namespace {

TEST(Gzip, RoundTrips) {
    for (std::string data : {std::string(), std::string("hello"), std::string(300000, 'x')}) {
        std::string packed = gzip(data);
        ASSERT_GE(packed.size(), 18u);  // RFC 1952 2.3: 10-byte header, 8-byte trailer
        EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);
        EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
        auto back = gunzip(packed, 1 << 20);
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(*back, data);
    }
}

TEST(Gzip, BadInputIsAnError) {
    std::string packed = gzip(std::string(10000, 'a') + "tail");
    auto cut = gunzip(packed.substr(0, packed.size() / 2), 1 << 20);
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.error().code, Errc::invalid);
    auto junk = gunzip("not gzip at all", 1 << 20);
    ASSERT_FALSE(junk.ok());
    EXPECT_EQ(junk.error().code, Errc::invalid);
}

TEST(Gzip, ExpansionStopsAtTheLimit) {
    std::string bomb = gzip(std::string(5'000'000, '\0'));
    EXPECT_LT(bomb.size(), 20000u);
    auto r = gunzip(bomb, 100000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::limit);
}

}  // namespace
}  // namespace tern
