#include "smtp/proto/address.hpp"

#include <gtest/gtest.h>

#include "smtp/proto/utf8.hpp"

namespace tern::smtp {
namespace {

struct GoodCase {
    std::string text;
    std::string local;
    std::string domain;
    std::string canonical;
};

TEST(ParseMailbox, ValidForms) {
    const std::vector<GoodCase> cases = {
        {"user@example.com", "user", "example.com", "user@example.com"},
        {"first.last@sub.example.org", "first.last", "sub.example.org",
         "first.last@sub.example.org"},
        {"a!#$%&'*+-/=?^_`{|}~z@x.example", "a!#$%&'*+-/=?^_`{|}~z", "x.example",
         "a!#$%&'*+-/=?^_`{|}~z@x.example"},
        {"\"john doe\"@example.com", "john doe", "example.com", "\"john doe\"@example.com"},
        {"\"plain\"@example.com", "plain", "example.com", "plain@example.com"},
        {"\"a\\\\b\\\"c\"@example.com", "a\\b\"c", "example.com", "\"a\\\\b\\\"c\"@example.com"},
        {"\"\"@example.com", "", "example.com", "\"\"@example.com"},
        {"\".dot\"@example.com", ".dot", "example.com", "\".dot\"@example.com"},
        {"u@localhost", "u", "localhost", "u@localhost"},
        {"u@xn--bcher-kva.example", "u", "xn--bcher-kva.example", "u@xn--bcher-kva.example"},
        {"u@[192.0.2.1]", "u", "[192.0.2.1]", "u@[192.0.2.1]"},
        {"u@[IPv6:2001:db8::1]", "u", "[IPv6:2001:db8::1]", "u@[IPv6:2001:db8::1]"},
        {"u@[IPv6:::ffff:192.0.2.1]", "u", "[IPv6:::ffff:192.0.2.1]", "u@[IPv6:::ffff:192.0.2.1]"},
    };
    for (const auto& c : cases) {
        auto r = parse_mailbox(c.text, false);
        ASSERT_TRUE(r.ok()) << c.text << ": " << r.error().message;
        EXPECT_EQ(r->local, c.local) << c.text;
        EXPECT_EQ(r->domain, c.domain) << c.text;
        EXPECT_EQ(r->to_string(), c.canonical) << c.text;
        EXPECT_TRUE(r->is_ascii());
        // What to_string prints parses back to the same mailbox.
        auto again = parse_mailbox(r->to_string(), false);
        ASSERT_TRUE(again.ok()) << r->to_string();
        EXPECT_EQ(*again, *r);
    }
}

TEST(ParseMailbox, InvalidForms) {
    const std::vector<std::string> cases = {
        "",
        "@example.com",
        "user",
        "user@",
        "user@@example.com",
        "us er@example.com",
        ".user@example.com",
        "user.@example.com",
        "us..er@example.com",
        "us(er@example.com",
        "\"unterminated@example.com",
        "\"bad\"x@example.com",
        "\"ctl\x01\"@example.com",
        "user@-example.com",
        "user@example-.com",
        "user@exa mple.com",
        "user@example..com",
        "user@.example.com",
        "user@example.com.",
        "user@exa_mple.com",
        "user@[192.0.2.256]",
        "user@[192.0.2]",
        "user@[1.2.3.4.5]",
        "user@[1234.1.1.1]",
        "user@[IPv6:1:2:3:4:5:6:7:8:9]",
        "user@[IPv6:12345::1]",
        "user@[IPv6:1::2::3]",
        "user@[x-tag:stuff]",
        "user@[192.0.2.1",
        "user@" + std::string(64, 'a') + ".com",  // label over 63 octets (RFC 1035 2.3.4)
    };
    for (const auto& text : cases) {
        auto r = parse_mailbox(text, true);
        ASSERT_FALSE(r.ok()) << text;
        EXPECT_EQ(r.error().code, Errc::invalid) << text;
    }
}

TEST(ParseMailbox, LengthBoundaries) {
    // RFC 5321 4.5.3.1.1: local part 64 octets.
    EXPECT_TRUE(parse_mailbox(std::string(64, 'a') + "@x.example", false).ok());
    auto r = parse_mailbox(std::string(65, 'a') + "@x.example", false);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::limit);
    // RFC 5321 4.5.3.1.2: domain 255 octets.
    std::string domain;
    while (domain.size() < 255)
        domain += "abcdefg.";
    domain.resize(255);
    domain.back() = 'z';
    EXPECT_TRUE(parse_mailbox("a@" + domain, false).ok());
    r = parse_mailbox("a@" + domain + "z", false);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::limit);
    EXPECT_TRUE(is_domain(domain));
    EXPECT_FALSE(is_domain(domain + "z"));
    // A 63-octet label is the longest (RFC 1035 2.3.4).
    EXPECT_TRUE(is_domain(std::string(63, 'a') + ".example"));
}

