#include "smtp/proto/params.hpp"

#include <gtest/gtest.h>

#include "smtp/proto/command.hpp"

namespace tern::smtp {
namespace {

SyntaxError error_of(std::string_view line) {
    auto r = parse_command(line);
    if (r) return SyntaxError{0, "", "parsed"};
    return to_syntax_error(r.error());
}

TEST(EsmtpParams, SplitKeepsRawValuesAndUpperCasesKeywords) {
    auto r = split_params(" size=10  body=8BITMIME x-Custom", false);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0], (EsmtpParam{"SIZE", "10"}));
    EXPECT_EQ((*r)[1], (EsmtpParam{"BODY", "8BITMIME"}));
    EXPECT_EQ((*r)[2], (EsmtpParam{"X-CUSTOM", std::nullopt}));
}

TEST(EsmtpParams, SplitRejectsBadSyntaxAndDuplicates) {
    struct Case {
        std::string text;
        int code;
    };
    const std::vector<Case> cases = {
        {"SIZE=", 501}, {"=1", 501},         {"-A=1", 501},          {"A_B=1", 501},
        {"A=b=c", 501}, {"A=\xC3\xA9", 501}, {"SIZE=1 SIZE=2", 555}, {"body=7BIT BODY=7BIT", 555},
    };
    for (const auto& c : cases) {
        auto r = split_params(c.text, false);
        ASSERT_FALSE(r.ok()) << c.text;
        EXPECT_EQ(to_syntax_error(r.error()).code, c.code) << c.text;
    }
    // UTF-8 values are allowed under SMTPUTF8 (RFC 6531 3.3), if well formed.
    EXPECT_TRUE(split_params("A=\xC3\xA9", true).ok());
    EXPECT_FALSE(split_params("A=\xC3", true).ok());
}

TEST(MailParams, SizeBoundaries) {
    auto r = parse_command("MAIL FROM:<a@b.example> SIZE=0");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->mail.size, 0u);
    r = parse_command("MAIL FROM:<a@b.example> SIZE=18446744073709551615");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->mail.size, UINT64_MAX);
    EXPECT_EQ(error_of("MAIL FROM:<a@b.example> SIZE=18446744073709551616").code, 501);
    EXPECT_EQ(error_of("MAIL FROM:<a@b.example> SIZE=123456789012345678901").code, 501);
    EXPECT_EQ(error_of("MAIL FROM:<a@b.example> SIZE").code, 501);
    EXPECT_EQ(error_of("MAIL FROM:<a@b.example> SIZE=+5").code, 501);
}

TEST(MailParams, AllKnownParametersAreTyped) {
    auto r = parse_command(
        "MAIL FROM:<a@b.example> SIZE=99 BODY=binarymime SMTPUTF8 REQUIRETLS RET=full "
        "ENVID=QQ314159+2B1 AUTH=e+2Bmc2@example.com");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const MailParams& m = r->mail;
    EXPECT_EQ(m.size, 99u);
    EXPECT_EQ(m.body, BodyType::binary_mime);
    EXPECT_TRUE(m.smtputf8);
    EXPECT_TRUE(m.requiretls);
    EXPECT_EQ(m.ret, DsnReturn::full);
    EXPECT_EQ(m.envid, "QQ314159+1");  // RFC 3461 4: "+2B" is '+'
    ASSERT_TRUE(m.auth.has_value());
    ASSERT_TRUE(m.auth->mailbox.has_value());
    EXPECT_EQ(m.auth->mailbox->local, "e+mc2");
    EXPECT_EQ(m.auth->mailbox->domain, "example.com");
}

TEST(MailParams, DefaultsWhenAbsent) {
    auto r = parse_command("MAIL FROM:<a@b.example>");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->mail.size.has_value());
    EXPECT_FALSE(r->mail.body.has_value());
    EXPECT_FALSE(r->mail.smtputf8);
    EXPECT_FALSE(r->mail.requiretls);
    EXPECT_FALSE(r->mail.ret.has_value());
    EXPECT_FALSE(r->mail.envid.has_value());
    EXPECT_FALSE(r->mail.auth.has_value());
    EXPECT_TRUE(r->params.empty());
}

