// Signing and verifying round trips (RFC 6376 5, 6; RFC 8463; RFC 8301),
// tampering detection, key flags, clock handling and per-signature results.
#include <gtest/gtest.h>

#include "base/strings.hpp"
#include "mailauth/dkim/signer.hpp"
#include "mailauth/dkim/verifier.hpp"
#include "testing/memory_resolver.hpp"

namespace tern::mailauth::dkim {
namespace {

const std::string kMessage =
    "From: Alice <alice@example.com>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Subject: A  folded\r\n"
    "  subject line\r\n"
    "Date: Sun, 29 Nov 2026 20:30:52 +0000\r\n"
    "Message-ID: <1@example.com>\r\n"
    "X-Unsigned: yes\r\n"
    "\r\n"
    "Hello  Bob,\r\n"
    "\r\n"
    "caf\xc3\xa9 au lait.  \r\n"
    "\r\n";

constexpr std::int64_t kNow = 1'800'000'000;

const PrivateKey& rsa_key() {
    static const PrivateKey key = *PrivateKey::generate(KeyType::rsa, 2048);
    return key;
}
const PrivateKey& ed_key() {
    static const PrivateKey key = *PrivateKey::generate(KeyType::ed25519);
    return key;
}

SignOptions options(std::string selector) {
    SignOptions o;
    o.domain = "example.com";
    o.selector = std::move(selector);
    o.timestamp = kNow;
    return o;
}

VerifyOptions at(std::int64_t now) {
    VerifyOptions o;
    o.now = now;
    return o;
}

class DkimSignVerify : public ::testing::Test {
  protected:
    void SetUp() override {
        dns_.add_txt("rsa._domainkey.example.com", key_record_text(rsa_key()));
        dns_.add_txt("ed._domainkey.example.com", key_record_text(ed_key()));
    }
    std::string signed_with(const PrivateKey& key, SignOptions o, const std::string& m = kMessage) {
        auto field = sign(m, key, o);
        EXPECT_TRUE(field.ok()) << field.error().message;
        return field.ok() ? *field + m : m;
    }
    std::vector<SignatureResult> check(const std::string& m, VerifyOptions o = at(kNow)) {
        return verify(m, dns_, o);
    }
    DkimResult only(const std::string& m, VerifyOptions o = at(kNow)) {
        auto results = check(m, o);
        EXPECT_EQ(results.size(), 1u);
        return results.empty() ? DkimResult::none : results[0].result;
    }
    tern::testing::MemoryResolver dns_;
};

TEST_F(DkimSignVerify, RsaAndEd25519RoundTripInEveryCanonicalization) {
    for (Canon h : {Canon::simple, Canon::relaxed}) {
        for (Canon b : {Canon::simple, Canon::relaxed}) {
            for (const char* sel : {"rsa", "ed"}) {
                SignOptions o = options(sel);
                o.header_canon = h;
                o.body_canon = b;
                const PrivateKey& key = std::string(sel) == "rsa" ? rsa_key() : ed_key();
                auto results = check(signed_with(key, o));
                ASSERT_EQ(results.size(), 1u);
                EXPECT_EQ(results[0].result, DkimResult::pass) << sel << ": " << results[0].reason;
                EXPECT_EQ(results[0].domain, "example.com");
                EXPECT_EQ(results[0].selector, sel);
            }
        }
    }
}

TEST_F(DkimSignVerify, FieldIsFoldedAndOversignsFrom) {
    auto field = sign(kMessage, rsa_key(), options("rsa"));
    ASSERT_TRUE(field.ok());
    EXPECT_TRUE(field->starts_with("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;"));
    EXPECT_TRUE(field->ends_with("\r\n"));
    for (auto line : split(*field, '\n'))
        EXPECT_LE(line.size(), 79u);
    auto sig = parse_signature(std::string_view(*field).substr(15, field->size() - 17));
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_EQ(sig->headers,
              (std::vector<std::string>{"From", "From", "Subject", "Date", "Message-ID", "To"}));
    EXPECT_EQ(sig->timestamp, kNow);
}

TEST_F(DkimSignVerify, BareLfMessagesSignAndVerify) {
    std::string lf = kMessage;
    std::string out;
    for (char c : lf) {
        if (c != '\r') out += c;
    }
    EXPECT_EQ(only(signed_with(ed_key(), options("ed"), out)), DkimResult::pass);
}

TEST_F(DkimSignVerify, DetectsTampering) {
    for (const char* sel : {"rsa", "ed"}) {
        const PrivateKey& key = std::string(sel) == "rsa" ? rsa_key() : ed_key();
        const std::string good = signed_with(key, options(sel));
        ASSERT_EQ(only(good), DkimResult::pass);
        std::string body = good;
        body.replace(body.find("Hello"), 5, "Jello");
        EXPECT_EQ(only(body), DkimResult::fail);
        EXPECT_EQ(check(body)[0].reason, "body hash mismatch");
        std::string subject = good;
        subject.replace(subject.find("subject line"), 7, "Subject");
        EXPECT_EQ(only(subject), DkimResult::fail);
        // RFC 6376 8.15: a second From is caught by the oversigned From.
        std::string extra_from = good + "";
        extra_from.insert(extra_from.find("X-Unsigned"), "From: mallory@evil.example\r\n");
        EXPECT_EQ(only(extra_from), DkimResult::fail);
        // An added To (signed once, present once) sits above the signed one
        // and is not selected... unless placed below: selection is bottom-up.
        std::string extra_to = good;
        extra_to.insert(extra_to.find("X-Unsigned"), "To: mallory@evil.example\r\n");
        EXPECT_EQ(only(extra_to), DkimResult::fail);
        // Unsigned fields and relaxed-equivalent whitespace do not matter.
        std::string harmless = good;
        harmless.replace(harmless.find("X-Unsigned: yes"), 15, "X-Unsigned: no");
        harmless.replace(harmless.find("Hello  Bob,"), 11, "Hello\tBob,  ");
        EXPECT_EQ(only(harmless), DkimResult::pass);
    }
}

TEST_F(DkimSignVerify, ExpiryUsesTheInjectedClock) {
    SignOptions o = options("ed");
    o.expire_after = 3600;
    const std::string m = signed_with(ed_key(), o);
    EXPECT_EQ(only(m, at(kNow + 3600)), DkimResult::pass);
    EXPECT_EQ(only(m, at(kNow + 3600 + 301)), DkimResult::permerror);
    EXPECT_EQ(only(m, at(kNow - 301)), DkimResult::permerror);  // t= in the future
}

TEST_F(DkimSignVerify, KeyRecordFlags) {
    const std::string pub = base64_encode(ed_key().public_der());
    const std::string m = signed_with(ed_key(), options("ed"));
    auto with_key = [&](const std::string& record) {
        tern::testing::MemoryResolver dns;
        dns.add_txt("ed._domainkey.example.com", record);
        return verify(m, dns, at(kNow));
    };
    EXPECT_EQ(with_key("v=DKIM1; k=ed25519; p=")[0].result, DkimResult::permerror);  // revoked
    EXPECT_EQ(with_key("v=DKIM1; k=rsa; p=" + pub)[0].result, DkimResult::permerror);
    EXPECT_EQ(with_key("k=ed25519; s=web; p=" + pub)[0].result, DkimResult::permerror);
    EXPECT_EQ(with_key("k=ed25519; h=sha1; p=" + pub)[0].result, DkimResult::permerror);
    EXPECT_EQ(with_key("k=ed25519; p=YWJj")[0].result, DkimResult::permerror);
    EXPECT_EQ(with_key("v=DKIM9; p=" + pub)[0].result, DkimResult::permerror);
    auto testing = with_key("k=ed25519; t=y; p=" + pub);
    EXPECT_EQ(testing[0].result, DkimResult::pass);
    EXPECT_TRUE(testing[0].testing);
    // t=y: a failure is reported as neutral, not fail (RFC 6376 3.6.1).
    tern::testing::MemoryResolver dns;
    dns.add_txt("ed._domainkey.example.com", "k=ed25519; t=y; p=" + pub);
    std::string tampered = m;
    tampered.replace(tampered.find("Hello"), 5, "Jello");
    EXPECT_EQ(verify(tampered, dns, at(kNow))[0].result, DkimResult::neutral);
}

TEST_F(DkimSignVerify, StrictIdentityFlag) {
    const std::string pub = base64_encode(ed_key().public_der());
    SignOptions o = options("ed");
    o.identity = "alice@mail.example.com";
    const std::string m = signed_with(ed_key(), o);
    tern::testing::MemoryResolver dns;
    dns.add_txt("ed._domainkey.example.com", "k=ed25519; t=s; p=" + pub);
    EXPECT_EQ(verify(m, dns, at(kNow))[0].result, DkimResult::permerror);
    EXPECT_EQ(only(m), DkimResult::pass);
    o.identity = "alice@elsewhere.example";
    EXPECT_FALSE(sign(kMessage, ed_key(), o).ok());
}

TEST_F(DkimSignVerify, BodyLengthIsCountedAndFlagged) {
    SignOptions o = options("rsa");
    o.body_length = true;
    const std::string m = signed_with(rsa_key(), o) + "appended by a list\r\n";
    auto results = check(m);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].result, DkimResult::pass);
    EXPECT_TRUE(results[0].body_truncated);
    // The signed body's trailing empty line is no longer trailing: 2 + 20.
    EXPECT_EQ(results[0].unsigned_body_bytes, 22u);
    VerifyOptions strict = at(kNow);
    strict.allow_partial_body = false;
    EXPECT_EQ(only(m, strict), DkimResult::policy);
}

