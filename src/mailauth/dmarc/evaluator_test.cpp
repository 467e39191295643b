// DMARC evaluation end to end over testing::MemoryResolver: policy
// discovery (RFC 7489 6.6.3), alignment, p/sp, pct (6.6.4), DNS errors, and
// the resumable step()/provide() protocol.
#include "mailauth/dmarc/evaluator.hpp"

#include <gtest/gtest.h>

#include "testing/memory_resolver.hpp"

namespace tern::mailauth::dmarc {
namespace {

using dkim::DkimResult;
using spf::SpfResult;
using testing::MemoryResolver;

const PublicSuffixList& psl() {
    static const PublicSuffixList list = PublicSuffixList::parse("com\norg\nuk\nco.uk\ntest\n");
    return list;
}

DmarcInput input(const char* from, SpfResult spf, const char* spf_domain,
                 std::vector<DkimAuth> dkim = {}, int sample = 0) {
    DmarcInput in;
    in.from_domain = from;
    in.spf_result = spf;
    in.spf_domain = spf_domain;
    in.dkim = std::move(dkim);
    in.sample = sample;
    return in;
}

TEST(DmarcEvaluator, StepsThroughFromThenOrganizationalDomain) {
    MemoryResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine");
    DmarcEvaluator ev(input("news.example.com", SpfResult::fail, "news.example.com"), psl());

    auto s1 = ev.step();
    ASSERT_TRUE(std::holds_alternative<dns::Question>(s1));
    EXPECT_EQ(std::get<dns::Question>(s1),
              (dns::Question{"_dmarc.news.example.com", dns::RecordType::txt}));
    EXPECT_EQ(std::get<dns::Question>(ev.step()), std::get<dns::Question>(s1));
    ev.provide(dns.query(std::get<dns::Question>(s1)));

    auto s2 = ev.step();
    ASSERT_TRUE(std::holds_alternative<dns::Question>(s2));
    EXPECT_EQ(std::get<dns::Question>(s2),
              (dns::Question{"_dmarc.example.com", dns::RecordType::txt}));
    ev.provide(dns.query(std::get<dns::Question>(s2)));

    auto s3 = ev.step();
    ASSERT_TRUE(std::holds_alternative<DmarcVerdict>(s3));
    const auto& v = std::get<DmarcVerdict>(s3);
    EXPECT_EQ(v.result, DmarcResult::fail);
    EXPECT_EQ(v.record_domain, "example.com");
    EXPECT_EQ(v.org_domain, "example.com");
    // RFC 7489 6.3: sp governs subdomains when the record is the org's.
    EXPECT_EQ(v.requested, Policy::quarantine);
    EXPECT_EQ(v.disposition, Policy::quarantine);
    EXPECT_FALSE(v.sampled_out);
    ASSERT_TRUE(v.record);
    EXPECT_EQ(v.record->policy, Policy::reject);
    EXPECT_EQ(dns.queries().size(), 2u);
}

TEST(DmarcEvaluator, AlignedSpfOrDkimPasses) {
    MemoryResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    auto v = check_dmarc(input("example.com", SpfResult::pass, "bounces.example.com"), psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::pass);
    EXPECT_TRUE(v.spf_aligned);
    EXPECT_FALSE(v.dkim_aligned);
    EXPECT_EQ(v.disposition, Policy::none);

    v = check_dmarc(
        input("example.com", SpfResult::fail, "example.com",
              {{"other.org", DkimResult::pass}, {"Mail.Example.com", DkimResult::pass}}),
        psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::pass);
    EXPECT_FALSE(v.spf_aligned);
    EXPECT_TRUE(v.dkim_aligned);
    EXPECT_EQ(v.dkim_domain, "mail.example.com");
}

TEST(DmarcEvaluator, UnalignedOrFailingAuthenticationFails) {
    MemoryResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s; aspf=s");
    const DmarcInput cases[] = {
        // SPF passed, but for another organization.
        input("example.com", SpfResult::pass, "example.org"),
        // Strict: a subdomain does not align.
        input("example.com", SpfResult::pass, "mail.example.com",
              {{"mail.example.com", DkimResult::pass}}),
        // Aligned, but not passing.
        input("example.com", SpfResult::softfail, "example.com",
              {{"example.com", DkimResult::fail},
               {"example.com", DkimResult::neutral},
               {"example.com", DkimResult::temperror}}),
    };
    for (const auto& in : cases) {
        auto v = check_dmarc(in, psl(), dns);
        EXPECT_EQ(v.result, DmarcResult::fail);
        EXPECT_EQ(v.requested, Policy::reject);
        EXPECT_EQ(v.disposition, Policy::reject);
        EXPECT_FALSE(v.spf_aligned);
        EXPECT_FALSE(v.dkim_aligned);
    }
}

TEST(DmarcEvaluator, RecordAtFromDomainUsesP) {
    MemoryResolver dns;
    dns.add_txt("_dmarc.news.example.com", "v=DMARC1; p=none; sp=reject");
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    auto v = check_dmarc(input("news.example.com", SpfResult::none, ""), psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::fail);
    EXPECT_EQ(v.record_domain, "news.example.com");
    EXPECT_EQ(v.requested, Policy::none);
    EXPECT_EQ(dns.queries().size(), 1u);  // no fallback when the From domain has one
    // No sp: subdomains get p.
    dns.add_txt("_dmarc.example.org", "v=DMARC1; p=quarantine");
    v = check_dmarc(input("a.b.example.org", SpfResult::none, ""), psl(), dns);
    EXPECT_EQ(v.requested, Policy::quarantine);
}

TEST(DmarcEvaluator, PctSamplingLowersThePolicyOneLevel) {
    MemoryResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; pct=25");
    dns.add_txt("_dmarc.example.org", "v=DMARC1; p=quarantine; pct=0");
    const auto fails = [&](const char* from, int sample) {
        return check_dmarc(input(from, SpfResult::fail, from, {}, sample), psl(), dns);
    };
    auto in = fails("example.com", 24);
    EXPECT_EQ(in.disposition, Policy::reject);
    EXPECT_FALSE(in.sampled_out);
    // RFC 7489 6.6.4: reject becomes quarantine for the others.
    auto out = fails("example.com", 25);
    EXPECT_EQ(out.result, DmarcResult::fail);
    EXPECT_EQ(out.requested, Policy::reject);
    EXPECT_EQ(out.disposition, Policy::quarantine);
    EXPECT_TRUE(out.sampled_out);
    // ...and quarantine becomes none; pct=0 samples nothing.
    auto q = fails("example.org", 0);
    EXPECT_EQ(q.disposition, Policy::none);
    EXPECT_TRUE(q.sampled_out);
    // Out-of-range samples are clamped into [0, 100).
    EXPECT_EQ(fails("example.com", -5).disposition, Policy::reject);
    EXPECT_EQ(fails("example.com", 1000).disposition, Policy::quarantine);
}

TEST(DmarcEvaluator, NoneWhenNoRecordOrSeveral) {
    MemoryResolver dns;
    dns.add_txt("_dmarc.example.com", "some other TXT record");
    dns.add_txt("_dmarc.example.org", "v=DMARC1; p=reject");
    dns.add_txt("_dmarc.example.org", "v=DMARC1; p=none");
    dns.add_txt("_dmarc.nopolicy.com", "v=DMARC1; p=nonsense");
    auto v = check_dmarc(input("mail.example.com", SpfResult::fail, "x.test"), psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::none);
    EXPECT_EQ(v.disposition, Policy::none);
    EXPECT_FALSE(v.record);
    EXPECT_EQ(dns.queries().size(), 2u);
    // RFC 7489 6.6.3: several records, no policy (and no fallback).
    dns.clear_queries();
    v = check_dmarc(input("example.org", SpfResult::fail, "x.test"), psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::none);
    EXPECT_EQ(dns.queries().size(), 1u);
    v = check_dmarc(input("nopolicy.com", SpfResult::fail, "x.test"), psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::none);
}

TEST(DmarcEvaluator, InvalidPolicyWithRuaActsAsNone) {
    MemoryResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=bogus; rua=mailto:d@example.com");
    auto v = check_dmarc(input("example.com", SpfResult::fail, "example.com"), psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::fail);
    EXPECT_EQ(v.requested, Policy::none);
    EXPECT_EQ(v.disposition, Policy::none);
    ASSERT_TRUE(v.record);
    EXPECT_TRUE(v.record->policy_fallback);
}

TEST(DmarcEvaluator, TemperrorOnServfailOrTimeout) {
    MemoryResolver dns;
    dns.set_rcode("_dmarc.example.com", dns::Rcode::servfail);
    auto v = check_dmarc(input("example.com", SpfResult::pass, "example.com"), psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::temperror);
    EXPECT_EQ(v.disposition, Policy::none);
    // A SERVFAIL at the org domain after NXDOMAIN at the From domain.
    v = check_dmarc(input("a.example.com", SpfResult::pass, "example.com"), psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::temperror);
    // A timeout at the From domain does not fall back to the org domain.
    dns.add_timeout("_dmarc.sub.example.org");
    dns.add_txt("_dmarc.example.org", "v=DMARC1; p=none");
    dns.clear_queries();
    v = check_dmarc(input("sub.example.org", SpfResult::pass, "example.org"), psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::temperror);
    EXPECT_EQ(dns.queries().size(), 1u);
}

TEST(DmarcEvaluator, PermerrorForMalformedRecordOrDomain) {
    MemoryResolver dns;
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; pct");
    auto v = check_dmarc(input("example.com", SpfResult::pass, "example.com"), psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::permerror);
    EXPECT_EQ(v.disposition, Policy::none);
    dns.clear_queries();
    for (const char* bad : {"", "exa mple.com", "[192.0.2.1]", "a..b.com"}) {
        v = check_dmarc(input(bad, SpfResult::pass, "example.com"), psl(), dns);
        EXPECT_EQ(v.result, DmarcResult::permerror) << bad;
    }
    EXPECT_TRUE(dns.queries().empty());
}

TEST(DmarcEvaluator, CnameToTheRecordIsFollowed) {
    MemoryResolver dns;
    dns.add_cname("_dmarc.example.com", "policy.provider.test");
    dns.add_txt("policy.provider.test", "v=DMARC1; p=quarantine");
    auto v = check_dmarc(input("example.com", SpfResult::fail, "example.com"), psl(), dns);
    EXPECT_EQ(v.result, DmarcResult::fail);
    EXPECT_EQ(v.disposition, Policy::quarantine);
}

TEST(DmarcEvaluator, AsyncDriverWithDeferredAnswers) {
    struct Deferred : dns::Resolver {
        MemoryResolver zone;
        std::vector<std::pair<dns::Question, Callback>> waiting;
        void lookup(const dns::Question& q, Callback done) override {
            waiting.emplace_back(q, std::move(done));
        }
    } resolver;
    resolver.zone.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    std::optional<DmarcVerdict> got;
    check_dmarc_async(input("mail.example.com", SpfResult::fail, "example.com"), psl(), resolver,
                      [&](DmarcVerdict v) { got = std::move(v); });
    int rounds = 0;
    while (!got && !resolver.waiting.empty() && rounds++ < 10) {
        auto [q, cb] = std::move(resolver.waiting.front());
        resolver.waiting.erase(resolver.waiting.begin());
        cb(resolver.zone.query(q));
    }
    ASSERT_TRUE(got);
    EXPECT_EQ(got->result, DmarcResult::fail);
    EXPECT_EQ(got->disposition, Policy::reject);
    EXPECT_EQ(rounds, 2);

    // A synchronous resolver completes before check_dmarc_async returns.
    MemoryResolver sync;
    sync.add_txt("_dmarc.example.com", "v=DMARC1; p=none");
    std::optional<DmarcVerdict> now;
    check_dmarc_async(input("example.com", SpfResult::pass, "example.com"), psl(), sync,
                      [&](DmarcVerdict v) { now = std::move(v); });
    ASSERT_TRUE(now);
    EXPECT_EQ(now->result, DmarcResult::pass);
}

TEST(DmarcEvaluator, ResultNames) {
    EXPECT_EQ(to_string(DmarcResult::none), "none");
    EXPECT_EQ(to_string(DmarcResult::pass), "pass");
    EXPECT_EQ(to_string(DmarcResult::fail), "fail");
    EXPECT_EQ(to_string(DmarcResult::temperror), "temperror");
    EXPECT_EQ(to_string(DmarcResult::permerror), "permerror");
}

}  // namespace
}  // namespace tern::mailauth::dmarc
