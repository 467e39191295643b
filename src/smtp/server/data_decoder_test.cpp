#include "smtp/server/data_decoder.hpp"

#include <gtest/gtest.h>

namespace tern::smtp {
namespace {

// Feeds `input` split into lines at each LF, as net::LineReader does; returns
// the content and how many lines were left after the end of data.
std::pair<std::string, int> decode(const std::string& input, uint64_t max = 1 << 20) {
    DataDecoder d(max);
    std::size_t pos = 0;
    bool ended = false;
    int after = 0;
    while (pos < input.size()) {
        std::size_t lf = input.find('\n', pos);
        std::size_t next = lf == std::string::npos ? input.size() : lf + 1;
        std::string_view line(input.data() + pos, next - pos);
        if (ended)
            ++after;
        else
            ended = d.feed_line(line);
        pos = next;
    }
    return {ended ? d.content() : "<not ended>", after};
}

TEST(DataDecoder, EndsOnCrLfDotCrLfAndUnstuffs) {
    auto [content, after] = decode("a\r\n..b\r\n.\r\nMAIL FROM:<x@y>\r\n");
    EXPECT_EQ(content, "a\r\n.b\r\n");
    EXPECT_EQ(after, 1);
}

// The SMTP smuggling family: none of these end the data.
TEST(DataDecoder, SmugglingSequencesAreContent) {
    for (const char* seq : {"\n.\n", "\n.\r\n", "\r.\r\n", "\r\n.\n", "\r\n.\r"}) {
        std::string input = std::string("a") + seq + "MAIL FROM:<evil@x>\r\n.\r\n";
        auto [content, after] = decode(input);
        EXPECT_NE(content, "<not ended>") << "sequence " << ::testing::PrintToString(seq);
        EXPECT_NE(content.find("MAIL FROM:<evil@x>"), std::string::npos)
            << "sequence " << ::testing::PrintToString(seq);
        EXPECT_EQ(after, 0);
    }
}

TEST(DataDecoder, EmptyMessage) {
    auto [content, after] = decode(".\r\n");
    EXPECT_EQ(content, "");
    EXPECT_EQ(after, 0);
}

TEST(DataDecoder, TooBigKeepsReadingToTheEnd) {
    DataDecoder d(10);
    EXPECT_FALSE(d.feed_line("0123456789\r\n"));
    EXPECT_TRUE(d.too_big());
    EXPECT_FALSE(d.feed_line("more\r\n"));
    EXPECT_TRUE(d.feed_line(".\r\n"));
    EXPECT_TRUE(d.content().empty());
}

}  // namespace
}  // namespace tern::smtp
