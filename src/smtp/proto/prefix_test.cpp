// Every valid command fed one byte of prefix at a time (STYLE.md 3): each
// prefix must come back as a Command or as an error that maps to a
// well-formed reply, never a crash (the suite runs under ASan and UBSan).
#include <gtest/gtest.h>

#include "smtp/proto/command.hpp"
#include "smtp/proto/reply.hpp"
#include "smtp/proto/test_cases.hpp"

namespace tern::smtp {
namespace {

TEST(CommandPrefixes, EveryPrefixGivesACommandOrAReply) {
    for (bool utf8 : {false, true}) {
        ParseOptions options;
        options.smtputf8_allowed_in_addresses = utf8;
        for (const auto& c : test::valid_lines()) {
            for (std::size_t n = 0; n <= c.line.size(); ++n) {
                const std::string prefix = c.line.substr(0, n);
                auto r = parse_command(prefix, options);
                if (r) continue;
                const SyntaxError e = to_syntax_error(r.error());
                EXPECT_TRUE(e.code == 500 || e.code == 501 || e.code == 553 || e.code == 555)
                    << "prefix '" << prefix << "' gave " << e.code;
                const std::string line = reply(e);
                EXPECT_LE(line.size(), 512u);
                EXPECT_EQ(line.substr(line.size() - 2), "\r\n");
            }
        }
    }
}

TEST(CommandPrefixes, FullLinesAndTheirPrefixesThatAreCommandsKeepTheVerb) {
    // A prefix that parses must be the same verb (or a shorter valid verb
    // never arises: no verb is a prefix of another).
    for (const auto& c : test::valid_lines()) {
        for (std::size_t n = 4; n <= c.line.size(); ++n) {
            auto r = parse_command(c.line.substr(0, n));
            if (r) {
                EXPECT_EQ(r->verb, c.verb) << c.line.substr(0, n);
            }
        }
    }
}

}  // namespace
}  // namespace tern::smtp
