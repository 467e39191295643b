// The POP3 command parser, table-driven (STYLE.md 3): valid lines with what
// they must parse to, invalid lines with the error text, and every prefix of
// every valid line fed one octet at a time.
#include <gtest/gtest.h>

#include "pop3/proto/command.hpp"

namespace tern::pop3 {
namespace {

struct Valid {
    std::string line;
    Verb verb;
    std::string argument = {};
    std::optional<uint32_t> message = std::nullopt;
    uint64_t lines = 0;
    std::string mechanism = {};
    std::optional<std::string> initial = std::nullopt;
};

const std::vector<Valid>& valid_lines() {
    static const std::vector<Valid> v = {
        {"USER alice@example.com", Verb::user, "alice@example.com"},
        {"user bob", Verb::user, "bob"},
        {"PASS secret", Verb::pass, "secret"},
        {"PASS two words  and more ", Verb::pass, "two words  and more "},
        {"pass  leading", Verb::pass, " leading"},
        {"APOP mrose c4c9334bac560ecc979e58001b3e22fb", Verb::apop,
         "mrose c4c9334bac560ecc979e58001b3e22fb"},
        {"QUIT", Verb::quit},
        {"quit", Verb::quit},
        {"STAT", Verb::stat},
        {"StAt", Verb::stat},
        {"LIST", Verb::list},
        {"LIST ", Verb::list},
        {"LIST 1", Verb::list, "", 1},
        {"list 0042", Verb::list, "", 42},
        {"LIST 4294967295", Verb::list, "", 4294967295u},
        {"RETR 7", Verb::retr, "", 7},
        {"RETR  7", Verb::retr, "", 7},
        {"DELE 3", Verb::dele, "", 3},
        {"NOOP", Verb::noop},
        {"RSET", Verb::rset},
        {"TOP 1 0", Verb::top, "", 1, 0},
        {"top 2 10", Verb::top, "", 2, 10},
        {"TOP 2 18446744073709551615", Verb::top, "", 2, 18446744073709551615ull},
        {"UIDL", Verb::uidl},
        {"UIDL 9", Verb::uidl, "", 9},
        {"CAPA", Verb::capa},
        {"STLS", Verb::stls},
        {"AUTH", Verb::auth},
        {"AUTH PLAIN", Verb::auth, "", std::nullopt, 0, "PLAIN"},
        {"auth login", Verb::auth, "", std::nullopt, 0, "LOGIN"},
        {"AUTH PLAIN AGFsaWNlAHNlY3JldA==", Verb::auth, "", std::nullopt, 0, "PLAIN",
         "AGFsaWNlAHNlY3JldA=="},
        {"AUTH PLAIN =", Verb::auth, "", std::nullopt, 0, "PLAIN", "="},
        {"AUTH SCRAM-SHA-256", Verb::auth, "", std::nullopt, 0, "SCRAM-SHA-256"},
    };
    return v;
}

TEST(Pop3Command, ValidLines) {
    for (const auto& c : valid_lines()) {
        auto r = parse_command(c.line);
        ASSERT_TRUE(r.ok()) << c.line << ": " << r.error().message;
        EXPECT_EQ(r->verb, c.verb) << c.line;
        EXPECT_EQ(r->argument, c.argument) << c.line;
        EXPECT_EQ(r->message, c.message) << c.line;
        EXPECT_EQ(r->lines, c.lines) << c.line;
        EXPECT_EQ(r->auth_mechanism, c.mechanism) << c.line;
        EXPECT_EQ(r->auth_initial_response, c.initial) << c.line;
    }
}

struct Invalid {
    std::string line;
    std::string error;
};

TEST(Pop3Command, InvalidLines) {
    const std::vector<Invalid> cases = {
        {"", "empty command"},
        {" STAT", "empty command"},
        {"HELO x", "unknown command"},
        {"STA", "unknown command"},
        {"STATS", "unknown command"},
        {"RETRX 1", "unknown command"},
        {"STAT 1", "too many arguments"},
        {"QUIT now", "too many arguments"},
        {"CAPA x", "too many arguments"},
        {"STLS x", "too many arguments"},
        {"NOOP x", "too many arguments"},
        {"RSET x", "too many arguments"},
        {"RETR", "missing argument"},
        {"DELE", "missing argument"},
        {"RETR 0", "invalid message number"},
        {"RETR -1", "invalid message number"},
        {"RETR +1", "invalid message number"},
        {"RETR 1x", "invalid message number"},
        {"RETR 4294967296", "invalid message number"},
        {"LIST 99999999999999999999", "invalid message number"},
        {"RETR 1 2", "too many arguments"},
        {"LIST 1 2", "too many arguments"},
        {"UIDL 0", "invalid message number"},
        {"TOP 1", "missing argument"},
        {"TOP", "missing argument"},
        {"TOP 0 1", "invalid message number"},
        {"TOP 1 -1", "invalid line count"},
        {"TOP 1 x", "invalid line count"},
        {"TOP 1 18446744073709551616", "invalid line count"},
        {"TOP 1 2 3", "too many arguments"},
        {"USER", "missing argument"},
        {"USER a b", "too many arguments"},
        {"USER \x01x", "invalid user name"},
        {"PASS", "missing argument"},
        {"PASS ", "missing argument"},
        {std::string("PASS a\0b", 8), "invalid characters in command"},
        {"STAT\r", "invalid characters in command"},
        {"LIST\n1", "invalid characters in command"},
        {"AUTH PL*IN", "invalid mechanism name"},
        {"AUTH ABCDEFGHIJKLMNOPQRSTU", "invalid mechanism name"},
        {"AUTH PLAIN !!!", "invalid base64 data"},
        {"AUTH PLAIN a b", "too many arguments"},
    };
    for (const auto& c : cases) {
        auto r = parse_command(c.line);
        ASSERT_FALSE(r.ok()) << c.line;
        EXPECT_EQ(r.error().code, Errc::invalid) << c.line;
        EXPECT_EQ(r.error().message, c.error) << c.line;
    }
}

TEST(Pop3Command, EveryPrefixParsesOrFailsCleanly) {
    // Fed one octet more at a time: each prefix is a command of the same
    // verb (once the keyword is complete) or an invalid-input error.
    for (const auto& c : valid_lines()) {
        for (std::size_t n = 0; n <= c.line.size(); ++n) {
            const std::string prefix = c.line.substr(0, n);
            auto r = parse_command(prefix);
            if (r.ok()) {
                EXPECT_EQ(r->verb, c.verb) << prefix;
            } else {
                EXPECT_EQ(r.error().code, Errc::invalid) << prefix;
                EXPECT_FALSE(r.error().message.empty()) << prefix;
            }
        }
    }
}

TEST(Pop3Command, VerbNamesRoundTrip) {
    for (Verb v : {Verb::user, Verb::pass, Verb::apop, Verb::quit, Verb::stat, Verb::list,
                   Verb::retr, Verb::dele, Verb::noop, Verb::rset, Verb::top, Verb::uidl,
                   Verb::capa, Verb::stls, Verb::auth}) {
        auto r = parse_command(std::string(to_string(v)) + (v == Verb::pass ? " x" : ""));
        if (v == Verb::user || v == Verb::retr || v == Verb::dele || v == Verb::top) {
            EXPECT_FALSE(r.ok());  // these need arguments
            continue;
        }
        ASSERT_TRUE(r.ok()) << to_string(v);
        EXPECT_EQ(r->verb, v);
    }
}

}  // namespace
}  // namespace tern::pop3
