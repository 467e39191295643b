#include "accounts/password.hpp"

#include <argon2.h>
#include <crypt.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace tern::accounts {
namespace {

// Small costs keep the suite fast under AddressSanitizer.
const Argon2Params kFast{1024, 1, 1};

std::string crypt_with(const char* password, const char* setting) {
    auto data = std::make_unique<crypt_data>();
    const char* out = crypt_r(password, setting, data.get());
    return out ? std::string(out) : std::string();
}

TEST(Password, Argon2idRoundTrip) {
    auto hash = hash_password("correct horse", kFast);
    ASSERT_TRUE(hash.ok()) << hash.error().message;
    EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=1024,t=1,p=1$")) << *hash;
    EXPECT_TRUE(verify_password("correct horse", *hash));
    EXPECT_FALSE(verify_password("correct horsE", *hash));
    EXPECT_FALSE(verify_password("", *hash));
}

TEST(Password, Argon2idIndependentVector) {
    // Published example output of a different Argon2 implementation (the Go
    // tool github.com/jtheo/argon2, README), password "mySuperPass".
    const char* hash =
        "$argon2id$v=19$m=3906,t=4,p=1$ejcSAnKlTR6fhI0SRV7cUw$"
        "6EvE9S1qgsA8PoS96uZzuBGZZWCaeK91CHdHHYzn/"
        "mA";
    EXPECT_TRUE(verify_password("mySuperPass", hash));
    EXPECT_FALSE(verify_password("mySuperPas", hash));
    EXPECT_TRUE(needs_rehash(hash, kFast));
    EXPECT_FALSE(needs_rehash(hash, Argon2Params{3906, 4, 1}));
}

TEST(Password, Argon2iIsAccepted) {
    const char salt[] = "saltsaltsaltsalt";
    char encoded[128] = {};
    ASSERT_EQ(argon2_hash(1, 1024, 1, "legacy", 6, salt, 16, nullptr, 32, encoded, sizeof encoded,
                          Argon2_i, ARGON2_VERSION_13),
              ARGON2_OK);
    EXPECT_TRUE(std::string(encoded).starts_with("$argon2i$v=19$"));
    EXPECT_TRUE(verify_password("legacy", encoded));
    EXPECT_FALSE(verify_password("legacY", encoded));
    EXPECT_TRUE(verify_password("legacy", std::string("{ARGON2I}") + encoded));
    EXPECT_TRUE(needs_rehash(encoded, kFast));
}

TEST(Password, SaltIsRandom) {
    auto a = hash_password("same", kFast);
    auto b = hash_password("same", kFast);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(*a, *b);
    EXPECT_TRUE(verify_password("same", *a));
    EXPECT_TRUE(verify_password("same", *b));
}

TEST(Password, SaltAndTagLengths) {
    auto hash = hash_password("pw", kFast);
    ASSERT_TRUE(hash.ok());
    // "$argon2id$v=19$m=1024,t=1,p=1$" + base64(16 bytes) + "$" + base64(32 bytes),
    // unpadded: 22 and 43 characters.
    auto last = hash->rfind('$');
    auto salt_start = hash->rfind('$', last - 1) + 1;
    EXPECT_EQ(last - salt_start, 22u);
    EXPECT_EQ(hash->size() - last - 1, 43u);
}

TEST(Password, HashRejectsBadInput) {
    EXPECT_EQ(hash_password("", kFast).error().code, Errc::invalid);
    EXPECT_EQ(hash_password(std::string(kMaxPasswordBytes + 1, 'x'), kFast).error().code,
              Errc::invalid);
    EXPECT_EQ(hash_password("pw", Argon2Params{1024, 0, 1}).error().code, Errc::invalid);
    EXPECT_EQ(hash_password("pw", Argon2Params{1024, 1, 0}).error().code, Errc::invalid);
    EXPECT_EQ(hash_password("pw", Argon2Params{4, 1, 1}).error().code, Errc::invalid);
}

TEST(Password, Sha512CryptFromCryptR) {
    std::string hash = crypt_with("secret", "$6$saltsalt$");
    ASSERT_TRUE(hash.starts_with("$6$saltsalt$")) << hash;
    EXPECT_TRUE(verify_password("secret", hash));
    EXPECT_FALSE(verify_password("Secret", hash));
    EXPECT_FALSE(verify_password("secret ", hash));
}

TEST(Password, Sha512CryptIndependentVector) {
    // Computed once with `openssl passwd -6 -salt pepper42 hunter2`.
    const char* hash =
        "$6$pepper42$2j0539JRcAPIL/scUaTbDBsg1j3kwaHBI0KGAr9lDtrclFSEq1Yt22VU6Pd1b74P/vMih/"
        "JtXhymkgNzX/rQf0";
    EXPECT_TRUE(verify_password("hunter2", hash));
    EXPECT_FALSE(verify_password("hunter3", hash));
}

TEST(Password, Sha256CryptIndependentVector) {
    // Computed once with `openssl passwd -5 -salt pepper42 hunter2`.
    const char* hash = "$5$pepper42$UnAVLjMZN5jqBUbvbxz3ZGc92Iu7zuW414mf7J6LrhD";
    EXPECT_TRUE(verify_password("hunter2", hash));
    EXPECT_FALSE(verify_password("hunter", hash));
}

TEST(Password, BcryptVariants) {
    // Debian 12's libxcrypt supports bcrypt; all three prefixes share one
    // algorithm for ASCII passwords.
    for (const char* setting : {"$2b$05$abcdefghijklmnopqrstuu", "$2y$05$abcdefghijklmnopqrstuu",
                                "$2a$05$abcdefghijklmnopqrstuu"}) {
        std::string hash = crypt_with("secret", setting);
        ASSERT_EQ(hash.size(), 60u) << setting << " -> " << hash;
        EXPECT_TRUE(verify_password("secret", hash)) << hash;
        EXPECT_FALSE(verify_password("secreT", hash)) << hash;
    }
}

TEST(Password, DovecotSchemePrefixes) {
    std::string sha = crypt_with("secret", "$6$saltsalt$");
    EXPECT_TRUE(verify_password("secret", "{SHA512-CRYPT}" + sha));
    EXPECT_TRUE(verify_password("secret", "{sha512-crypt}" + sha));
    EXPECT_FALSE(verify_password("wrong", "{SHA512-CRYPT}" + sha));
    std::string blf = crypt_with("secret", "$2y$05$abcdefghijklmnopqrstuu");
    EXPECT_TRUE(verify_password("secret", "{BLF-CRYPT}" + blf));
    auto argon = hash_password("secret", kFast);
    ASSERT_TRUE(argon.ok());
    EXPECT_TRUE(verify_password("secret", "{ARGON2ID}" + *argon));
    // A prefix that does not match the hash that follows is refused.
    EXPECT_FALSE(verify_password("secret", "{BLF-CRYPT}" + sha));
    EXPECT_FALSE(verify_password("secret", "{ARGON2ID}" + sha));
    EXPECT_FALSE(verify_password("secret", "{PLAIN}secret"));
    EXPECT_FALSE(verify_password("secret", "{SHA512-CRYPT" + sha));
}

TEST(Password, UnknownFormatsAreRefused) {
    // crypt(3) would accept a DES setting; we must not.
    std::string des = crypt_with("secret", "ab");
    ASSERT_FALSE(des.empty());
    EXPECT_FALSE(verify_password("secret", des));
    EXPECT_FALSE(verify_password("secret", "secret"));
    EXPECT_FALSE(verify_password("secret", ""));
    EXPECT_FALSE(verify_password("", ""));
    EXPECT_FALSE(verify_password("secret", "$1$saltsalt$abcdefghijklmnopqrstuv"));
    EXPECT_FALSE(verify_password("secret", "$y$j9T$abcdefghijklmnop$"));
}

TEST(Password, MalformedHashesDoNotCrash) {
    auto good = hash_password("secret", kFast);
    ASSERT_TRUE(good.ok());
    const std::string malformed[] = {
        "$argon2id$",
        "$argon2id$v=19$m=1024,t=1,p=1$",
        "$argon2id$v=19$m=1024,t=1,p=1$$",
        "$argon2id$v=19$m=1024,t=1$c2FsdHNhbHRzYWx0$aGFzaA",
        "$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=1024,t=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=1024,t=1,p=1$!!!!$????",
        "$argon2d$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "$6$",
        "$6$saltsalt$",
        "$6$saltsalt$short",
        "$2b$",
        "$2b$99$abcdefghijklmnopqrstuu",
        "$2b$05$abc",
        std::string("$6$salt\0salt$x", 14),
        good->substr(0, good->size() - 1),
        *good + "A",
        "{",
        "{}",
        "{ARGON2ID}",
    };
    for (const auto& hash : malformed) {
        EXPECT_FALSE(verify_password("secret", hash)) << hash;
    }
}

TEST(Password, PasswordsWithNulAndOverLongAreRefused) {
    std::string hash = crypt_with("abc", "$6$saltsalt$");
    EXPECT_TRUE(verify_password("abc", hash));
    // crypt(3) would stop at the NUL and accept this.
    EXPECT_FALSE(verify_password(std::string("abc\0def", 7), hash));
    auto argon = hash_password("pw", kFast);
    ASSERT_TRUE(argon.ok());
    EXPECT_FALSE(verify_password(std::string(kMaxPasswordBytes + 1, 'p'), *argon));
}

TEST(Password, NeedsRehash) {
    auto hash = hash_password("pw", kFast);
    ASSERT_TRUE(hash.ok());
    EXPECT_FALSE(needs_rehash(*hash, kFast));
    EXPECT_FALSE(needs_rehash("{ARGON2ID}" + *hash, kFast));
    EXPECT_TRUE(needs_rehash(*hash, Argon2Params{2048, 1, 1}));
    EXPECT_TRUE(needs_rehash(*hash, Argon2Params{1024, 2, 1}));
    EXPECT_TRUE(needs_rehash(*hash, Argon2Params{1024, 1, 2}));
    EXPECT_TRUE(needs_rehash(crypt_with("pw", "$6$saltsalt$"), kFast));
    EXPECT_TRUE(needs_rehash("$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA", kFast));
    EXPECT_TRUE(needs_rehash("$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA", kFast));
    EXPECT_TRUE(needs_rehash("garbage", kFast));
    EXPECT_TRUE(needs_rehash("", kFast));
}

}  // namespace
}  // namespace tern::accounts
