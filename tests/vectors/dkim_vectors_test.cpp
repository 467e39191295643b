// DKIM test vectors (STYLE.md 7): the signed examples of RFC 6376 Appendix A
// and RFC 8463 Appendix A, and the collection in ../shared/testdata/dkim/
// (see its PROVENANCE.md), each verified with its DNS key records served by
// the in-memory resolver.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "base/strings.hpp"
#include "mailauth/dkim/signer.hpp"
#include "mailauth/dkim/verifier.hpp"
#include "testing/memory_resolver.hpp"

namespace tern::mailauth::dkim {
namespace {

// Later than every t= in the vectors; none but 005 has an x=.
constexpr std::int64_t kNow = 1'800'000'000;

std::string testdata(const std::string& relative) {
    const char* root = std::getenv("TERN_TESTDATA");
    return std::string(root != nullptr ? root : "../shared/testdata") + "/dkim/" + relative;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << "cannot read " << path;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Stalwart's format: "<owner> <TXT rdata>" lines, a blank line, the message.
std::string load_stalwart(const std::string& name, tern::testing::MemoryResolver& dns) {
    const std::string text = read_file(testdata("stalwart-mail-auth/dkim/" + name));
    const std::size_t blank = text.find("\n\n");
    EXPECT_NE(blank, std::string::npos);
    for (auto line : split(std::string_view(text).substr(0, blank), '\n')) {
        const std::size_t space = line.find(' ');
        dns.add_txt(line.substr(0, space), line.substr(space + 1));
    }
    return text.substr(blank + 2);
}

std::vector<SignatureResult> verify_at(const std::string& message,
                                       tern::testing::MemoryResolver& dns, std::int64_t now) {
    VerifyOptions options;
    options.now = now;
    return verify(message, dns, options);
}

void expect_all_pass(const std::vector<SignatureResult>& results, std::size_t count) {
    ASSERT_EQ(results.size(), count);
    for (const auto& r : results) {
        EXPECT_EQ(r.result, DkimResult::pass)
            << r.domain << " s=" << r.selector << ": " << r.reason;
    }
}

// The RFC 8463 A.2 public keys, as published for football.example.com.
void add_rfc8463_keys(tern::testing::MemoryResolver& dns) {
    dns.add_txt("brisbane._domainkey.football.example.com",
                "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    std::string rsa = read_file(testdata("dkimpy/test.txt"));
    while (!rsa.empty() && (rsa.back() == '\n' || rsa.back() == '\r'))
        rsa.pop_back();
    dns.add_txt("test._domainkey.football.example.com", rsa);
}

TEST(DkimVectors, Rfc8463AppendixA3BothSignaturesPass) {
    tern::testing::MemoryResolver dns;
    const std::string message = load_stalwart("001.txt", dns);
    const auto results = verify_at(message, dns, kNow);
    expect_all_pass(results, 2);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].algorithm, Algorithm::ed25519_sha256);
    EXPECT_EQ(results[1].algorithm, Algorithm::rsa_sha256);
    // Changing one signed byte breaks both.
    std::string tampered = message;
    tampered.replace(tampered.find("dinner"), 6, "supper");
    for (const auto& r : verify_at(tampered, dns, kNow))
        EXPECT_EQ(r.result, DkimResult::fail);
}

TEST(DkimVectors, StalwartCollectionPasses) {
    const std::pair<const char*, std::size_t> files[] = {
        {"002.txt", 1}, {"003.txt", 2}, {"004.txt", 1}, {"006.txt", 1}};
    for (const auto& [name, count] : files) {
        SCOPED_TRACE(name);
        tern::testing::MemoryResolver dns;
        const std::string message = load_stalwart(name, dns);
        expect_all_pass(verify_at(message, dns, kNow), count);
    }
}

TEST(DkimVectors, ExpiryOfStalwart005FollowsTheClock) {
    tern::testing::MemoryResolver dns;
    const std::string message = load_stalwart("005.txt", dns);
    // PROVENANCE.md: passes at 1667843700, x=1667930064 has passed since.
    expect_all_pass(verify_at(message, dns, 1667843700), 1);
    const auto late = verify_at(message, dns, kNow);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].result, DkimResult::permerror);
    EXPECT_EQ(late[0].reason, "signature expired (x=)");
}

TEST(DkimVectors, Rfc8463PrePublicationSimpleSimple) {
    tern::testing::MemoryResolver dns;
    add_rfc8463_keys(dns);
    const std::string message = read_file(testdata("dkimpy/rfc6376.signed.msg"));
    expect_all_pass(verify_at(message, dns, kNow), 2);
}

