// ARC sealing and validation round trips (RFC 8617 5.1, 5.2): one, two and
// three forwarding hops, each validating the chain it received and sealing
// with the result, then tampering (body, a seal, a whole set), key trouble,
// the cv=fail rules of 5.1.2, oldest-pass (5.2 step 5), and real chains
// from ../shared/testdata (Stalwart's vectors: Google's i=1 seal, and an
// ed25519 + rsa two-set chain).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/strings.hpp"
#include "mailauth/arc/sealer.hpp"
#include "mailauth/arc/verifier.hpp"
#include "mailauth/dkim/signer.hpp"
#include "testing/memory_resolver.hpp"

namespace tern::mailauth::arc {
namespace {

const std::string kMessage =
    "From: Alice <alice@example.com>\r\n"
    "To: list@lists.example.org\r\n"
    "Subject: Hello  there\r\n"
    "Date: Sun, 29 Nov 2026 20:30:52 +0000\r\n"
    "Message-ID: <1@example.com>\r\n"
    "\r\n"
    "Body line one.\r\n"
    "caf\xc3\xa9  \r\n";

const dkim::PrivateKey& rsa_key() {
    static const dkim::PrivateKey key = *dkim::PrivateKey::generate(dkim::KeyType::rsa, 2048);
    return key;
}
const dkim::PrivateKey& ed_key() {
    static const dkim::PrivateKey key = *dkim::PrivateKey::generate(dkim::KeyType::ed25519);
    return key;
}

class ArcSealVerify : public ::testing::Test {
  protected:
    void SetUp() override {
        dns_.add_txt("rsa._domainkey.hop1.example", dkim::key_record_text(rsa_key()));
        dns_.add_txt("ed._domainkey.hop2.example", dkim::key_record_text(ed_key()));
        dns_.add_txt("rsa._domainkey.hop3.example", dkim::key_record_text(rsa_key()));
    }

    // One forwarding hop: validate what arrived, add a Received field and
    // an Authentication-Results field with arc=, then seal.
    // `change` edits the message after validation, as a mailing list does.
    std::string forward(std::string message, const std::string& domain, const dkim::PrivateKey& key,
                        const std::string& selector, std::string (*change)(std::string) = nullptr) {
        const ArcVerdict received = verify(message, dns_);
        if (change != nullptr) message = change(std::move(message));
        const std::string ar = "Authentication-Results: mx." + domain +
                               ";\r\n\tspf=pass smtp.mailfrom=alice@example.com;\r\n\tarc=" +
                               std::string(to_string(received.result)) + "\r\n";
        const std::string with_trace = "Received: from a by mx." + domain +
                                       "; Sun, 29 Nov 2026 20:31:00 +0000\r\n" + ar + message;
        SealOptions o;
        o.domain = domain;
        o.selector = selector;
        o.auth_results = ar;
        o.chain = received.result;
        o.timestamp = 1'800'000'000;
        auto fields = seal(with_trace, key, o);
        EXPECT_TRUE(fields.ok()) << fields.error().message;
        return fields.value_or("") + with_trace;
    }
    std::string three_hops() {
        std::string m = forward(kMessage, "hop1.example", rsa_key(), "rsa");
        m = forward(m, "hop2.example", ed_key(), "ed");
        return forward(m, "hop3.example", rsa_key(), "rsa");
    }