TEST(MailParams, AuthUnknownIdentity) {
    auto r = parse_command("MAIL FROM:<a@b.example> AUTH=<>");  // RFC 4954 5
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->mail.auth.has_value());
    EXPECT_FALSE(r->mail.auth->mailbox.has_value());
}

TEST(MailParams, BadValues) {
    struct Case {
        std::string params;
        int code;
    };
    const std::vector<Case> cases = {
        {"BODY=9BIT", 501},
        {"BODY", 501},
        {"SMTPUTF8=yes", 501},
        {"REQUIRETLS=1", 501},
        {"RET=ALL", 501},
        {"RET", 501},
        {"ENVID=bad+2", 501},                     // '+' needs two hex digits
        {"ENVID=bad+ZZ", 501},                    // not hex
        {"ENVID=a+0Ab", 501},                     // decodes to a control character
        {"ENVID=" + std::string(101, 'x'), 501},  // RFC 3461 4.4: 100 characters
        {"AUTH=not-an-address", 501},
        {"AUTH=a+", 501},
        {"AUTH", 501},
        {"XFOO", 555},
        {"ORCPT=rfc822;a@b", 555},  // a RCPT parameter on MAIL
    };
    for (const auto& c : cases) {
        const SyntaxError e = error_of("MAIL FROM:<a@b.example> " + c.params);
        EXPECT_EQ(e.code, c.code) << c.params << ": " << e.text;
        EXPECT_EQ(e.enhanced, "5.5.4") << c.params;
    }
    EXPECT_TRUE(parse_command("MAIL FROM:<a@b.example> ENVID=" + std::string(100, 'x')).ok());
}

TEST(RcptParams, NotifyForms) {
    struct Case {
        std::string value;
        DsnNotify expected;
    };
    const std::vector<Case> cases = {
        {"NEVER", {true, false, false, false}},
        {"SUCCESS", {false, true, false, false}},
        {"failure,delay", {false, false, true, true}},
        {"SUCCESS,FAILURE,DELAY", {false, true, true, true}},
    };
    for (const auto& c : cases) {
        auto r = parse_command("RCPT TO:<a@b.example> NOTIFY=" + c.value);
        ASSERT_TRUE(r.ok()) << c.value;
        EXPECT_EQ(r->rcpt.notify, c.expected) << c.value;
    }
    for (const char* bad : {"NEVER,SUCCESS", "SOMETIMES", "SUCCESS,", ",DELAY"}) {
        EXPECT_EQ(error_of(std::string("RCPT TO:<a@b.example> NOTIFY=") + bad).code, 501) << bad;
    }
    EXPECT_EQ(error_of("RCPT TO:<a@b.example> NOTIFY").code, 501);
}

TEST(RcptParams, OriginalRecipient) {
    // RFC 3461 4.2 with xtext decoding (RFC 3461 4).
    auto r = parse_command("RCPT TO:<a@b.example> ORCPT=rfc822;Bob+2Bspam+40example.com");
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->rcpt.orcpt.has_value());
    EXPECT_EQ(r->rcpt.orcpt->addr_type, "rfc822");
    EXPECT_EQ(r->rcpt.orcpt->address, "Bob+spam@example.com");
    EXPECT_FALSE(r->rcpt.notify.has_value());
    for (const char* bad : {"rfc822", "rfc822;", ";a@b", "rfc 822;a", "rfc822;a+4", "rfc822;a+GG",
                            "rfc822;a+0D+0Ab", "a.b;x@y"}) {
        EXPECT_EQ(error_of(std::string("RCPT TO:<a@b.example> ORCPT=") + bad).code, 501) << bad;
    }
    EXPECT_EQ(error_of("RCPT TO:<a@b.example> ORCPT=rfc822;" + std::string(501, 'x')).code, 501);
    EXPECT_TRUE(parse_command("RCPT TO:<a@b.example> ORCPT=rfc822;" + std::string(500, 'x')).ok());
}

TEST(RcptParams, UnknownAndMailOnlyParametersAre555) {
    for (const char* p : {"SIZE=1", "BODY=7BIT", "SMTPUTF8", "XYZZY", "RET=FULL"}) {
        const SyntaxError e = error_of(std::string("RCPT TO:<a@b.example> ") + p);
        EXPECT_EQ(e.code, 555) << p;
        EXPECT_EQ(e.enhanced, "5.5.4") << p;
    }
}

}  // namespace
}  // namespace tern::smtp