TEST_F(DkimSignVerify, DnsFailuresAndMissingKeys) {
    const std::string m = signed_with(ed_key(), options("ed"));
    tern::testing::MemoryResolver dns;
    dns.add_timeout("ed._domainkey.example.com");
    EXPECT_EQ(verify(m, dns, at(kNow))[0].result, DkimResult::temperror);
    tern::testing::MemoryResolver servfail;
    servfail.set_rcode("ed._domainkey.example.com", dns::Rcode::servfail);
    EXPECT_EQ(verify(m, servfail, at(kNow))[0].result, DkimResult::temperror);
    tern::testing::MemoryResolver empty;
    EXPECT_EQ(verify(m, empty, at(kNow))[0].result, DkimResult::permerror);
    EXPECT_TRUE(check(kMessage).empty());  // no signature: "none"
}

TEST_F(DkimSignVerify, SeveralSignaturesGetTheirOwnResults) {
    const std::string once = signed_with(ed_key(), options("ed"));
    std::string both = signed_with(rsa_key(), options("rsa"), once);
    both =
        "DKIM-Signature: v=1; a=rsa-sha1; d=example.com; s=rsa; h=From; bh=YQ==; b=YQ==\r\n" + both;
    both = "DKIM-Signature: v=1; garbage\r\n" + both;
    auto results = check(both);
    ASSERT_EQ(results.size(), 4u);
    EXPECT_EQ(results[0].result, DkimResult::permerror);
    EXPECT_EQ(results[1].result, DkimResult::permerror);  // rsa-sha1 refused (RFC 8301)
    EXPECT_EQ(results[2].result, DkimResult::pass);
    EXPECT_EQ(results[2].algorithm, Algorithm::rsa_sha256);
    EXPECT_EQ(results[3].result, DkimResult::pass);
    EXPECT_EQ(results[3].algorithm, Algorithm::ed25519_sha256);
    VerifyOptions legacy = at(kNow);
    legacy.allow_rsa_sha1 = true;
    EXPECT_EQ(check(both, legacy)[1].result, DkimResult::fail);  // verified, and bad
    VerifyOptions few = at(kNow);
    few.max_signatures = 3;
    EXPECT_EQ(check(both, few)[3].result, DkimResult::permerror);
}

