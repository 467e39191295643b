#include "smtp/proto/command.hpp"

#include <gtest/gtest.h>

#include "smtp/proto/test_cases.hpp"

namespace tern::smtp {
namespace {

SyntaxError error_of(std::string_view line, const ParseOptions& options = {}) {
    auto r = parse_command(line, options);
    if (r) return SyntaxError{0, "", "parsed"};
    return to_syntax_error(r.error());
}

TEST(ParseCommand, EveryValidLineParsesToItsVerb) {
    for (const auto& c : test::valid_lines()) {
        auto r = parse_command(c.line);
        ASSERT_TRUE(r.ok()) << c.line << ": " << r.error().message;
        EXPECT_EQ(r->verb, c.verb) << c.line;
    }
}

struct BadCase {
    std::string line;
    int code;
    std::string enhanced;
};

// RFC 5321 4.2.4 (500), 4.1.1 argument rules (501), 4.1.1.11 (555),
// RFC 3463 (5.1.3 / 5.1.7), RFC 6531 3.5 (5.6.7).
const std::vector<BadCase> kBad = {
    // 500 5.5.2: not a command
    {"", 500, "5.5.2"},
    {"FOO", 500, "5.5.2"},
    {"MAILFROM:<a@b.example>", 500, "5.5.2"},
    {" EHLO x.example", 500, "5.5.2"},
    {"EHLOx", 500, "5.5.2"},
    // 501 5.5.4: control characters, whatever the verb
    {std::string("NOOP a\0b", 8), 501, "5.5.4"},
    {"NOOP a\rb", 501, "5.5.4"},
    {"NOOP a\nb", 501, "5.5.4"},
    {"NOOP\ta", 501, "5.5.4"},
    {"FOO \x01", 501, "5.5.4"},
    {"NOOP \x7F", 501, "5.5.4"},
    // EHLO/HELO
    {"EHLO", 501, "5.5.4"},
    {"EHLO ", 501, "5.5.4"},
    {"HELO", 501, "5.5.4"},
    {"EHLO bad..example", 501, "5.5.4"},
    {"EHLO -bad.example", 501, "5.5.4"},
    {"EHLO two words", 501, "5.5.4"},
    {"EHLO [300.1.1.1]", 501, "5.5.4"},
    {"EHLO [IPv6:zz::1]", 501, "5.5.4"},
    // no-argument commands (RFC 5321 4.1.1.4/.5/.10, RFC 3207 4)
    {"DATA x", 501, "5.5.4"},
    {"RSET now", 501, "5.5.4"},
    {"QUIT please", 501, "5.5.4"},
    {"STARTTLS x", 501, "5.5.4"},
    // required strings
    {"VRFY", 501, "5.5.4"},
    {"EXPN ", 501, "5.5.4"},
    // MAIL/RCPT structure
    {"MAIL", 501, "5.5.4"},
    {"MAIL TO:<a@b.example>", 501, "5.5.4"},
    {"MAIL FROM:a@b.example", 501, "5.5.4"},
    {"MAIL FROM: a@b.example", 501, "5.5.4"},
    {"MAIL FROM:<a@b.example", 501, "5.5.4"},
    {"MAIL FROM:<a@b.example>SIZE=1", 501, "5.5.4"},
    {"RCPT TO:bob@example.com", 501, "5.5.4"},
    {"RCPT FROM:<bob@example.com>", 501, "5.5.4"},
    // bad addresses: 553 with the sender or recipient detail
    {"MAIL FROM:<no-at-sign>", 553, "5.1.7"},
    {"MAIL FROM:<a b@example.com>", 553, "5.1.7"},
    {"MAIL FROM:<a..b@example.com>", 553, "5.1.7"},
    {"MAIL FROM:<a@-x.example>", 553, "5.1.7"},
    {"MAIL FROM:<a@[1.2.3]>", 553, "5.1.7"},
    {"MAIL FROM:<a@[tag:foo]>", 553, "5.1.7"},
    {"MAIL FROM:<@bad..route:a@b.example>", 553, "5.1.7"},
    {"RCPT TO:<>", 553, "5.1.3"},
    {"RCPT TO:<\"unterminated@example.com>", 501, "5.5.4"},
    {"RCPT TO:<bob@>", 553, "5.1.3"},
    {"RCPT TO:<@a.example,bob@example.com>", 553, "5.1.3"},
    {"RCPT TO:<postmaster@>", 553, "5.1.3"},
    // ESMTP parameters
    {"MAIL FROM:<a@b.example> FOO=1", 555, "5.5.4"},
    {"MAIL FROM:<a@b.example> NOTIFY=NEVER", 555, "5.5.4"},
    {"RCPT TO:<a@b.example> SIZE=10", 555, "5.5.4"},
    {"MAIL FROM:<a@b.example> SIZE=1 size=2", 555, "5.5.4"},
    {"RCPT TO:<a@b.example> NOTIFY=NEVER NOTIFY=NEVER", 555, "5.5.4"},
    {"MAIL FROM:<a@b.example> SIZE=x", 501, "5.5.4"},
    {"MAIL FROM:<a@b.example> SIZE=", 501, "5.5.4"},
    {"MAIL FROM:<a@b.example> -X=1", 501, "5.5.4"},
    // BDAT (RFC 3030 2)
    {"BDAT", 501, "5.5.4"},
    {"BDAT -1", 501, "5.5.4"},
    {"BDAT 12x", 501, "5.5.4"},
    {"BDAT 10 FIRST", 501, "5.5.4"},
    {"BDAT 10 LAST more", 501, "5.5.4"},
    {"BDAT 18446744073709551616", 501, "5.5.4"},
    {"BDAT 99999999999999999999999", 501, "5.5.4"},
    // AUTH (RFC 4954 4)
    {"AUTH", 501, "5.5.4"},
    {"AUTH PL@IN", 501, "5.5.4"},
    {"AUTH ABCDEFGHIJKLMNOPQRSTU", 501, "5.5.4"},
    {"AUTH PLAIN not*base64", 501, "5.5.2"},  // RFC 4954 4: undecodable response
    {"AUTH PLAIN AAAA BBBB", 501, "5.5.4"},
};

TEST(ParseCommand, InvalidLinesGetTheRightReply) {
    for (const auto& c : kBad) {
        const SyntaxError e = error_of(c.line);
        EXPECT_EQ(e.code, c.code) << "'" << c.line << "': " << e.text;
        EXPECT_EQ(e.enhanced, c.enhanced) << "'" << c.line << "': " << e.text;
        EXPECT_FALSE(e.text.empty()) << c.line;
    }
}

TEST(ParseCommand, VerbsAreCaseInsensitive) {
    for (const char* line : {"quit", "QuIt", "QUIT"}) {
        auto r = parse_command(line);
        ASSERT_TRUE(r.ok()) << line;
        EXPECT_EQ(r->verb, Verb::quit);
    }
    EXPECT_EQ(to_string(Verb::starttls), "STARTTLS");
}

TEST(ParseCommand, TrailingSpacesAreTolerated) {
    for (const char* line : {"DATA ", "QUIT  ", "RSET ", "STARTTLS "}) {
        EXPECT_TRUE(parse_command(line).ok()) << line;
    }
    auto r = parse_command("MAIL FROM:<a@b.example>  SIZE=5  ");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->mail.size, 5u);
}

TEST(ParseCommand, Hello) {
    auto r = parse_command("EHLO Mail.Example.COM");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->domain, "Mail.Example.COM");
    r = parse_command("HELO [IPv6:::1]");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->domain, "[IPv6:::1]");
    r = parse_command("EHLO localhost");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->domain, "localhost");
}

