// DKIM-Signature parsing (RFC 6376 3.5, 6.1.1) and b= removal (3.7).
#include "mailauth/dkim/signature.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::dkim {
namespace {

const std::string kGood =
    "v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel;\r\n"
    "\ti=user@mail.example.com; q=dns/txt; t=100; x=200; l=42;\r\n"
    "\th=From : To:Subject; bh=YWJj; b=ZGVm\r\n Z2hp";

TEST(DkimSignature, ParsesEveryTag) {
    auto sig = parse_signature(kGood);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_EQ(sig->algorithm, Algorithm::rsa_sha256);
    EXPECT_EQ(sig->header_canon, Canon::relaxed);
    EXPECT_EQ(sig->body_canon, Canon::simple);
    EXPECT_EQ(sig->domain, "example.com");
    EXPECT_EQ(sig->selector, "sel");
    EXPECT_EQ(sig->identity, "user@mail.example.com");
    EXPECT_EQ(sig->headers, (std::vector<std::string>{"From", "To", "Subject"}));
    EXPECT_EQ(sig->body_hash, "abc");
    EXPECT_EQ(sig->signature, "defghi");
    EXPECT_EQ(sig->b_text, "ZGVmZ2hp");
    EXPECT_EQ(sig->timestamp, 100);
    EXPECT_EQ(sig->expiration, 200);
    EXPECT_EQ(sig->body_length, 42u);
}

TEST(DkimSignature, Defaults) {
    auto sig =
        parse_signature("v=1; a=ed25519-sha256; d=Example.COM; s=s; h=from; bh=YQ==; b=YQ==");
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_EQ(sig->algorithm, Algorithm::ed25519_sha256);
    EXPECT_EQ(sig->header_canon, Canon::simple);  // RFC 6376 3.5 c= default
    EXPECT_EQ(sig->body_canon, Canon::simple);
    EXPECT_EQ(sig->identity, "@Example.COM");
    EXPECT_FALSE(sig->body_length.has_value());
    auto relaxed =
        parse_signature("v=1; a=rsa-sha1; c=relaxed; d=e.com; s=s; h=From; bh=YQ==; b=YQ==");
    ASSERT_TRUE(relaxed.ok());
    EXPECT_EQ(relaxed->algorithm, Algorithm::rsa_sha1);
    EXPECT_EQ(relaxed->header_canon, Canon::relaxed);
    EXPECT_EQ(relaxed->body_canon, Canon::simple);  // body part defaults to simple
}

TEST(DkimSignature, RejectsHostileTagLists) {
    const std::string base = "a=rsa-sha256; d=example.com; s=s; h=From; bh=YQ==; b=YQ==";
    const char* cases[] = {
        "a=rsa-sha256; d=example.com; s=s; h=From; bh=YQ==; b=YQ==",            // no v=
        "v=2; a=rsa-sha256; d=example.com; s=s; h=From; bh=YQ==; b=YQ==",       // bad v=
        "v=1; a=rsa-md5; d=example.com; s=s; h=From; bh=YQ==; b=YQ==",          // unknown a=
        "v=1; a=rsa-sha256; d=example.com; s=s; h=To; bh=YQ==; b=YQ==",         // no From
        "v=1; a=rsa-sha256; d=example.com; s=s; h=From; bh=YQ==; b=!!",         // bad base64
        "v=1; a=rsa-sha256; d=example.com; s=s; h=From; bh=YQ==; b=",           // empty b=
        "v=1; a=rsa-sha256; d=example.com; s=s; h=From; b=YQ==",                // no bh=
        "v=1; a=rsa-sha256; s=s; h=From; bh=YQ==; b=YQ==",                      // no d=
        "v=1; a=rsa-sha256; d=example.com; h=From; bh=YQ==; b=YQ==",            // no s=
        "v=1; a=rsa-sha256; d=example.com; s=s; bh=YQ==; b=YQ==",               // no h=
        "v=1; v=1; a=rsa-sha256; d=example.com; s=s; h=From; bh=YQ==; b=YQ==",  // duplicate
        "v=1; a=rsa-sha256; c=fancy; d=example.com; s=s; h=From; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; c=simple/simple/simple; d=e.com; s=s; h=From; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; i=u@other.com; s=s; h=From; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; i=u@badexample.com; s=s; h=From; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; i=nodomain; s=s; h=From; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; s=s; h=From; l=-1; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; s=s; h=From; l=99999999999999999999; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; s=s; h=From; t=20; x=10; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; s=s; h=From; t=1e3; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; s=s; h=From; q=http/x; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=exa mple.com; s=s; h=From; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example..com; s=s; h=From; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; s=a/b; h=From; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; s=s; h=From::To; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; s=s; h=From:T o; bh=YQ==; b=YQ==",
        "v=1; a=rsa-sha256; d=example.com; s=s; h=From; bh=YQ==; b=YQ==; junk",
    };
    for (const char* text : cases) {
        auto sig = parse_signature(text);
        EXPECT_FALSE(sig.ok()) << "accepted: " << text;
        if (!sig.ok()) {
            EXPECT_EQ(sig.error().code, Errc::invalid);
        }
    }
    EXPECT_TRUE(parse_signature("v=1; " + base).ok());
    // Unknown tags are ignored (RFC 6376 3.2), q= may list other methods too.
    EXPECT_TRUE(parse_signature("v=1; zz=what; q=dns/txt:other/x; " + base).ok());
}

TEST(DkimSignature, IdentityWithinDomain) {
    EXPECT_TRUE(is_same_or_subdomain("a.Example.com", "example.COM"));
    EXPECT_TRUE(is_same_or_subdomain("example.com", "example.com"));
    EXPECT_FALSE(is_same_or_subdomain("badexample.com", "example.com"));
    EXPECT_FALSE(is_same_or_subdomain("com", "example.com"));
    EXPECT_EQ(identity_domain("a@b@c.example"), "c.example");
}

TEST(DkimSignature, RemovesOnlyTheBValue) {
    EXPECT_EQ(remove_b_value("DKIM-Signature: a=1; bh=xyz; b=abc\r\n def\r\n"),
              "DKIM-Signature: a=1; bh=xyz; b=");
    EXPECT_EQ(remove_b_value("DKIM-Signature: b= abc ; bh=xyz\r\n"),
              "DKIM-Signature: b=; bh=xyz\r\n");
    EXPECT_EQ(remove_b_value("DKIM-Signature: bh=xyz\r\n"), "DKIM-Signature: bh=xyz\r\n");
}

}  // namespace
}  // namespace tern::mailauth::dkim
