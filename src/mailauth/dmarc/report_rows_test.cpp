// Verdict -> row -> store key -> row, and the policy and rua codecs.
#include "mailauth/dmarc/report_rows.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::dmarc {
namespace {

RowSource source() {
    RowSource s;
    s.client_ip = "192.0.2.44";
    s.mail_from_domain = "bounce.example.net";
    s.helo = "mail.example.net";
    spf::SpfVerdict spf;
    spf.result = spf::SpfResult::softfail;
    spf.domain = "bounce.example.net";
    s.spf = spf;
    dkim::SignatureResult d;
    d.result = dkim::DkimResult::pass;
    d.domain = "example.org";
    d.selector = "s2026";
    s.dkim.push_back(d);
    DmarcRecord rec;
    rec.policy = Policy::reject;
    rec.percent = 25;
    rec.spf_alignment = AlignMode::strict;
    rec.aggregate_uris = {{"mailto:rua@example.org", 10 * 1024 * 1024}, {"mailto:b@x.test", 0}};
    s.verdict.record = rec;
    s.verdict.result = DmarcResult::pass;
    s.verdict.from_domain = "example.org";
    s.verdict.dkim_aligned = true;
    s.disposition = "none";
    return s;
}

TEST(DmarcReportRows, VerdictBecomesARowAndRoundTrips) {
    auto row = report_row(source());
    ASSERT_TRUE(row);
    EXPECT_EQ(row->source_ip, "192.0.2.44");
    EXPECT_EQ(row->header_from, "example.org");
    EXPECT_TRUE(row->dkim_aligned_pass);
    EXPECT_FALSE(row->spf_aligned_pass);
    EXPECT_EQ(row->spf_result, "softfail");
    EXPECT_EQ(row->spf_scope, "mfrom");
    ASSERT_EQ(row->dkim.size(), 1u);
    EXPECT_EQ(row->dkim[0].selector, "s2026");

    std::string key = encode_row(*row);
    auto back = decode_row(key, 7);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->count, 7u);
    EXPECT_EQ(encode_row(*back), key);
    EXPECT_EQ(back->dkim[0].result, "pass");
    EXPECT_EQ(back->spf_domain, "bounce.example.net");
}

TEST(DmarcReportRows, NothingToReportWithoutRua) {
    RowSource s = source();
    s.verdict.record->aggregate_uris.clear();
    EXPECT_FALSE(report_row(s));
    s.verdict.record.reset();
    EXPECT_FALSE(report_row(s));
}

TEST(DmarcReportRows, HostileValuesCannotShiftFields) {
    RowSource s = source();
    s.verdict.from_domain = "evil\texample.org";
    s.dkim[0].selector = "a b/c\td";
    s.dkim[0].domain = "x/y";
    auto row = report_row(s);
    ASSERT_TRUE(row);
    auto back = decode_row(encode_row(*row), 1);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->header_from, "evilexample.org");
    EXPECT_EQ(back->dkim[0].selector, "abcd");
    EXPECT_EQ(back->dkim[0].domain, "xy");
}

TEST(DmarcReportRows, DamagedKeysAreRefused) {
    std::string key = encode_row(*report_row(source()));
    EXPECT_FALSE(decode_row("", 1));
    EXPECT_FALSE(decode_row(key + "\textra", 1));
    std::string bad = key;
    bad.replace(bad.find("none"), 4, "drop");  // disposition
    EXPECT_FALSE(decode_row(bad, 1));
}

TEST(DmarcReportRows, PolicyAndRuaCodecs) {
    RowSource s = source();
    std::string text = encode_policy(s.verdict);
    EXPECT_EQ(text, "r s reject reject 25");
    auto p = decode_policy(text, "example.org");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->domain, "example.org");
    EXPECT_EQ(p->aspf, 's');
    EXPECT_EQ(p->sp, "reject");
    EXPECT_EQ(p->pct, 25u);
    EXPECT_FALSE(decode_policy("r s reject reject 101", "d"));
    EXPECT_FALSE(decode_policy("r s maybe reject 1", "d"));

    auto rua = decode_rua(encode_rua(s.verdict.record->aggregate_uris));
    ASSERT_EQ(rua.size(), 2u);
    EXPECT_EQ(rua[0].uri, "mailto:rua@example.org");
    EXPECT_EQ(rua[0].max_size, 10u * 1024 * 1024);
    EXPECT_EQ(rua[1].max_size, 0u);
    EXPECT_TRUE(decode_rua("").empty());
    EXPECT_TRUE(decode_rua("nobang x!y").empty());
}

}  // namespace
}  // namespace tern::mailauth::dmarc