    tern::testing::MemoryResolver dns_;
};

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

TEST_F(ArcSealVerify, UnsealedMessageIsNone) {
    const ArcVerdict v = verify(kMessage, dns_);
    EXPECT_EQ(v.result, ChainStatus::none);
    EXPECT_EQ(v.instances, 0);
    EXPECT_TRUE(dns_.queries().empty());
}

TEST_F(ArcSealVerify, OneHopPasses) {
    const std::string m = forward(kMessage, "hop1.example", rsa_key(), "rsa");
    EXPECT_TRUE(m.starts_with("ARC-Seal: i=1; a=rsa-sha256; t=1800000000; cv=none;"));
    EXPECT_NE(m.find("\r\nARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed;"),
              std::string::npos);
    EXPECT_NE(m.find("\r\nARC-Authentication-Results: i=1; mx.hop1.example;\r\n\tspf=pass"),
              std::string::npos);
    const ArcVerdict v = verify(m, dns_);
    EXPECT_EQ(v.result, ChainStatus::pass) << v.reason;
    EXPECT_EQ(v.instances, 1);
    EXPECT_EQ(v.oldest_pass, 0);
    // Every line of the new fields fits in 78 columns (RFC 5322 2.1.1).
    for (auto line : split(m.substr(0, m.find("Received:")), '\n'))
        EXPECT_LE(line.size(), 79u) << line;
}

TEST_F(ArcSealVerify, TwoAndThreeHopsPass) {
    std::string m = forward(kMessage, "hop1.example", rsa_key(), "rsa");
    m = forward(m, "hop2.example", ed_key(), "ed");
    EXPECT_TRUE(m.starts_with("ARC-Seal: i=2; a=ed25519-sha256; t=1800000000; cv=pass;"));
    ArcVerdict v = verify(m, dns_);
    EXPECT_EQ(v.result, ChainStatus::pass) << v.reason;
    EXPECT_EQ(v.instances, 2);
    m = forward(m, "hop3.example", rsa_key(), "rsa");
    v = verify(m, dns_);
    EXPECT_EQ(v.result, ChainStatus::pass) << v.reason;
    EXPECT_EQ(v.instances, 3);
    EXPECT_EQ(v.oldest_pass, 0);
    EXPECT_NE(m.find("ARC-Seal: i=3; a=rsa-sha256; t=1800000000; cv=pass;"), std::string::npos);
    // The verifier asked each distinct key once.
    dns_.clear_queries();
    (void)verify(m, dns_);
    EXPECT_EQ(dns_.queries().size(), 3u);
}

TEST_F(ArcSealVerify, TamperedBodyFails) {
    const std::string m = three_hops();
    const ArcVerdict v = verify(replace(m, "Body line one.", "Body line 0ne."), dns_);
    EXPECT_EQ(v.result, ChainStatus::fail);
    EXPECT_NE(v.reason.find("ARC-Message-Signature i=3"), std::string::npos) << v.reason;
}

TEST_F(ArcSealVerify, TamperedSealFails) {
    const std::string m = three_hops();
    // An older seal's t= changed: the AMS still verifies, the seals do not.
    const std::string older = "ARC-Seal: i=2; a=ed25519-sha256; t=1800000000;";
    const ArcVerdict v =
        verify(replace(m, older, "ARC-Seal: i=2; a=ed25519-sha256; t=1800000001;"), dns_);
    EXPECT_EQ(v.result, ChainStatus::fail);
    EXPECT_NE(v.reason.find("ARC-Seal i=3"), std::string::npos) << v.reason;
    // An older AAR rewritten: only the seals cover it.
    const ArcVerdict w = verify(replace(m, "i=1; mx.hop1.example;", "i=1; mx.evil.example;"), dns_);
    EXPECT_EQ(w.result, ChainStatus::fail);
}

TEST_F(ArcSealVerify, MissingInstanceFails) {
    const std::string m = three_hops();
    // Drop the whole i=2 set (three fields): a gap.
    std::string cut = m;
    for (const char* name :
         {"ARC-Seal: i=2;", "ARC-Message-Signature: i=2;", "ARC-Authentication-Results: i=2;"}) {
        const auto begin = cut.find(name);
        ASSERT_NE(begin, std::string::npos);
        auto end = cut.find("\r\n", begin);
        while (cut[end + 2] == '\t' || cut[end + 2] == ' ')
            end = cut.find("\r\n", end + 2);
        cut.erase(begin, end + 2 - begin);
    }
    const ArcVerdict v = verify(cut, dns_);
    EXPECT_EQ(v.result, ChainStatus::fail);
    EXPECT_NE(v.reason.find("incomplete set for i=2"), std::string::npos) << v.reason;
}

TEST_F(ArcSealVerify, KeyTroubleFails) {
    const std::string m = forward(kMessage, "hop1.example", rsa_key(), "rsa");
    tern::testing::MemoryResolver empty;
    EXPECT_EQ(verify(m, empty).result, ChainStatus::fail);
    tern::testing::MemoryResolver timeout;
    timeout.add_timeout("rsa._domainkey.hop1.example");
    EXPECT_EQ(verify(m, timeout).result, ChainStatus::fail);
    tern::testing::MemoryResolver revoked;
    revoked.add_txt("rsa._domainkey.hop1.example", "v=DKIM1; k=rsa; p=");
    EXPECT_EQ(verify(m, revoked).result, ChainStatus::fail);
    tern::testing::MemoryResolver wrong_type;
    wrong_type.add_txt("rsa._domainkey.hop1.example", dkim::key_record_text(ed_key()));
    EXPECT_EQ(verify(m, wrong_type).result, ChainStatus::fail);
}

TEST_F(ArcSealVerify, OldestPassFindsWhereTheMessageChanged) {
    std::string m = forward(kMessage, "hop1.example", rsa_key(), "rsa");
    // Hop 2 is a mailing list that tags the subject after validating: AMS
    // i=1 breaks, the chain (seals) still passes.
    m = forward(m, "hop2.example", ed_key(), "ed", [](std::string s) {
        return replace(std::move(s), "Subject: Hello  there", "Subject: [list] Hello  there");
    });
    m = forward(m, "hop3.example", rsa_key(), "rsa");
    const ArcVerdict v = verify(m, dns_);
    EXPECT_EQ(v.result, ChainStatus::pass) << v.reason;
    EXPECT_EQ(v.oldest_pass, 2);
}

TEST_F(ArcSealVerify, FailedChainIsSealedAloneThenTerminated) {
    std::string m = forward(kMessage, "hop1.example", rsa_key(), "rsa");
    m = replace(m, "Body line one.", "Body line 0ne.");
    // Hop 2 finds the chain failed and seals cv=fail over its own set only.
    m = forward(m, "hop2.example", ed_key(), "ed");
    EXPECT_TRUE(m.starts_with("ARC-Seal: i=2; a=ed25519-sha256; t=1800000000; cv=fail;"));
    const ArcVerdict v = verify(m, dns_);
    EXPECT_EQ(v.result, ChainStatus::fail);
    EXPECT_NE(v.reason.find("cv=fail"), std::string::npos) << v.reason;
    // RFC 8617 5.1 step 1: nobody seals after cv=fail.
    SealOptions o;
    o.domain = "hop3.example";
    o.selector = "rsa";
    o.auth_results = "Authentication-Results: mx.hop3.example; arc=fail";
    o.chain = ChainStatus::fail;
    auto refused = seal(m, rsa_key(), o);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("already failed"), std::string::npos);
}

TEST_F(ArcSealVerify, SealRefusesBadOptions) {
    SealOptions o;
    o.domain = "hop1.example";
    o.selector = "rsa";
    EXPECT_FALSE(seal(kMessage, rsa_key(), o).ok());  // no Authentication-Results
    o.auth_results = "mx.hop1.example; none";
    o.domain = "bad domain";
    EXPECT_FALSE(seal(kMessage, rsa_key(), o).ok());
    o.domain = "hop1.example";
    auto small = dkim::PrivateKey::generate(dkim::KeyType::rsa, 512);
    if (small.ok()) {
        EXPECT_FALSE(seal(kMessage, *small, o).ok());  // RFC 8301 3.2
    }
    // A bare AR value works too.
    auto fields = seal(kMessage, rsa_key(), o);
    ASSERT_TRUE(fields.ok()) << fields.error().message;
    EXPECT_NE(fields->find("ARC-Authentication-Results: i=1; mx.hop1.example; none\r\n"),
              std::string::npos);
    // A claimed pass that does not match the message's chain is refused.
    const std::string sealed = *fields + kMessage;
    auto broken = replace(sealed, "ARC-Authentication-Results: i=1;", "X-Old: i=1;");
    o.chain = ChainStatus::pass;
    EXPECT_FALSE(seal(broken, rsa_key(), o).ok());
}

TEST_F(ArcSealVerify, TooManyKeysFailWithoutLookups) {
    std::string m = three_hops();
    ArcVerifyOptions o;
    o.max_keys = 2;
    dns_.clear_queries();
    ArcVerifier verifier(m, o);
    EXPECT_TRUE(verifier.questions().empty());
    EXPECT_EQ(verifier.result().result, ChainStatus::fail);
}

// ../shared/testdata/dkim/stalwart-mail-auth/arc (PROVENANCE.md there):
// "<owner> <TXT>" lines, a blank line, the message (bare LF line ends).
std::string load_vector(const std::string& name, tern::testing::MemoryResolver& dns) {
    const char* root = std::getenv("TERN_TESTDATA");
    const std::string path = std::string(root != nullptr ? root : "../shared/testdata") +
                             "/dkim/stalwart-mail-auth/arc/" + name;
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << "cannot read " << path;
    std::ostringstream text;
    text << in.rdbuf();
    const std::string all = text.str();
    const std::size_t blank = all.find("\n\n");
    EXPECT_NE(blank, std::string::npos);
    for (auto line : split(std::string_view(all).substr(0, blank), '\n')) {
        const std::size_t space = line.find(' ');
        dns.add_txt(line.substr(0, space), line.substr(space + 1));
    }
    return all.substr(blank + 2);
}

TEST(ArcVectors, GoogleSealedListMailPasses) {
    tern::testing::MemoryResolver dns;
    const std::string m = load_vector("001.txt", dns);
    const ArcVerdict v = verify(m, dns);
    EXPECT_EQ(v.result, ChainStatus::pass) << v.reason;
    EXPECT_EQ(v.instances, 1);
}

TEST(ArcVectors, Ed25519AndRsaTwoSetChainPasses) {
    tern::testing::MemoryResolver dns;
    const std::string m = load_vector("002.txt", dns);
    const ArcVerdict v = verify(m, dns);
    EXPECT_EQ(v.result, ChainStatus::pass) << v.reason;
    EXPECT_EQ(v.instances, 2);
    // And our own third seal on it still validates.
    SealOptions o;
    o.domain = "hop1.example";
    o.selector = "rsa";
    o.auth_results = "mx.hop1.example; arc=pass";
    o.chain = v.result;
    auto fields = seal(m, rsa_key(), o);
    ASSERT_TRUE(fields.ok()) << fields.error().message;
    dns.add_txt("rsa._domainkey.hop1.example", dkim::key_record_text(rsa_key()));
    const ArcVerdict w = verify(*fields + m, dns);
    EXPECT_EQ(w.result, ChainStatus::pass) << w.reason;
    EXPECT_EQ(w.instances, 3);
    // Tampering with the vector's body fails it.
    const auto at = m.find("\n\n");
    ASSERT_NE(at, std::string::npos);
    std::string tampered = m;
    tampered.insert(at + 2, "X");
    EXPECT_EQ(verify(tampered, dns).result, ChainStatus::fail);
}

}  // namespace
}  // namespace tern::mailauth::arc
