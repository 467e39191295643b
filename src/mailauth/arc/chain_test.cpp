// ARC field parsers and the chain structure rules (RFC 8617 4.1, 4.2.1,
// 5.2 steps 1-3): well-formed fields, every required tag, hostile values,
// gaps, duplicates, the 50-instance limit and the cv= rules.
#include "mailauth/arc/chain.hpp"

#include <gtest/gtest.h>

namespace tern::mailauth::arc {
namespace {

const std::string kB = "dGVzdA==";  // any base64 parses; signatures are checked later

std::string seal_value(int i, std::string_view cv) {
    return " i=" + std::to_string(i) + "; a=rsa-sha256; t=1; cv=" + std::string(cv) +
           "; d=example.org; s=sel; b=" + kB;
}
std::string ams_value(int i) {
    return " i=" + std::to_string(i) +
           "; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel; h=From:To; bh=" + kB +
           "; b=" + kB;
}
std::string set_fields(int i, std::string_view cv) {
    return "ARC-Seal:" + seal_value(i, cv) + "\r\nARC-Message-Signature:" + ams_value(i) +
           "\r\nARC-Authentication-Results: i=" + std::to_string(i) +
           "; mx.example.org; spf=pass smtp.mailfrom=a@example.com\r\n";
}
const std::string kRest = "From: a@example.com\r\nTo: b@example.net\r\n\r\nbody\r\n";

Result<std::vector<ArcSet>> chain_of(const std::string& headers, dkim::Message& keep) {
    keep = dkim::split_message(headers + kRest);
    return parse_chain(keep);
}

TEST(ArcParse, SealTags) {
    auto s = parse_seal(seal_value(3, "pass"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->instance, 3);
    EXPECT_EQ(s->cv, ChainStatus::pass);
    EXPECT_EQ(s->domain, "example.org");
    EXPECT_EQ(s->selector, "sel");
    EXPECT_EQ(s->signature, "test");
    EXPECT_EQ(s->timestamp, 1);
    EXPECT_EQ(parse_seal(seal_value(1, "NONE"))->cv, ChainStatus::none);
}

TEST(ArcParse, SealRejectsBadInput) {
    EXPECT_FALSE(parse_seal(seal_value(0, "none")).ok());               // i=0
    EXPECT_FALSE(parse_seal(seal_value(51, "pass")).ok());              // RFC 8617 4.2.1
    EXPECT_FALSE(parse_seal(seal_value(1, "maybe")).ok());              // cv keyword
    EXPECT_FALSE(parse_seal(seal_value(1, "none") + "; h=From").ok());  // 4.1.3
    EXPECT_FALSE(parse_seal(" i=1; a=rsa-sha256; d=example.org; s=s; b=" + kB).ok());  // no cv
    EXPECT_FALSE(parse_seal(" i=1; a=rsa-sha1; cv=none; d=example.org; s=s; b=" + kB).ok());
    EXPECT_FALSE(parse_seal(" i=1; a=rsa-sha256; cv=none; d=ex ample; s=s; b=" + kB).ok());
    EXPECT_FALSE(parse_seal(" i=1; a=rsa-sha256; cv=none; d=example.org; s=s; b=!!").ok());
    EXPECT_FALSE(parse_seal(" i=1; i=2; a=rsa-sha256; cv=none; d=e.org; s=s; b=" + kB).ok());
    EXPECT_FALSE(parse_seal("").ok());
    EXPECT_FALSE(parse_seal(std::string(5000, ';')).ok());
}

TEST(ArcParse, MessageSignatureTags) {
    auto m = parse_message_signature(ams_value(2));
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->instance, 2);
    EXPECT_EQ(m->headers, (std::vector<std::string>{"From", "To"}));
    EXPECT_EQ(m->header_canon, dkim::Canon::relaxed);
    EXPECT_EQ(m->body_canon, dkim::Canon::relaxed);
    // No c=: relaxed/relaxed, as sealers write it.
    auto bare = parse_message_signature(" i=1; a=ed25519-sha256; d=e.org; s=s; h=from; bh=" + kB +
                                        "; b=" + kB);
    ASSERT_TRUE(bare.ok());
    EXPECT_EQ(bare->header_canon, dkim::Canon::relaxed);
    EXPECT_EQ(bare->algorithm, dkim::Algorithm::ed25519_sha256);
    // c=relaxed alone: the body defaults to simple (RFC 6376 3.5).
    auto half = parse_message_signature(
        " i=1; a=rsa-sha256; c=relaxed; d=e.org; s=s; h=from; bh=" + kB + "; b=" + kB);
    ASSERT_TRUE(half.ok());
    EXPECT_EQ(half->body_canon, dkim::Canon::simple);
}

TEST(ArcParse, MessageSignatureRejectsBadInput) {
    const std::string tail = "; bh=" + kB + "; b=" + kB;
    EXPECT_FALSE(parse_message_signature(" i=1; a=rsa-sha256; d=e.org; s=s; h=To" + tail).ok());
    EXPECT_FALSE(
        parse_message_signature(" i=1; a=rsa-sha256; d=e.org; s=s; h=From:ARC-Seal" + tail).ok());
    EXPECT_FALSE(
        parse_message_signature(" i=1; a=rsa-sha256; d=e.org; s=s; h=From; l=3" + tail).ok());
    EXPECT_FALSE(parse_message_signature(" i=1; a=rsa-sha256; d=e.org; s=s; h=From; b=" + kB).ok());
    EXPECT_FALSE(parse_message_signature(" i=x; a=rsa-sha256; d=e.org; s=s; h=From" + tail).ok());
    EXPECT_FALSE(
        parse_message_signature(" i=1; a=rsa-sha256; c=odd; d=e.org; s=s; h=From" + tail).ok());
}

TEST(ArcParse, ResultsInstance) {
    EXPECT_EQ(*parse_results_instance(" i=1; mx.example.org; none"), 1);
    EXPECT_EQ(*parse_results_instance("\r\n\ti = 50 ;x"), 50);
    EXPECT_FALSE(parse_results_instance(" mx.example.org; i=1").ok());
    EXPECT_FALSE(parse_results_instance(" i=1 mx.example.org").ok());
    EXPECT_FALSE(parse_results_instance(" i=51; x").ok());
    EXPECT_FALSE(parse_results_instance(" i=; x").ok());
    EXPECT_FALSE(parse_results_instance("").ok());
}

TEST(ArcChain, NoArcFieldsIsAnEmptyChain) {
    dkim::Message m;
    auto chain = chain_of("", m);
    ASSERT_TRUE(chain.ok());
    EXPECT_TRUE(chain->empty());
}

TEST(ArcChain, CompleteChainInInstanceOrder) {
    dkim::Message m;
    // Newest first, as sealers prepend; the order in the header must not matter.
    auto chain = chain_of(set_fields(3, "pass") + set_fields(1, "none") + set_fields(2, "pass"), m);
    ASSERT_TRUE(chain.ok()) << chain.error().message;
    ASSERT_EQ(chain->size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ((*chain)[i].instance, i + 1);
        EXPECT_EQ((*chain)[i].as.instance, i + 1);
        EXPECT_EQ((*chain)[i].ams.instance, i + 1);
        EXPECT_NE((*chain)[i].results, nullptr);
    }
}

TEST(ArcChain, StructureViolationsFail) {
    dkim::Message m;
    // A gap: i=1 and i=3 only.
    EXPECT_FALSE(chain_of(set_fields(3, "pass") + set_fields(1, "none"), m).ok());
    // A missing AAR.
    EXPECT_FALSE(chain_of("ARC-Seal:" + seal_value(1, "none") +
                              "\r\nARC-Message-Signature:" + ams_value(1) + "\r\n",
                          m)
                     .ok());
    // A duplicated seal.
    EXPECT_FALSE(
        chain_of(set_fields(1, "none") + "ARC-Seal:" + seal_value(1, "none") + "\r\n", m).ok());
    // RFC 8617 5.2 step 3: i=1 must be cv=none, later seals cv=pass.
    EXPECT_FALSE(chain_of(set_fields(1, "pass"), m).ok());
    EXPECT_FALSE(chain_of(set_fields(2, "none") + set_fields(1, "none"), m).ok());
    // Step 2: the newest seal says fail.
    auto failed = chain_of(set_fields(2, "fail") + set_fields(1, "none"), m);
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().message.find("cv=fail"), std::string::npos);
    // A malformed ARC field anywhere fails the chain.
    EXPECT_FALSE(chain_of(set_fields(1, "none") + "ARC-Message-Signature: garbage\r\n", m).ok());
    EXPECT_FALSE(chain_of("ARC-Authentication-Results: mx; none\r\n", m).ok());
}

TEST(ArcChain, FiftySetsAreTheLimit) {
    std::string fifty;
    for (int i = 50; i >= 1; --i)
        fifty += set_fields(i, i == 1 ? "none" : "pass");
    dkim::Message m;
    auto chain = chain_of(fifty, m);
    ASSERT_TRUE(chain.ok()) << chain.error().message;
    EXPECT_EQ(chain->size(), 50u);
    EXPECT_FALSE(chain_of(set_fields(51, "pass") + fifty, m).ok());
}

TEST(ArcChain, ScanIsLenient) {
    const auto m = dkim::split_message(set_fields(2, "fail") + "ARC-Seal: i=1; junk\r\n" + kRest);
    const auto scan = scan_instances(m);
    EXPECT_TRUE(scan.any_arc_field);
    EXPECT_EQ(scan.highest, 2);
    EXPECT_EQ(scan.highest_cv, ChainStatus::fail);
    const auto none = scan_instances(dkim::split_message(kRest));
    EXPECT_FALSE(none.any_arc_field);
    EXPECT_EQ(none.highest, 0);
}

}  // namespace
}  // namespace tern::mailauth::arc