TEST(ParseCommand, HelloDomainLengthBoundary) {
    // RFC 5321 4.5.3.1.2: 255 octets is the longest domain.
    std::string name;
    while (name.size() < 255)
        name += (name.empty() ? "" : ".") + std::string(9, 'a');
    name.resize(255);
    if (name.back() == '.') name.back() = 'b';
    EXPECT_TRUE(parse_command("EHLO " + name).ok());
    EXPECT_EQ(error_of("EHLO " + name + "c").code, 501);
}

TEST(ParseCommand, MailFromFields) {
    auto r = parse_command("MAIL FROM:<Alice@Example.COM> SIZE=12345 BODY=8bitmime");
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->path.has_value());
    EXPECT_FALSE(r->path->null);
    EXPECT_EQ(r->path->mailbox.local, "Alice");
    EXPECT_EQ(r->path->mailbox.domain, "Example.COM");
    EXPECT_EQ(r->path->wire, "Alice@Example.COM");
    EXPECT_EQ(r->argument, "FROM:<Alice@Example.COM> SIZE=12345 BODY=8bitmime");
    ASSERT_EQ(r->params.size(), 2u);
    EXPECT_EQ(r->params[0].keyword, "SIZE");
    EXPECT_EQ(r->params[1].value, "8bitmime");
    EXPECT_EQ(r->mail.size, 12345u);
    EXPECT_EQ(r->mail.body, BodyType::eight_bit_mime);
}

