// DKIM key records (RFC 6376 3.6.1, RFC 8463 4.2).
#include "mailauth/dkim/key_record.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::dkim {
namespace {

TEST(DkimKeyRecord, ParsesFlags) {
    auto key = parse_key_record("v=DKIM1; k=ed25519; h=sha256; s=email; t=y:s; n=note; p=YWJj");
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->type, KeyType::ed25519);
    EXPECT_EQ(key->public_key, "abc");
    EXPECT_TRUE(key->testing);
    EXPECT_TRUE(key->strict_identity);
    EXPECT_TRUE(key->for_email);
    EXPECT_TRUE(key->allows(HashAlg::sha256));
    EXPECT_FALSE(key->allows(HashAlg::sha1));
    EXPECT_FALSE(key->revoked);
}

TEST(DkimKeyRecord, DefaultsAndRevocation) {
    auto key = parse_key_record("p=");
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key->type, KeyType::rsa);
    EXPECT_TRUE(key->revoked);
    EXPECT_TRUE(key->allows(HashAlg::sha1));
    EXPECT_FALSE(key->testing);
    auto other_service = parse_key_record("s=web:other; p=YWJj");
    ASSERT_TRUE(other_service.ok());
    EXPECT_FALSE(other_service->for_email);
    auto star = parse_key_record("s=*; t=x:y2; p=YW Jj");  // unknown flags ignored
    ASSERT_TRUE(star.ok());
    EXPECT_TRUE(star->for_email);
    EXPECT_FALSE(star->testing);
    EXPECT_EQ(star->public_key, "abc");
}

TEST(DkimKeyRecord, RejectsMalformedRecords) {
    for (const char* bad :
         {"v=DKIM2; p=YWJj", "k=rsa; v=DKIM1; p=YWJj", "k=dsa; p=YWJj", "v=DKIM1; k=rsa", "p=!!!!",
          "p=YWJj; p=YWJj", "v=DKIM1 p=YWJj", "p=YWJj;;"}) {
        EXPECT_FALSE(parse_key_record(bad).ok()) << "accepted: " << bad;
    }
}

}  // namespace
}  // namespace tern::mailauth::dkim