TEST_F(DkimSignVerify, SignAllAddsBothAlgorithms) {
    auto fields = sign_all(kMessage, {{&rsa_key(), options("rsa")}, {&ed_key(), options("ed")}});
    ASSERT_TRUE(fields.ok());
    auto results = check(*fields + kMessage);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].algorithm, Algorithm::rsa_sha256);
    EXPECT_EQ(results[0].result, DkimResult::pass);
    EXPECT_EQ(results[1].algorithm, Algorithm::ed25519_sha256);
    EXPECT_EQ(results[1].result, DkimResult::pass);
    EXPECT_FALSE(sign_all(kMessage, {{nullptr, options("ed")}}).ok());
}

TEST_F(DkimSignVerify, OneLookupPerKeyAndFirstUsableRecord) {
    const std::string once = signed_with(ed_key(), options("ed"));
    const std::string twice = signed_with(ed_key(), options("ed"), once);
    tern::testing::MemoryResolver dns;
    // RFC 6376 6.1.2: of several records, a malformed one is passed over.
    dns.add_txt("ED._domainkey.example.com", "v=DKIM1; k=ed25519; p=!!");
    dns.add_txt("ed._domainkey.example.com", key_record_text(ed_key()));
    auto results = verify(twice, dns, at(kNow));
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].result, DkimResult::pass) << results[0].reason;
    EXPECT_EQ(results[1].result, DkimResult::pass);
    EXPECT_EQ(dns.queries().size(), 1u);
}

