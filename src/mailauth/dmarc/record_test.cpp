// DMARC record parser: RFC 7489 Appendix B examples, each tag's values and
// defaults, the 6.6.3 fallbacks for p/sp, and records that must be refused.
#include "mailauth/dmarc/record.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::dmarc {
namespace {

DmarcRecord parse_ok(std::string_view txt) {
    auto r = parse_record(txt);
    EXPECT_TRUE(r.ok()) << txt << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : DmarcRecord{};
}

TEST(DmarcRecord, Rfc7489AppendixB) {
    // RFC 7489 B.2.1.
    auto a = parse_ok("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com");
    EXPECT_EQ(a.policy, Policy::none);
    ASSERT_EQ(a.aggregate_uris.size(), 1u);
    EXPECT_EQ(a.aggregate_uris[0].uri, "mailto:dmarc-feedback@example.com");
    EXPECT_EQ(a.aggregate_uris[0].max_size, 0u);
    EXPECT_TRUE(a.usable);
    EXPECT_FALSE(a.policy_fallback);
    // RFC 7489 B.2.4.
    auto b = parse_ok(
        "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com; "
        "ruf=mailto:auth-reports@thirdparty.example.net; pct=25");
    EXPECT_EQ(b.policy, Policy::quarantine);
    EXPECT_EQ(b.percent, 25);
    ASSERT_EQ(b.failure_uris.size(), 1u);
    EXPECT_EQ(b.failure_uris[0].uri, "mailto:auth-reports@thirdparty.example.net");
}

TEST(DmarcRecord, Defaults) {
    auto r = parse_ok("v=DMARC1; p=reject");
    EXPECT_EQ(r.policy, Policy::reject);
    EXPECT_FALSE(r.subdomain_policy.has_value());
    EXPECT_EQ(r.percent, 100);
    EXPECT_EQ(r.dkim_alignment, AlignMode::relaxed);
    EXPECT_EQ(r.spf_alignment, AlignMode::relaxed);
    EXPECT_TRUE(r.aggregate_uris.empty());
    EXPECT_TRUE(r.failure_uris.empty());
    EXPECT_EQ(r.failure_options, "0");
    EXPECT_EQ(r.report_format, "afrf");
    EXPECT_EQ(r.report_interval, 86400u);
}

TEST(DmarcRecord, EveryTag) {
    auto r = parse_ok(
        "v = DMARC1 ;P=Reject; sp=quarantine; pct=0; adkim=s; aspf=S; "
        "rua=mailto:a@example.com!10m , mailto:b@example.net!200; ruf=https://r.example/x!1k; "
        "fo=1 : D:s; rf=AFRF; ri=3600;");
    EXPECT_EQ(r.policy, Policy::reject);
    EXPECT_EQ(r.subdomain_policy, Policy::quarantine);
    EXPECT_EQ(r.percent, 0);
    EXPECT_EQ(r.dkim_alignment, AlignMode::strict);
    EXPECT_EQ(r.spf_alignment, AlignMode::strict);
    ASSERT_EQ(r.aggregate_uris.size(), 2u);
    EXPECT_EQ(r.aggregate_uris[0], (ReportUri{"mailto:a@example.com", 10u << 20}));
    EXPECT_EQ(r.aggregate_uris[1], (ReportUri{"mailto:b@example.net", 200}));
    ASSERT_EQ(r.failure_uris.size(), 1u);
    EXPECT_EQ(r.failure_uris[0], (ReportUri{"https://r.example/x", 1024}));
    EXPECT_EQ(r.failure_options, "1:d:s");
    EXPECT_EQ(r.report_format, "afrf");
    EXPECT_EQ(r.report_interval, 3600u);
}

TEST(DmarcRecord, VersionTag) {
    EXPECT_TRUE(is_dmarc_record("v=DMARC1"));
    EXPECT_TRUE(is_dmarc_record("v=DMARC1;p=none"));
    EXPECT_TRUE(is_dmarc_record(" V =\tDMARC1 ; p=none"));
    EXPECT_FALSE(is_dmarc_record("v=dmarc1; p=none"));  // the value is case-sensitive
    EXPECT_FALSE(is_dmarc_record("v=DMARC10; p=none"));
    EXPECT_FALSE(is_dmarc_record("v=DMARC2; p=none"));
    EXPECT_FALSE(is_dmarc_record("p=none; v=DMARC1"));  // RFC 7489 6.3: v first
    EXPECT_FALSE(is_dmarc_record("v=spf1 -all"));
    EXPECT_FALSE(is_dmarc_record(""));
    EXPECT_FALSE(parse_record("p=reject; v=DMARC1").ok());
    EXPECT_FALSE(parse_record("").ok());
}

TEST(DmarcRecord, SyntaxErrorsRejectTheRecord) {
    for (const char* txt : {
             "v=DMARC1; p",                   // no '='
             "v=DMARC1; p=reject; pct",       // no '='
             "v=DMARC1; p=reject; p=none",    // duplicate tag
             "v=DMARC1; v=DMARC1; p=reject",  // duplicate v
             "v=DMARC1; =reject",             // empty tag name
             "v=DMARC1; 1p=reject",           // bad tag name
             "v=DMARC1; p x=reject",          // bad tag name
             "v=DMARC1; p=reject; a.b=1",     // bad tag name
         }) {
        auto r = parse_record(txt);
        ASSERT_FALSE(r.ok()) << txt;
        EXPECT_EQ(r.error().code, Errc::invalid);
    }
}

TEST(DmarcRecord, UnknownTagsAndEmptySegmentsIgnored) {
    auto r = parse_ok("v=DMARC1;; p=reject; x-future=anything at all; np=none ;");
    EXPECT_EQ(r.policy, Policy::reject);
    EXPECT_TRUE(r.usable);
}

TEST(DmarcRecord, BadValuesFallBackToDefaults) {
    // RFC 7489 6.3: syntax errors in the remainder use the default values.
    auto r = parse_ok(
        "v=DMARC1; p=reject; pct=101; adkim=x; aspf=; fo=2; rf=a b; ri=-1; "
        "rua=mailto:ok@example.com,not a uri,:nouri,mailto:x@example.com!5q,"
        "mailto:huge@example.com!99999999999999999t");
    EXPECT_EQ(r.percent, 100);
    EXPECT_EQ(r.dkim_alignment, AlignMode::relaxed);
    EXPECT_EQ(r.spf_alignment, AlignMode::relaxed);
    EXPECT_EQ(r.failure_options, "0");
    EXPECT_EQ(r.report_format, "afrf");
    EXPECT_EQ(r.report_interval, 86400u);
    ASSERT_EQ(r.aggregate_uris.size(), 1u);
    EXPECT_EQ(r.aggregate_uris[0].uri, "mailto:ok@example.com");
    EXPECT_EQ(parse_ok("v=DMARC1; p=none; pct=1000").percent, 100);
    EXPECT_EQ(parse_ok("v=DMARC1; p=none; pct=100").percent, 100);
    EXPECT_EQ(parse_ok("v=DMARC1; p=none; pct=007").percent, 7);
}

TEST(DmarcRecord, MissingOrInvalidPolicyFallsBackWithRua) {
    // RFC 7489 6.6.3 step 6: a valid rua turns the record into p=none.
    for (const char* txt :
         {"v=DMARC1; rua=mailto:r@example.com", "v=DMARC1; p=block; rua=mailto:r@example.com",
          "v=DMARC1; p=reject; sp=maybe; rua=mailto:r@example.com"}) {
        auto r = parse_ok(txt);
        EXPECT_TRUE(r.usable) << txt;
        EXPECT_TRUE(r.policy_fallback) << txt;
        EXPECT_EQ(r.policy, Policy::none) << txt;
        EXPECT_FALSE(r.subdomain_policy.has_value()) << txt;
    }
    // ...and without one, no DMARC processing.
    for (const char* txt : {"v=DMARC1", "v=DMARC1; p=", "v=DMARC1; p=reject; sp=x",
                            "v=DMARC1; p=nothing; rua=bogus"}) {
        auto r = parse_ok(txt);
        EXPECT_FALSE(r.usable) << txt;
    }
}

TEST(DmarcRecord, HostileInputNeverThrows) {
    std::string big = "v=DMARC1; p=reject";
    for (int i = 0; i < 2000; ++i)
        big += "; t" + std::to_string(i) + "=" + std::string(50, 'x');
    EXPECT_TRUE(parse_record(big).ok());
    const std::string nul("v=DMARC1; p=reject\0; sp=none", 28);
    // "reject\0" is no policy word, and there is no rua to rescue it.
    auto with_nul = parse_record(nul);
    ASSERT_TRUE(with_nul.ok());
    EXPECT_FALSE(with_nul->usable);
    EXPECT_FALSE(parse_record(std::string(10000, ';')).ok());
    EXPECT_FALSE(parse_record("v=DMARC1; \xff\xfe=1").ok());
}

TEST(DmarcRecord, PolicyNames) {
    EXPECT_EQ(to_string(Policy::none), "none");
    EXPECT_EQ(to_string(Policy::quarantine), "quarantine");
    EXPECT_EQ(to_string(Policy::reject), "reject");
}

}  // namespace
}  // namespace tern::mailauth::dmarc
