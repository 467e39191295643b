#include "accounts/sasl.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tern::accounts {
namespace {

using namespace std::string_literals;

SaslExchange start_ok(std::string_view mechanism, std::optional<std::string> ir = std::nullopt) {
    auto ex = SaslExchange::start(mechanism, std::move(ir));
    EXPECT_TRUE(ex.ok());
    return std::move(ex).value();
}

TEST(Sasl, MechanismList) {
    const auto& names = sasl_mechanisms();
    ASSERT_EQ(names.size(), 2u);
    EXPECT_EQ(names[0], "PLAIN");
    EXPECT_EQ(names[1], "LOGIN");
    for (const auto& name : names)
        EXPECT_TRUE(SaslExchange::start(name, std::nullopt).ok());
}

TEST(Sasl, UnknownMechanism) {
    for (const char* name : {"CRAM-MD5", "GSSAPI", "", "PLAINX", "PLAI"}) {
        auto ex = SaslExchange::start(name, std::nullopt);
        ASSERT_FALSE(ex.ok()) << name;
        EXPECT_EQ(ex.error().code, Errc::invalid);
    }
}

TEST(Sasl, MechanismNameIsCaseInsensitive) {
    auto ex = start_ok("plain");
    EXPECT_EQ(ex.mechanism(), "PLAIN");
    EXPECT_EQ(start_ok("Login").mechanism(), "LOGIN");
}

TEST(Sasl, PlainWithInitialResponse) {
    auto ex = start_ok("PLAIN", "\0alice@example.com\0s3cret"s);
    SaslStep s = ex.begin();
    ASSERT_EQ(s.kind, SaslStep::Kind::done) << s.error;
    EXPECT_EQ(s.authzid, "");
    EXPECT_EQ(s.authcid, "alice@example.com");
    EXPECT_EQ(s.password, "s3cret");
}

TEST(Sasl, PlainAfterEmptyChallenge) {
    auto ex = start_ok("PLAIN");
    SaslStep first = ex.begin();
    ASSERT_EQ(first.kind, SaslStep::Kind::challenge);
    EXPECT_EQ(first.challenge, "");
    SaslStep s = ex.step("\0bob\0pw"s);
    ASSERT_EQ(s.kind, SaslStep::Kind::done);
    EXPECT_EQ(s.authcid, "bob");
    EXPECT_EQ(s.password, "pw");
}

TEST(Sasl, PlainWithAuthzid) {
    auto ex = start_ok("PLAIN", "admin@example.com\0alice@example.com\0pw"s);
    SaslStep s = ex.begin();
    ASSERT_EQ(s.kind, SaslStep::Kind::done);
    EXPECT_EQ(s.authzid, "admin@example.com");
    EXPECT_EQ(s.authcid, "alice@example.com");
    EXPECT_EQ(s.password, "pw");
}

TEST(Sasl, PlainMalformed) {
    const std::string bad[] = {
        "",                                       // nothing
        "alice pw",                               // no NUL
        "\0alice"s,                               // one NUL only
        "alice\0pw"s,                             // one NUL only
        "\0\0pw"s,                                // empty authcid
        "\0alice\0"s,                             // empty password
        "\0\0"s,                                  // both empty
        "\0alice\0pw\0"s,                         // a third NUL: NUL inside a field
        "\0alice\0p\0w"s,                         // NUL inside the password
        "z\0a\0b\0c"s,                            // too many fields
        "\0"s + std::string(256, 'u') + "\0pw"s,  // authcid over 255 octets
        "\0alice\0"s + std::string(256, 'p'),     // password over 255 octets
        std::string(256, 'z') + "\0alice\0pw"s,   // authzid over 255 octets
    };
    for (const auto& message : bad) {
        auto ex = start_ok("PLAIN");
        ASSERT_EQ(ex.begin().kind, SaslStep::Kind::challenge);
        SaslStep s = ex.step(message);
        EXPECT_EQ(s.kind, SaslStep::Kind::failed) << testing::PrintToString(message);
        EXPECT_FALSE(s.error.empty());
        EXPECT_TRUE(s.password.empty());
    }
}

TEST(Sasl, PlainAcceptsFieldsOf255Octets) {
    std::string u(255, 'u'), p(255, 'p'), z(255, 'z');
    auto ex = start_ok("PLAIN", z + '\0' + u + '\0' + p);
    SaslStep s = ex.begin();
    ASSERT_EQ(s.kind, SaslStep::Kind::done) << s.error;
    EXPECT_EQ(s.authzid, z);
    EXPECT_EQ(s.authcid, u);
    EXPECT_EQ(s.password, p);
}

TEST(Sasl, PlainEmptyInitialResponseFails) {
    // SMTP's "AUTH PLAIN =" is an empty initial response: not a valid message.
    auto ex = start_ok("PLAIN", "");
    EXPECT_EQ(ex.begin().kind, SaslStep::Kind::failed);
}

TEST(Sasl, LoginTwoSteps) {
    auto ex = start_ok("LOGIN");
    SaslStep s = ex.begin();
    ASSERT_EQ(s.kind, SaslStep::Kind::challenge);
    EXPECT_EQ(s.challenge, "Username:");
    s = ex.step("carol@example.com");
    ASSERT_EQ(s.kind, SaslStep::Kind::challenge);
    EXPECT_EQ(s.challenge, "Password:");
    s = ex.step("hunter2");
    ASSERT_EQ(s.kind, SaslStep::Kind::done);
    EXPECT_EQ(s.authzid, "");
    EXPECT_EQ(s.authcid, "carol@example.com");
    EXPECT_EQ(s.password, "hunter2");
}

TEST(Sasl, LoginWithUsernameAsInitialResponse) {
    auto ex = start_ok("LOGIN", "dave@example.com");
    SaslStep s = ex.begin();
    ASSERT_EQ(s.kind, SaslStep::Kind::challenge);
    EXPECT_EQ(s.challenge, "Password:");
    s = ex.step("pw");
    ASSERT_EQ(s.kind, SaslStep::Kind::done);
    EXPECT_EQ(s.authcid, "dave@example.com");
    EXPECT_EQ(s.password, "pw");
}

TEST(Sasl, LoginEmptyInitialResponseAsksForUsername) {
    auto ex = start_ok("LOGIN", "");
    SaslStep s = ex.begin();
    ASSERT_EQ(s.kind, SaslStep::Kind::challenge);
    EXPECT_EQ(s.challenge, "Username:");
}

TEST(Sasl, LoginRejectsBadFields) {
    {
        auto ex = start_ok("LOGIN");
        ex.begin();
        EXPECT_EQ(ex.step("").kind, SaslStep::Kind::failed);
    }
    {
        auto ex = start_ok("LOGIN");
        ex.begin();
        EXPECT_EQ(ex.step("a\0b"s).kind, SaslStep::Kind::failed);
    }
    {
        auto ex = start_ok("LOGIN", "user");
        ex.begin();
        EXPECT_EQ(ex.step("").kind, SaslStep::Kind::failed);
    }
    {
        auto ex = start_ok("LOGIN", "user");
        ex.begin();
        EXPECT_EQ(ex.step(std::string(256, 'p')).kind, SaslStep::Kind::failed);
    }
}

TEST(Sasl, NoStepsAfterTheEnd) {
    auto ex = start_ok("PLAIN", "\0a\0b"s);
    ASSERT_EQ(ex.begin().kind, SaslStep::Kind::done);
    EXPECT_EQ(ex.step("\0a\0b"s).kind, SaslStep::Kind::failed);
    EXPECT_EQ(ex.begin().kind, SaslStep::Kind::failed);

    auto failed = start_ok("LOGIN");
    failed.begin();
    ASSERT_EQ(failed.step("").kind, SaslStep::Kind::failed);
    EXPECT_EQ(failed.step("user").kind, SaslStep::Kind::failed);
}

}  // namespace
}  // namespace tern::accounts