TEST_F(DkimSignVerify, AsyncDriverMatchesSync) {
    const std::string m =
        signed_with(rsa_key(), options("rsa"), signed_with(ed_key(), options("ed")));
    std::vector<SignatureResult> got;
    int calls = 0;
    verify_async(m, dns_, at(kNow), [&](std::vector<SignatureResult> r) {
        got = std::move(r);
        ++calls;
    });
    EXPECT_EQ(calls, 1);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].result, DkimResult::pass);
    EXPECT_EQ(got[1].result, DkimResult::pass);
}

// Answers later, as the c-ares resolver does on its event loop.
class DeferredResolver : public dns::Resolver {
  public:
    explicit DeferredResolver(tern::testing::MemoryResolver& zone) : zone_(zone) {}
    void lookup(const dns::Question& question, Callback done) override {
        pending_.emplace_back(question, std::move(done));
    }
    void run() {
        auto pending = std::move(pending_);
        for (auto& [q, done] : pending)
            done(zone_.query(q));
    }
    std::size_t waiting() const { return pending_.size(); }

  private:
    tern::testing::MemoryResolver& zone_;
    std::vector<std::pair<dns::Question, Callback>> pending_;
};

TEST_F(DkimSignVerify, AsyncDriverWaitsForLateAnswers) {
    const std::string m =
        signed_with(rsa_key(), options("rsa"), signed_with(ed_key(), options("ed")));
    DeferredResolver resolver(dns_);
    int calls = 0;
    std::vector<SignatureResult> got;
    verify_async(m, resolver, at(kNow), [&](std::vector<SignatureResult> r) {
        got = std::move(r);
        ++calls;
    });
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(resolver.waiting(), 2u);
    resolver.run();
    EXPECT_EQ(calls, 1);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].result, DkimResult::pass);
    EXPECT_EQ(got[1].result, DkimResult::pass);
}

TEST_F(DkimSignVerify, SignRefusesBadInput) {
    EXPECT_FALSE(sign("To: x@example.com\r\n\r\nbody\r\n", ed_key(), options("ed")).ok());
    SignOptions bad = options("ed");
    bad.domain = "exa mple.com";
    EXPECT_FALSE(sign(kMessage, ed_key(), bad).ok());
    auto small = PrivateKey::generate(KeyType::rsa, 512);
    ASSERT_TRUE(small.ok());
    EXPECT_FALSE(sign(kMessage, *small, options("rsa")).ok());
}

TEST_F(DkimSignVerify, PemRoundTrip) {
    auto again = PrivateKey::from_pem(rsa_key().to_pem());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->bits(), 2048);
    EXPECT_EQ(again->public_der(), rsa_key().public_der());
    const std::string pkcs1 = rsa_key().to_pem_traditional();
    EXPECT_TRUE(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----")) << pkcs1;
    auto from_pkcs1 = PrivateKey::from_pem(pkcs1);
    ASSERT_TRUE(from_pkcs1.ok());
    EXPECT_EQ(from_pkcs1->public_der(), rsa_key().public_der());
    EXPECT_FALSE(PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n").ok());
}

}  // namespace
}  // namespace tern::mailauth::dkim