TEST(ParseCommand, NullReversePath) {
    auto r = parse_command("MAIL FROM:<>");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->path->null);
    EXPECT_TRUE(r->path->mailbox.local.empty());
    r = parse_command("MAIL FROM: <> BODY=7BIT");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->path->null);
    EXPECT_EQ(r->mail.body, BodyType::seven_bit);
}

TEST(ParseCommand, QuotedLocalPartKeepsWireFormAndUnquotes) {
    auto r = parse_command("RCPT TO:<\"john \\\"jd\\\" doe\"@example.com>");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->path->mailbox.local, "john \"jd\" doe");
    EXPECT_EQ(r->path->wire, "\"john \\\"jd\\\" doe\"@example.com");
    // A quoted local part may hold '>' and '@'.
    r = parse_command("RCPT TO:<\"a>b@c\"@example.com> NOTIFY=DELAY");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->path->mailbox.local, "a>b@c");
    EXPECT_TRUE(r->rcpt.notify->delay);
    // Needless quotes vanish in the canonical form.
    r = parse_command("RCPT TO:<\"bob\"@example.com>");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->path->mailbox.to_string(), "bob@example.com");
}

TEST(ParseCommand, SourceRoutesAreDropped) {
    auto r = parse_command("RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>");  // RFC 5321 App. C
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->path->had_source_route);
    EXPECT_EQ(r->path->mailbox.to_string(), "userc@d.bar.org");
    EXPECT_EQ(r->path->wire, "userc@d.bar.org");
}

TEST(ParseCommand, Postmaster) {
    for (const char* line :
         {"RCPT TO:<Postmaster>", "RCPT TO:<POSTMASTER>", "rcpt to:<postmaster>"}) {
        auto r = parse_command(line);
        ASSERT_TRUE(r.ok()) << line;
        EXPECT_TRUE(r->path->postmaster) << line;
        EXPECT_EQ(r->path->mailbox.domain, "");
    }
    auto r = parse_command("RCPT TO:<Postmaster@Example.com>");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->path->postmaster);  // a normal mailbox: the domain decides
    EXPECT_EQ(r->path->mailbox.canonical_key(), "Postmaster@example.com");
    // Only RCPT has the domainless form.
    EXPECT_EQ(error_of("MAIL FROM:<Postmaster>").code, 553);
}

TEST(ParseCommand, AddressLiterals) {
    auto r = parse_command("RCPT TO:<bob@[IPv6:2001:db8::ff00:42:8329]>");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->path->mailbox.domain, "[IPv6:2001:db8::ff00:42:8329]");
    r = parse_command("RCPT TO:<bob@[10.0.0.255]>");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->path->mailbox.domain, "[10.0.0.255]");
}