TEST(ParseMailbox, Utf8NeedsPermissionAndValidity) {
    auto r = parse_mailbox("θσέ@παράδειγμα.δοκιμή", true);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->is_ascii());
    EXPECT_EQ(r->to_string(), "θσέ@παράδειγμα.δοκιμή");
    r = parse_mailbox("\"δ δ\"@example.com", true);  // qtextSMTP =/ UTF8-non-ascii
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->local, "δ δ");

    r = parse_mailbox("θσέ@example.com", false);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::denied);
    for (const char* bad : {"a\xFF@example.com", "a\xC0\xAF@example.com", "a@ex\xE2\x82.com",
                            "a@\xF4\x90\x80\x80.example"}) {
        r = parse_mailbox(bad, true);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, Errc::invalid) << bad;
    }
}

TEST(Mailbox, CanonicalKeyLowerCasesOnlyTheDomain) {
    Mailbox m{"John.Smith", "Example.COM"};
    EXPECT_EQ(m.canonical_key(), "John.Smith@example.com");
    EXPECT_EQ(m.to_string(), "John.Smith@Example.COM");
    Mailbox quoted{"a b", "X.Example"};
    EXPECT_EQ(quoted.canonical_key(), "\"a b\"@x.example");
}

TEST(Mailbox, QuoteLocalPartOnlyWhenNeeded) {
    EXPECT_EQ(quote_local_part("simple"), "simple");
    EXPECT_EQ(quote_local_part("a.b"), "a.b");
    EXPECT_EQ(quote_local_part("a..b"), "\"a..b\"");
    EXPECT_EQ(quote_local_part("a b"), "\"a b\"");
    EXPECT_EQ(quote_local_part("a\"b"), "\"a\\\"b\"");
    EXPECT_EQ(quote_local_part(""), "\"\"");
}

TEST(Domain, HelloRulesAllowUnderscore) {
    EXPECT_FALSE(is_domain("my_pc.local"));
    EXPECT_TRUE(is_domain("my_pc.local", DomainRules{false, true}));
    EXPECT_FALSE(is_domain("bücher.example"));
    EXPECT_TRUE(is_domain("bücher.example", DomainRules{true, false}));
}

TEST(Utf8, WellFormedSequences) {
    EXPECT_TRUE(valid_utf8(""));
    EXPECT_TRUE(valid_utf8("plain"));
    EXPECT_TRUE(valid_utf8("\xC2\x80"));           // U+0080
    EXPECT_TRUE(valid_utf8("\xEF\xBF\xBF"));       // U+FFFF
    EXPECT_TRUE(valid_utf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF
    EXPECT_FALSE(valid_utf8("\xC1\xBF"));          // overlong
    EXPECT_FALSE(valid_utf8("\xE0\x80\x80"));      // overlong
    EXPECT_FALSE(valid_utf8("\xED\xBF\xBF"));      // surrogate
    EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(valid_utf8("\x80"));              // lone continuation
    EXPECT_FALSE(valid_utf8("\xE2\x82"));          // truncated
}

}  // namespace
}  // namespace tern::smtp
