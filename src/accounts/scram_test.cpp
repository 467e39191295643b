#include "accounts/scram.hpp"

#include <gtest/gtest.h>

#include <string>

#include "base/strings.hpp"

namespace tern::accounts {
namespace {

// RFC 7677 3: the worked SCRAM-SHA-256 example (user "user", password
// "pencil").
constexpr const char* kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr const char* kServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr const char* kSalt = "W22ZaJ0SNY7soEsUEjb6gQ==";
constexpr const char* kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr const char* kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr const char* kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

ScramCredentials rfc_credentials() {
    std::string salt;
    EXPECT_TRUE(base64_decode(kSalt, salt));
    auto c = derive_scram_sha256("pencil", salt, 4096);
    EXPECT_TRUE(c.ok());
    return *c;
}

TEST(Scram, Rfc7677Example) {
    ScramServer server(kServerNonce);
    auto first = server.client_first(kClientFirst);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->username, "user");
    EXPECT_EQ(first->authzid, "");
    auto challenge = server.server_first(rfc_credentials());
    ASSERT_TRUE(challenge.ok());
    EXPECT_EQ(*challenge, kServerFirst);
    auto final = server.client_final(kClientFinal);
    ASSERT_TRUE(final.ok()) << final.error().message;
    EXPECT_EQ(*final, kServerFinal);
}

TEST(Scram, WrongPasswordIsDenied) {
    std::string salt;
    ASSERT_TRUE(base64_decode(kSalt, salt));
    auto other = derive_scram_sha256("pencil2", salt, 4096);
    ASSERT_TRUE(other.ok());
    ScramServer server(kServerNonce);
    ASSERT_TRUE(server.client_first(kClientFirst).ok());
    ASSERT_TRUE(server.server_first(*other).ok());
    auto final = server.client_final(kClientFinal);
    ASSERT_FALSE(final.ok());
    EXPECT_EQ(final.error().code, Errc::denied);
}

TEST(Scram, UnknownUserGetsStableFakeSaltAndIsDenied) {
    std::string challenges[2];
    for (auto& challenge : challenges) {
        ScramServer server(kServerNonce);
        ASSERT_TRUE(server.client_first(kClientFirst).ok());
        auto c = server.server_first(std::nullopt);
        ASSERT_TRUE(c.ok());
        challenge = *c;
        auto final = server.client_final(kClientFinal);
        ASSERT_FALSE(final.ok());
        EXPECT_EQ(final.error().code, Errc::denied);
    }
    EXPECT_EQ(challenges[0], challenges[1]);
    EXPECT_TRUE(
        challenges[0].starts_with("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s="));
    EXPECT_NE(challenges[0], kServerFirst);
}

TEST(Scram, TamperedFinalMessages) {
    const std::string bad[] = {
        // channel binding data that does not match "n,,"
        "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        // the client nonce only
        "c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        // no proof
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
        // short proof
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzb",
        // not base64
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=!!!!",
        "",
        ",p=",
    };
    for (const auto& message : bad) {
        ScramServer server(kServerNonce);
        ASSERT_TRUE(server.client_first(kClientFirst).ok());
        ASSERT_TRUE(server.server_first(rfc_credentials()).ok());
        auto final = server.client_final(message);
        ASSERT_FALSE(final.ok()) << message;
        EXPECT_EQ(final.error().code, Errc::invalid) << message;
    }
}

TEST(Scram, ClientFirstParsing) {
    {
        ScramServer server;
        auto first = server.client_first("y,a=admin=2Cx,n=us=3Der=2Cname,r=abc,ext=1");
        ASSERT_TRUE(first.ok()) << first.error().message;
        EXPECT_EQ(first->authzid, "admin,x");
        EXPECT_EQ(first->username, "us=er,name");
    }
    const char* bad[] = {
        "p=tls-unique,,n=user,r=abc",  // channel binding requested
        "n,,m=ext,n=user,r=abc",       // mandatory extension
        "n,,n=,r=abc",                 // empty user
        "n,,n=us=er,r=abc",            // bad escape
        "n,,n=user,r=",                // empty nonce
        "n,,n=user,r=a b",             // non-printable nonce
        "n,,n=user",                   // no nonce
        "n,,r=abc,n=user",             // wrong order
        "x,,n=user,r=abc",             // bad flag
        "n,b=x,n=user,r=abc",          // bad authzid
        "n,n=user,r=abc",              // no gs2 header
        "",
        "n",
    };
    for (const char* message : bad) {
        ScramServer server;
        EXPECT_FALSE(server.client_first(message).ok()) << message;
    }
}

TEST(Scram, MessagesOutOfOrderFail) {
    ScramServer server(kServerNonce);
    EXPECT_FALSE(server.server_first(rfc_credentials()).ok());
    EXPECT_FALSE(server.client_final(kClientFinal).ok());
    ScramServer again(kServerNonce);
    ASSERT_TRUE(again.client_first(kClientFirst).ok());
    EXPECT_FALSE(again.client_first(kClientFirst).ok());
}

TEST(Scram, OnlyOneFinalAttempt) {
    ScramServer server(kServerNonce);
    ASSERT_TRUE(server.client_first(kClientFirst).ok());
    ASSERT_TRUE(server.server_first(rfc_credentials()).ok());
    EXPECT_FALSE(server.client_final("c=biws,r=x,p=AAAA").ok());
    EXPECT_FALSE(server.client_final(kClientFinal).ok());
}

TEST(Scram, RandomServerNonceIsPrintable) {
    ScramServer a, b;
    ASSERT_TRUE(a.client_first(kClientFirst).ok());
    ASSERT_TRUE(b.client_first(kClientFirst).ok());
    auto fa = a.server_first(rfc_credentials());
    auto fb = b.server_first(rfc_credentials());
    ASSERT_TRUE(fa.ok() && fb.ok());
    EXPECT_NE(*fa, *fb);
}

TEST(Scram, StorageFormatRoundTrip) {
    auto made = make_scram_sha256("pencil");
    ASSERT_TRUE(made.ok());
    EXPECT_EQ(made->salt.size(), 16u);
    std::string text = format_scram(*made);
    EXPECT_TRUE(text.starts_with("SCRAM-SHA-256$4096:")) << text;
    auto parsed = parse_scram(text);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->salt, made->salt);
    EXPECT_EQ(parsed->iterations, 4096u);
    EXPECT_EQ(parsed->stored_key, made->stored_key);
    EXPECT_EQ(parsed->server_key, made->server_key);

    // RFC 7677's credentials in that form.
    EXPECT_EQ(format_scram(rfc_credentials()),
              "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
              "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
              "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=");

    for (const char* bad : {"", "SCRAM-SHA-256$", "SCRAM-SHA-1$4096:c2FsdA==$a:b",
                            "SCRAM-SHA-256$0:c2FsdA==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
                            "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
                            "SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA"}) {
        EXPECT_FALSE(parse_scram(bad).ok()) << bad;
    }
    EXPECT_FALSE(make_scram_sha256("pencil", 1000).ok());
    EXPECT_FALSE(derive_scram_sha256("", "salt", 4096).ok());
}

}  // namespace
}  // namespace tern::accounts
