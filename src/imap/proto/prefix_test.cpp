// Every valid command cut at every length (STYLE.md 3): each prefix parses
// or fails with Errc::invalid and a reason; never a crash (ASan and UBSan
// watch). Also every valid command, framed on the wire, comes through the
// reader one byte at a time and parses to the same command.
#include <gtest/gtest.h>

#include "imap/proto/command.hpp"
#include "imap/proto/reader.hpp"
#include "imap/proto/test_cases.hpp"

namespace tern::imap {
namespace {

TEST(CommandPrefixes, EveryPrefixParsesOrFailsCleanly) {
    for (bool utf8 : {false, true}) {
        ParseOptions options;
        options.utf8 = utf8;
        for (const auto& c : test::valid_commands()) {
            for (std::size_t n = 0; n <= c.text.size(); ++n) {
                const std::string prefix = c.text.substr(0, n);
                auto r = parse_command(prefix, options);
                if (r) continue;
                EXPECT_EQ(r.error().code, Errc::invalid) << prefix;
                EXPECT_FALSE(r.error().message.empty()) << prefix;
                EXPECT_LT(r.error().message.size(), 200u) << prefix;
            }
        }
    }
}

TEST(CommandPrefixes, ValidCommandsSurviveTheReaderByteByByte) {
    for (const auto& c : test::valid_commands()) {
        CommandReader reader;
        const std::string wire = c.text + "\r\n";
        std::size_t continuations = 0;
        std::optional<ReaderItem> item;
        for (char ch : wire) {
            ASSERT_FALSE(item) << c.text;
            reader.feed(std::string_view(&ch, 1));
            if (reader.take_continuation()) ++continuations;
            item = reader.next();
        }
        ASSERT_TRUE(item) << c.text;
        const auto* raw = std::get_if<RawCommand>(&*item);
        ASSERT_NE(raw, nullptr) << c.text;
        EXPECT_EQ(raw->text, c.text);
        // One "+" per synchronizing literal ("{n}" or "~{n}", not "{n+}").
        std::size_t sync = 0;
        for (std::size_t p = c.text.find("}\r\n"); p != std::string::npos;
             p = c.text.find("}\r\n", p + 1)) {
            if (c.text[p - 1] != '+') ++sync;
        }
        EXPECT_EQ(continuations, sync) << c.text;
        auto cmd = parse_command(raw->text);
        ASSERT_TRUE(cmd) << c.text;
        EXPECT_EQ(cmd->name, c.name);
    }
}

}  // namespace
}  // namespace tern::imap
