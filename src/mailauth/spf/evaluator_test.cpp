// SPF evaluator: the resumable step()/provide() protocol, both drivers, the
// limits of RFC 7208 4.6.4 and the DNS error rules (RFC 7208 2.6, 5).
// The full openspf suite runs in tests/vectors/spf_suite_test.cpp.
#include "mailauth/spf/evaluator.hpp"

#include <gtest/gtest.h>

#include "testing/memory_resolver.hpp"

namespace tern::mailauth::spf {
namespace {

using testing::MemoryResolver;

SpfInput input(const char* ip, const char* mail_from, const char* helo = "mx.example.org") {
    SpfInput in;
    in.ip = *dns::IpAddress::parse(ip);
    in.mail_from = mail_from;
    in.helo = helo;
    return in;
}

TEST(SpfEvaluator, StepsThroughLookupsOneAtATime) {
    MemoryResolver dns;
    dns.add_txt("example.com", "v=spf1 a:mail.example.com -all");
    dns.add_a("mail.example.com", "192.0.2.10");
    SpfEvaluator ev(input("192.0.2.10", "alice@example.com"));

    auto s1 = ev.step();
    ASSERT_TRUE(std::holds_alternative<dns::Question>(s1));
    EXPECT_EQ(std::get<dns::Question>(s1), (dns::Question{"example.com", dns::RecordType::txt}));
    // Asking again without an answer repeats the question.
    EXPECT_EQ(std::get<dns::Question>(ev.step()), std::get<dns::Question>(s1));
    ev.provide(dns.query(std::get<dns::Question>(s1)));

    auto s2 = ev.step();
    ASSERT_TRUE(std::holds_alternative<dns::Question>(s2));
    EXPECT_EQ(std::get<dns::Question>(s2), (dns::Question{"mail.example.com", dns::RecordType::a}));
    ev.provide(dns.query(std::get<dns::Question>(s2)));

    auto s3 = ev.step();
    ASSERT_TRUE(std::holds_alternative<SpfVerdict>(s3));
    const auto& v = std::get<SpfVerdict>(s3);
    EXPECT_EQ(v.result, SpfResult::pass);
    EXPECT_EQ(v.domain, "example.com");
    EXPECT_EQ(v.dns_terms, 1);
    EXPECT_EQ(dns.queries().size(), 2u);
}

TEST(SpfEvaluator, AsyncDriverWithDeferredAnswers) {
    // A resolver that answers later, as the c-ares one will.
    struct Deferred : dns::Resolver {
        MemoryResolver zone;
        std::vector<std::pair<dns::Question, Callback>> waiting;
        void lookup(const dns::Question& q, Callback done) override {
            waiting.emplace_back(q, std::move(done));
        }
    } resolver;
    resolver.zone.add_txt("example.com", "v=spf1 mx -all");
    resolver.zone.add_mx("example.com", 10, "mx1.example.com");
    resolver.zone.add_a("mx1.example.com", "192.0.2.20");
    std::optional<SpfVerdict> got;
    check_spf_async(input("192.0.2.99", "bob@example.com"), resolver,
                    [&](SpfVerdict v) { got = std::move(v); });
    int rounds = 0;
    while (!got && !resolver.waiting.empty() && rounds++ < 10) {
        auto [q, cb] = std::move(resolver.waiting.front());
        resolver.waiting.erase(resolver.waiting.begin());
        cb(resolver.zone.query(q));
    }
    ASSERT_TRUE(got);
    EXPECT_EQ(got->result, SpfResult::fail);
    EXPECT_EQ(rounds, 3);
}

TEST(SpfEvaluator, ResultsForMissingAndBrokenRecords) {
    MemoryResolver dns;
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@nowhere.example"), dns).result, SpfResult::none);
    dns.add_txt("two.example", "v=spf1 -all");
    dns.add_txt("two.example", "v=spf1 +all");
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@two.example"), dns).result, SpfResult::permerror);
    dns.add_txt("bad.example", "v=spf1 frobnicate");
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@bad.example"), dns).result, SpfResult::permerror);
    dns.add_timeout("slow.example");
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@slow.example"), dns).result, SpfResult::temperror);
    dns.set_rcode("fail.example", dns::Rcode::servfail);
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@fail.example"), dns).result, SpfResult::temperror);
    dns.add_txt("empty.example", "v=spf1");
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@empty.example"), dns).result, SpfResult::neutral);
    // RFC 7208 4.3: a single-label domain is "none" without any lookup.
    dns.clear_queries();
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@localhost"), dns).result, SpfResult::none);
    EXPECT_TRUE(dns.queries().empty());
}

TEST(SpfEvaluator, TenDnsTermLimit) {
    MemoryResolver dns;
    std::string record = "v=spf1";
    for (int i = 0; i < 10; ++i)
        record += " a:h" + std::to_string(i) + ".example.com";
    dns.add_txt("ten.example", record + " -all");
    dns.add_txt("eleven.example", record + " a:h10.example.com -all");
    for (int i = 0; i <= 10; ++i)
        dns.add_a("h" + std::to_string(i) + ".example.com", "10.0.0.1");
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@ten.example"), dns).result, SpfResult::fail);
    const auto v = check_spf(input("192.0.2.1", "a@eleven.example"), dns);
    EXPECT_EQ(v.result, SpfResult::permerror);
    EXPECT_EQ(v.dns_terms, 11);
    // An include loop ends at the limit rather than recursing forever.
    dns.add_txt("loop.example", "v=spf1 include:loop.example -all");
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@loop.example"), dns).result, SpfResult::permerror);
}

TEST(SpfEvaluator, TwoVoidLookupLimit) {
    MemoryResolver dns;
    dns.add_txt("two.example", "v=spf1 a:n1.example.com a:n2.example.com -all");
    dns.add_txt("three.example", "v=spf1 a:n1.example.com a:n2.example.com a:n3.example.com -all");
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@two.example"), dns).result, SpfResult::fail);
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@three.example"), dns).result, SpfResult::permerror);
}

TEST(SpfEvaluator, MxNameLimit) {
    MemoryResolver dns;
    dns.add_txt("many.example", "v=spf1 mx -all");
    for (int i = 0; i < 11; ++i)
        dns.add_mx("many.example", 10, "mx.example.com");
    dns.add_a("mx.example.com", "192.0.2.1");
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@many.example"), dns).result, SpfResult::permerror);
}

TEST(SpfEvaluator, HeloIdentityNullSenderAndMappedIpv6) {
    MemoryResolver dns;
    dns.add_txt("mx.example.org", "v=spf1 ip4:192.0.2.0/24 -all");
    // RFC 7208 2.4: a null reverse-path checks postmaster@<HELO>.
    auto v = check_spf(input("192.0.2.5", ""), dns);
    EXPECT_EQ(v.result, SpfResult::pass);
    EXPECT_EQ(v.domain, "mx.example.org");
    SpfInput helo = input("::ffff:192.0.2.5", "alice@elsewhere.example");
    helo.check_helo = true;
    EXPECT_EQ(check_spf(helo, dns).result, SpfResult::pass);
    EXPECT_EQ(check_spf(input("192.0.3.5", "", "mx.example.org"), dns).result, SpfResult::fail);
}

TEST(SpfEvaluator, ExplanationFromExpAndRedirect) {
    MemoryResolver dns;
    dns.add_txt("example.com", "v=spf1 -all exp=why.example.com");
    dns.add_txt("why.example.com", "%{i} may not send for %{d} as %{l}; see %{r}");
    SpfInput in = input("192.0.2.1", "joe@example.com");
    in.receiver = "mx.tern.test";
    auto v = check_spf(in, dns);
    EXPECT_EQ(v.result, SpfResult::fail);
    EXPECT_EQ(v.explanation, "192.0.2.1 may not send for example.com as joe; see mx.tern.test");
    // RFC 7208 6.2: after redirect, only the target's exp is used.
    dns.add_txt("r.example", "v=spf1 redirect=example.com exp=other.example.com");
    dns.add_txt("other.example.com", "wrong");
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@r.example"), dns).explanation,
              "192.0.2.1 may not send for example.com as a; see unknown");
    // A broken explanation is dropped, the result stands.
    dns.add_txt("x.example", "v=spf1 -all exp=bad.example.com");
    dns.add_txt("bad.example.com", "100% wrong");
    v = check_spf(input("192.0.2.1", "a@x.example"), dns);
    EXPECT_EQ(v.result, SpfResult::fail);
    EXPECT_EQ(v.explanation, "");
}

TEST(SpfEvaluator, PtrMechanismAndPMacro) {
    MemoryResolver dns;
    dns.add_txt("example.com", "v=spf1 ptr exists:%{p}.allowed.example.com -all");
    dns.add_ptr("5.2.0.192.in-addr.arpa", "mail.example.com");
    dns.add_ptr("5.2.0.192.in-addr.arpa", "fake.example.com");
    dns.add_a("mail.example.com", "192.0.2.5");
    dns.add_a("fake.example.com", "198.51.100.1");
    EXPECT_EQ(check_spf(input("192.0.2.5", "a@example.com"), dns).result, SpfResult::pass);
    dns.add_ptr("6.2.0.192.in-addr.arpa", "fake.example.com");
    dns.add_a("unknown.allowed.example.com", "127.0.0.2");
    // Not validated: ptr fails to match, %{p} is "unknown".
    EXPECT_EQ(check_spf(input("192.0.2.6", "a@example.com"), dns).result, SpfResult::pass);
    EXPECT_EQ(check_spf(input("192.0.2.7", "a@example.com"), dns).result, SpfResult::pass);
}

TEST(SpfEvaluator, IncludeResultsMapToMatches) {
    MemoryResolver dns;
    dns.add_txt("pass.example", "v=spf1 +all");
    dns.add_txt("fail.example", "v=spf1 -all");
    dns.add_txt("err.example", "v=spf1 include:timeout.example -all");
    dns.add_timeout("timeout.example");
    dns.add_txt("a.example", "v=spf1 include:fail.example include:pass.example -all");
    dns.add_txt("b.example", "v=spf1 include:none.example -all");
    EXPECT_EQ(check_spf(input("192.0.2.1", "x@a.example"), dns).result, SpfResult::pass);
    EXPECT_EQ(check_spf(input("192.0.2.1", "x@b.example"), dns).result, SpfResult::permerror);
    EXPECT_EQ(check_spf(input("192.0.2.1", "x@err.example"), dns).result, SpfResult::temperror);
}

TEST(SpfEvaluator, UnsendableNamesAreVoidWithoutAQuery) {
    MemoryResolver dns;
    // %{l} of a 70-octet local-part makes a label DNS cannot carry.
    dns.add_txt("example.com", "v=spf1 exists:%{l}.example.com a:%{l}.example.com -all");
    const std::string local(70, 'x');
    dns.clear_queries();
    const auto v = check_spf(input("192.0.2.1", (local + "@example.com").c_str()), dns);
    EXPECT_EQ(v.result, SpfResult::fail);
    EXPECT_EQ(dns.queries().size(), 1u);  // only the TXT record
    // RFC 7208 4.3: a domain literal is not a domain: "none", no query.
    dns.clear_queries();
    EXPECT_EQ(check_spf(input("192.0.2.1", "a@[192.0.2.1]"), dns).result, SpfResult::none);
    EXPECT_TRUE(dns.queries().empty());
}

TEST(SpfEvaluator, StrayAnswersAreIgnored) {
    MemoryResolver dns;
    dns.add_txt("example.com", "v=spf1 +all");
    SpfEvaluator ev(input("192.0.2.1", "a@example.com"));
    dns::Answer junk;
    junk.txt.push_back("v=spf1 -all");
    ev.provide(junk);  // nothing was asked yet
    auto q = std::get<dns::Question>(ev.step());
    ev.provide(dns.query(q));
    EXPECT_EQ(std::get<SpfVerdict>(ev.step()).result, SpfResult::pass);
}

}  // namespace
}  // namespace tern::mailauth::spf
