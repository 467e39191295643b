// dane_from_tlsa(): what a TLSA answer means for a host (RFC 7672 2.2, 3.1).
#include "queue/tls_policy.hpp"

#include <gtest/gtest.h>

namespace tern::queue {
namespace {

dns::Answer answer(std::vector<dns::TlsaRecord> records, bool ad = true) {
    dns::Answer a;
    a.authenticated = ad;
    a.tlsa = std::move(records);
    return a;
}

const std::string kSha256(32, '\x11');

TEST(DaneDecision, SecureUsableRecordsMeanDane) {
    DaneDecision d = dane_from_tlsa(
        answer({{3, 1, 1, kSha256}, {2, 0, 1, kSha256}, {1, 1, 1, kSha256}}), "_25._tcp.mx");
    ASSERT_TRUE(d.tls);
    EXPECT_TRUE(d.error.empty());
    EXPECT_EQ(d.tls->level, HostTls::Level::dane);
    EXPECT_EQ(d.tls->source, "dane");
    EXPECT_TRUE(d.tls->required());
    // RFC 7672 3.1.3: PKIX-EE(1) is left out.
    ASSERT_EQ(d.tls->tlsa.size(), 2u);
    EXPECT_EQ(d.tls->tlsa[0].usage, 3);
    EXPECT_EQ(d.tls->tlsa[1].usage, 2);
}

TEST(DaneDecision, OnlyUnusableRecordsStillRequireTls) {
    // PKIX-TA, a bad digest length, an unknown matching type, an unknown selector.
    DaneDecision d = dane_from_tlsa(
        answer({{0, 0, 1, kSha256}, {3, 1, 1, "short"}, {3, 1, 7, kSha256}, {3, 2, 1, kSha256}}),
        "_25._tcp.mx");
    ASSERT_TRUE(d.tls);
    EXPECT_EQ(d.tls->level, HostTls::Level::encrypt);
    EXPECT_TRUE(d.tls->tlsa.empty());
}

TEST(DaneDecision, InsecureOrMissingRecordsMeanNoDane) {
    EXPECT_FALSE(dane_from_tlsa(answer({{3, 1, 1, kSha256}}, false), "n").tls);
    EXPECT_FALSE(dane_from_tlsa(answer({}), "n").tls);
    dns::Answer nx;
    nx.rcode = dns::Rcode::nxdomain;
    nx.authenticated = true;
    DaneDecision d = dane_from_tlsa(nx, "n");
    EXPECT_FALSE(d.tls);
    EXPECT_TRUE(d.error.empty());
}

TEST(DaneDecision, FailedLookupMakesTheHostUnusable) {
    for (auto rcode : {dns::Rcode::servfail, dns::Rcode::timeout}) {
        dns::Answer a;
        a.rcode = rcode;
        DaneDecision d = dane_from_tlsa(a, "_25._tcp.mx.example.org");
        EXPECT_FALSE(d.tls);
        EXPECT_NE(d.error.find("_25._tcp.mx.example.org"), std::string::npos) << d.error;
    }
}

TEST(DaneDecision, TlsaNameAndLevelNames) {
    EXPECT_EQ(tlsa_name("mx.example.org", 25), "_25._tcp.mx.example.org");
    EXPECT_EQ(to_string(HostTls::Level::none), "none");
    EXPECT_EQ(to_string(HostTls::Level::may), "may");
    EXPECT_EQ(to_string(HostTls::Level::encrypt), "encrypt");
    EXPECT_EQ(to_string(HostTls::Level::verify), "verify");
    EXPECT_EQ(to_string(HostTls::Level::dane), "dane");
    EXPECT_FALSE(HostTls{}.required());
}

}  // namespace
}  // namespace tern::queue