TEST(DkimVectors, EximEd25519Interop) {
    tern::testing::MemoryResolver dns;
    std::string record = read_file(testdata("dkimpy/eximtest.dns"));
    while (!record.empty() && (record.back() == '\n' || record.back() == '\r'))
        record.pop_back();
    dns.add_txt("sed._domainkey.test.ex", record);
    expect_all_pass(verify_at(read_file(testdata("dkimpy/ed25519test2.msg")), dns, kNow), 1);
}

TEST(DkimVectors, Rfc6376AppendixA2WithAppendixCKey) {
    // PROVENANCE.md: the Appendix C key, served at the name the A.2
    // signature asks for (brisbane._domainkey.example.com).
    std::string pem = read_file(testdata("dkimpy-ilatypov/rfc-6376-rsa-public.pem"));
    std::string p;
    for (auto line : split(pem, '\n')) {
        if (!line.starts_with("-----")) p += trim(line);
    }
    tern::testing::MemoryResolver dns;
    dns.add_txt("brisbane._domainkey.example.com", "v=DKIM1; p=" + p);
    expect_all_pass(verify_at(read_file(testdata("dkimpy-ilatypov/rfc-6376-email.txt")), dns, kNow),
                    1);
}

TEST(DkimVectors, Rfc8463BodyHashes) {
    // RFC 8463 A.3 bh= (relaxed), and the simple hash of the two-space body
    // given in PROVENANCE.md.
    const Message m = split_message(read_file(testdata("dkimpy/rfc6376.msg")));
    EXPECT_EQ(base64_encode(hash(HashAlg::sha256, canonicalize_body(m.body, Canon::relaxed))),
              "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
    EXPECT_EQ(base64_encode(hash(HashAlg::sha256, canonicalize_body(m.body, Canon::simple))),
              "4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=");
}

TEST(DkimVectors, Rfc8463Ed25519SignatureIsReproducedExactly) {
    // Ed25519 is deterministic (RFC 8032 5.1.6): signing the A.3 header data
    // with the A.1 key must give the A.3 b= byte for byte, which shows the
    // signature is taken over the SHA-256 hash (RFC 8463 3).
    tern::testing::MemoryResolver dns;
    const Message m = split_message(load_stalwart("001.txt", dns));
    ASSERT_FALSE(m.headers.empty());
    const HeaderField& field = m.headers[0];
    std::string_view value = field.raw;
    value.remove_prefix(value.find(':') + 1);
    value.remove_suffix(2);
    auto sig = parse_signature(value);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    ASSERT_EQ(sig->algorithm, Algorithm::ed25519_sha256);
    std::string seed_b64 = read_file(testdata("dkimpy/rfc8032_7_1.key"));
    std::string seed;
    ASSERT_TRUE(base64_decode(std::string(trim(seed_b64.substr(0, seed_b64.find('\n')))), seed));
    auto key = PrivateKey::from_ed25519_seed(seed);
    ASSERT_TRUE(key.ok());
    const std::string data =
        header_hash_input(m, sig->headers, sig->header_canon, remove_b_value(field.raw));
    auto b = key->sign(hash(HashAlg::sha256, data));
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(
        base64_encode(*b),
        "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==");
}

TEST(DkimVectors, SigningWithTheRfc8463Keys) {
    std::string seed_b64 = read_file(testdata("dkimpy/rfc8032_7_1.key"));
    std::string seed;
    ASSERT_TRUE(base64_decode(std::string(trim(seed_b64.substr(0, seed_b64.find('\n')))), seed));
    auto ed = PrivateKey::from_ed25519_seed(seed);
    ASSERT_TRUE(ed.ok()) << ed.error().message;
    // RFC 8463 A.2: the public key that goes with the A.1 private key.
    EXPECT_EQ(key_record_text(*ed),
              "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    auto rsa = PrivateKey::from_pem(read_file(testdata("dkimpy/test.private")));
    ASSERT_TRUE(rsa.ok()) << rsa.error().message;

    tern::testing::MemoryResolver dns;
    add_rfc8463_keys(dns);
    const std::string message = read_file(testdata("dkimpy/rfc6376.msg"));
    SignOptions options;
    options.domain = "football.example.com";
    options.timestamp = 1528637909;
    options.selector = "brisbane";
    auto ed_field = sign(message, *ed, options);
    options.selector = "test";
    auto rsa_field = sign(message, *rsa, options);
    ASSERT_TRUE(ed_field.ok() && rsa_field.ok());
    EXPECT_NE(ed_field->find("bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;"),
              std::string::npos);
    expect_all_pass(verify_at(*rsa_field + *ed_field + message, dns, kNow), 2);
}

}  // namespace
}  // namespace tern::mailauth::dkim
