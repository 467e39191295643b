#include "base/log.hpp"

#include <gtest/gtest.h>

namespace tern::log {
namespace {

TEST(Log, OneKeyValueLinePerEvent) {
    std::string out;
    capture_for_tests(&out);
    init(Level::info);
    info("smtp.connect").kv("sid", "a1").kv("port", 25).kv("tls", true);
    debug("hidden").kv("x", 1);
    capture_for_tests(nullptr);
    EXPECT_EQ(out, "event=smtp.connect sid=a1 port=25 tls=yes\n");
}

TEST(Log, ClientInputCannotForgeLinesOrKeys) {
    std::string line;
    append_value(line, "evil\r\nevent=fake x=\"y\"");
    EXPECT_EQ(line, "\"evil\\x0d\\x0aevent=fake x=\\\"y\\\"\"");
    std::string empty;
    append_value(empty, "");
    EXPECT_EQ(empty, "\"\"");
}

TEST(Log, ParseLevel) {
    EXPECT_EQ(parse_level("debug", Level::info), Level::debug);
    EXPECT_EQ(parse_level("nonsense", Level::warn), Level::warn);
}

}  // namespace
}  // namespace tern::log
