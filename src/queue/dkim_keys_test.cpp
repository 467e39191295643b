#include "queue/dkim_keys.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "mailauth/dkim/signer.hpp"
#include "mailauth/dkim/verifier.hpp"
#include "testing/memory_resolver.hpp"
#include "testing/temp_dir.hpp"

namespace tern::queue {
namespace {

namespace dkim = mailauth::dkim;

class DkimKeyringTest : public ::testing::Test {
  protected:
    // Writes a key file the way `tern dkim keygen` does and publishes its
    // record in the resolver.
    void make_key(const std::string& domain, const std::string& selector, dkim::KeyType type) {
        auto key = dkim::PrivateKey::generate(type, 2048);
        ASSERT_TRUE(key.ok());
        std::ofstream(dir_.file(domain + "." + selector + ".pem")) << key->to_pem();
        dns_.add_txt(selector + "._domainkey." + domain, dkim::key_record_text(*key));
    }
    std::vector<dkim::SignatureResult> verify(const std::string& message) {
        dkim::VerifyOptions o;
        o.now = 1'800'000'000;
        return dkim::verify(message, dns_, o);
    }

    tern::testing::TempDir dir_;
    tern::testing::MemoryResolver dns_;
};

const std::string kMessage =
    "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: hi\r\n"
    "Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\nHello Bob.\r\n";

TEST_F(DkimKeyringTest, SignsWithEveryKeyOfTheFromDomainAndTheSignaturesVerify) {
    make_key("example.org", "rsa", dkim::KeyType::rsa);
    make_key("example.org", "ed", dkim::KeyType::ed25519);
    make_key("other.test", "rsa", dkim::KeyType::rsa);
    std::ofstream(dir_.file("notakey.txt")) << "x";
    std::ofstream(dir_.file("broken.sel.pem")) << "not a key";
    auto ring = DkimKeyring::load(dir_.path().string());
    EXPECT_EQ(ring->size(), 3u);

    auto fields = ring->sign(kMessage, 1'800'000'000);
    ASSERT_TRUE(fields.ok()) << fields.error().message;
    EXPECT_NE(fields->find("a=ed25519-sha256"), std::string::npos);
    EXPECT_NE(fields->find("a=rsa-sha256"), std::string::npos);
    auto results = verify(*fields + kMessage);
    ASSERT_EQ(results.size(), 2u);
    for (const auto& r : results) {
        EXPECT_EQ(r.result, dkim::DkimResult::pass) << r.reason;
        EXPECT_EQ(r.domain, "example.org");
    }
}

TEST_F(DkimKeyringTest, ASubdomainIsSignedWithItsParentsKey) {
    make_key("example.org", "rsa", dkim::KeyType::rsa);
    auto ring = DkimKeyring::load(dir_.path().string());
    std::string sub = kMessage;
    sub.replace(sub.find("@example.org"), 12, "@mail.EXAMPLE.org");
    auto fields = ring->sign(sub, 1'800'000'000);
    ASSERT_TRUE(fields.ok());
    auto results = verify(*fields + sub);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].result, dkim::DkimResult::pass) << results[0].reason;
    EXPECT_EQ(results[0].domain, "example.org");
}

TEST_F(DkimKeyringTest, NoKeyOrNoDirectoryLeavesTheMessageUnsigned) {
    make_key("other.test", "rsa", dkim::KeyType::rsa);
    auto ring = DkimKeyring::load(dir_.path().string());
    EXPECT_EQ(ring->sign(kMessage, 1).value(), "");
    auto none = DkimKeyring::load(dir_.file("absent"));
    EXPECT_EQ(none->size(), 0u);
    EXPECT_EQ(none->sign(kMessage, 1).value(), "");
    // A message without a From field is not signed either.
    EXPECT_EQ(ring->sign("Subject: x\r\n\r\nbody\r\n", 1).value(), "");
}

}  // namespace
}  // namespace tern::queue