TEST(ParseCommand, Smtputf8Addresses) {
    ParseOptions no_utf8;
    no_utf8.smtputf8_allowed_in_addresses = false;
    // Allowed: UTF-8 local part and U-label domain (RFC 6531 3.3).
    auto r = parse_command("RCPT TO:<用户@例子.广告>");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->path->is_ascii());
    // Not allowed: 553 5.6.7 (RFC 6531 3.5).
    SyntaxError e = error_of("RCPT TO:<用户@例子.广告>", no_utf8);
    EXPECT_EQ(e.code, 553);
    EXPECT_EQ(e.enhanced, "5.6.7");
    // A UTF-8 sender needs SMTPUTF8 on the same MAIL command.
    e = error_of("MAIL FROM:<pelé@example.com>");
    EXPECT_EQ(e.code, 553);
    EXPECT_EQ(e.enhanced, "5.6.7");
    r = parse_command("MAIL FROM:<pelé@example.com> SMTPUTF8");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->mail.smtputf8);
    // Bytes that are not UTF-8 are a bad address even when UTF-8 is allowed.
    e = error_of("RCPT TO:<b\xC3\x28@example.com>");
    EXPECT_EQ(e.code, 553);
    EXPECT_EQ(e.enhanced, "5.1.3");
    e = error_of("RCPT TO:<\xED\xA0\x80@example.com>");  // a UTF-16 surrogate
    EXPECT_EQ(e.code, 553);
    // ASCII addresses are fine either way.
    EXPECT_TRUE(parse_command("RCPT TO:<bob@example.com>", no_utf8).ok());
}

TEST(ParseCommand, PathLengthLimits) {
    const std::string domain = "example.com";
    // RFC 5321 4.5.3.1.1: local part 64 octets.
    EXPECT_TRUE(parse_command("RCPT TO:<" + std::string(64, 'a') + "@" + domain + ">").ok());
    SyntaxError e = error_of("RCPT TO:<" + std::string(65, 'a') + "@" + domain + ">");
    EXPECT_EQ(e.code, 553);
    EXPECT_EQ(e.enhanced, "5.1.3");
    // Quotes count: 62 characters between quotes are 64 octets.
    EXPECT_TRUE(parse_command("RCPT TO:<\"" + std::string(62, 'a') + "\"@" + domain + ">").ok());
    EXPECT_EQ(error_of("RCPT TO:<\"" + std::string(63, 'a') + "\"@" + domain + ">").code, 553);
    // RFC 5321 4.5.3.1.3: the whole path is 256 octets with its brackets.
    std::string labels;
    while (labels.size() < 300)
        labels += "abcdefghi.";
    const std::string local = "u";
    const std::size_t domain_len = 256 - 2 - local.size() - 1;  // fills exactly 256
    std::string d = labels.substr(0, domain_len);
    if (d.back() == '.') d.back() = 'x';
    const std::string path256 = "<" + local + "@" + d + ">";
    ASSERT_EQ(path256.size(), 256u);
    EXPECT_TRUE(parse_command("MAIL FROM:" + path256).ok());
    const std::string path257 = "<" + local + "@" + d + "z>";
    e = error_of("MAIL FROM:" + path257);
    EXPECT_EQ(e.code, 501);
    EXPECT_EQ(e.enhanced, "5.5.4");
}

TEST(ParseCommand, Bdat) {
    auto r = parse_command("BDAT 0");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->bdat_size, 0u);
    EXPECT_FALSE(r->bdat_last);
    r = parse_command("bdat 18446744073709551615 last");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->bdat_size, UINT64_MAX);
    EXPECT_TRUE(r->bdat_last);
    r = parse_command("BDAT 00042 LAST");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->bdat_size, 42u);
}

TEST(ParseCommand, Auth) {
    auto r = parse_command("AUTH plain AGFsaWNlAHNlY3JldA==");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->auth_mechanism, "PLAIN");
    EXPECT_EQ(r->auth_initial_response, "AGFsaWNlAHNlY3JldA==");
    r = parse_command("AUTH SCRAM-SHA-256");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->auth_mechanism, "SCRAM-SHA-256");
    EXPECT_FALSE(r->auth_initial_response.has_value());
    r = parse_command("AUTH EXTERNAL =");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->auth_initial_response, "=");
}

TEST(ParseCommand, StringArguments) {
    auto r = parse_command("VRFY Smith, John");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->argument, "Smith, John");
    r = parse_command("HELP");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->argument, "");
    r = parse_command("NOOP whatever");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->argument, "whatever");
}

}  // namespace
}  // namespace tern::smtp
