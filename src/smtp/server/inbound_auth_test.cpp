// check_inbound() over an in-memory DNS (STYLE.md 9): SPF from the right and
// the wrong address, DKIM signatures made here with a fresh key whose record
// the resolver serves, DMARC policies p=reject / quarantine / none with pct,
// DNS failures, and the Authentication-Results field (RFC 8601) it builds.
// junk_targets() runs against a real SQLite store.
#include "smtp/server/inbound_auth.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mailauth/arc/sealer.hpp"
#include "mailauth/dkim/signer.hpp"
#include "testing/memory_resolver.hpp"
#include "testing/run_task.hpp"
#include "testing/temp_dir.hpp"

namespace tern::smtp {
namespace {

namespace dkim = mailauth::dkim;
namespace dmarc = mailauth::dmarc;
namespace spf = mailauth::spf;
namespace arc = mailauth::arc;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr char kClient[] = "192.0.2.10";

std::string message_from(const std::string& domain, const std::string& body = "Hi.\r\n") {
    return "From: Alice <alice@" + domain +
           ">\r\n"
           "To: bob@tern.test\r\n"
           "Subject: hello\r\n"
           "Date: Sun, 29 Nov 2026 20:30:52 +0000\r\n"
           "Message-ID: <1@" +
           domain + ">\r\n\r\n" + body;
}

const dkim::PrivateKey& key() {
    static const dkim::PrivateKey k = *dkim::PrivateKey::generate(dkim::KeyType::ed25519);
    return k;
}

std::string signed_by(const std::string& domain, const std::string& message) {
    dkim::SignOptions o;
    o.domain = domain;
    o.selector = "sel";
    o.timestamp = kNow - 60;
    auto field = dkim::sign(message, key(), o);
    EXPECT_TRUE(field.ok()) << field.error().message;
    return *field + message;
}

class InboundAuthTest : public ::testing::Test {
  protected:
    void SetUp() override {
        // good.example: SPF allows our client, DKIM key published, p=reject.
        dns_.add_txt("good.example", "v=spf1 ip4:192.0.2.10 -all");
        dns_.add_txt("sel._domainkey.good.example", dkim::key_record_text(key()));
        dns_.add_txt("_dmarc.good.example", "v=DMARC1; p=reject");
        dns_.add_txt("mta.good.example", "v=spf1 a -all");
        dns_.add_a("mta.good.example", kClient);
        // bad.example: nobody may send, p=reject.
        dns_.add_txt("bad.example", "v=spf1 -all");
        // Subdomains inherit through the organizational domain (sp=quarantine).
        dns_.add_txt("sub.bad.example", "v=spf1 -all");
        dns_.add_txt("_dmarc.bad.example", "v=DMARC1; p=reject; sp=quarantine");
        dns_.add_txt("quar.example", "v=spf1 -all");
        dns_.add_txt("_dmarc.quar.example", "v=DMARC1; p=quarantine");
        dns_.add_txt("few.example", "v=spf1 -all");
        dns_.add_txt("_dmarc.few.example", "v=DMARC1; p=reject; pct=10");
        dns_.add_txt("temp.example", "v=spf1 -all");
        dns_.add_timeout("_dmarc.temp.example");
        dns_.add_txt("open.example", "v=spf1 -all");
    }

    InboundVerdict check(const std::string& message, const std::string& mail_from,
                         InboundAuthSettings s = settings(), const std::string& helo = "mta.test") {
        InboundIdentity who{kClient, helo, mail_from};
        return testing::run_task(check_inbound(who, message, dns_, psl_, s));
    }

    static InboundAuthSettings settings() {
        InboundAuthSettings s;
        s.authserv_id = "mx.tern.test";
        s.receiver = "mx.tern.test";
        s.now = kNow;
        s.sample = 0;
        return s;
    }

    testing::MemoryResolver dns_;
    dmarc::PublicSuffixList psl_ = dmarc::PublicSuffixList::parse("example\ntest\n");
};

TEST_F(InboundAuthTest, AlignedSpfAndDkimPassDmarc) {
    auto v = check(signed_by("good.example", message_from("good.example")), "bounce@good.example");
    ASSERT_TRUE(v.spf && v.dkim && v.dmarc);
    EXPECT_EQ(v.spf->result, spf::SpfResult::pass);
    ASSERT_EQ(v.dkim->size(), 1u);
    EXPECT_EQ((*v.dkim)[0].result, dkim::DkimResult::pass);
    EXPECT_EQ(v.dmarc->result, dmarc::DmarcResult::pass);
    EXPECT_EQ(v.action, InboundAction::deliver);
    EXPECT_TRUE(v.field.starts_with("Authentication-Results: mx.tern.test;")) << v.field;
    EXPECT_THAT(v.field, HasSubstr("spf=pass smtp.mailfrom=bounce@good.example"));
    EXPECT_THAT(v.field, HasSubstr("dkim=pass header.d=good.example header.s=sel header.b="));
    EXPECT_THAT(v.field, HasSubstr("dmarc=pass header.from=good.example"));
    EXPECT_TRUE(v.field.ends_with("\r\n"));
}

TEST_F(InboundAuthTest, RejectPolicyWithSpfAndDkimFailingRejects) {
    auto v = check(message_from("bad.example"), "x@bad.example");
    EXPECT_EQ(v.spf->result, spf::SpfResult::fail);
    EXPECT_TRUE(v.dkim->empty());
    EXPECT_EQ(v.dmarc->result, dmarc::DmarcResult::fail);
    EXPECT_EQ(v.action, InboundAction::reject);
    EXPECT_THAT(v.field, HasSubstr("spf=fail smtp.mailfrom=x@bad.example"));
    EXPECT_THAT(v.field, HasSubstr("dkim=none"));
    EXPECT_THAT(v.field, HasSubstr("dmarc=fail header.from=bad.example"));
}

TEST_F(InboundAuthTest, SignatureOfAnotherDomainDoesNotAlign) {
    // A valid signature by good.example on mail From: bad.example.
    auto v = check(signed_by("good.example", message_from("bad.example")), "x@good.example");
    EXPECT_EQ(v.spf->result, spf::SpfResult::pass);
    EXPECT_EQ((*v.dkim)[0].result, dkim::DkimResult::pass);
    EXPECT_EQ(v.dmarc->result, dmarc::DmarcResult::fail);
    EXPECT_EQ(v.action, InboundAction::reject);
}

TEST_F(InboundAuthTest, TamperedBodyFailsDkimButAlignedSpfStillPasses) {
    std::string m = signed_by("good.example", message_from("good.example"));
    m += "appended by a forwarder\r\n";
    auto v = check(m, "bounce@good.example");
    EXPECT_EQ((*v.dkim)[0].result, dkim::DkimResult::fail);
    EXPECT_EQ(v.dmarc->result, dmarc::DmarcResult::pass);
    EXPECT_EQ(v.action, InboundAction::deliver);
    EXPECT_THAT(v.field, HasSubstr("dkim=fail header.d=good.example"));
}

TEST_F(InboundAuthTest, QuarantinePolicyAndSubdomainPolicy) {
    auto v = check(message_from("quar.example"), "x@quar.example");
    EXPECT_EQ(v.action, InboundAction::quarantine);
    auto sub = check(message_from("sub.bad.example"), "x@sub.bad.example");
    EXPECT_EQ(sub.dmarc->result, dmarc::DmarcResult::fail);
    EXPECT_EQ(sub.dmarc->record_domain, "bad.example");
    EXPECT_EQ(sub.action, InboundAction::quarantine);  // sp=quarantine
}

TEST_F(InboundAuthTest, PctSamplesRejectDownToQuarantine) {
    auto s = settings();
    s.sample = 5;  // inside pct=10: the policy applies
    EXPECT_EQ(check(message_from("few.example"), "x@few.example", s).action, InboundAction::reject);
    s.sample = 50;  // outside: RFC 7489 6.6.4, one level lower
    auto v = check(message_from("few.example"), "x@few.example", s);
    EXPECT_TRUE(v.dmarc->sampled_out);
    EXPECT_EQ(v.action, InboundAction::quarantine);
}

TEST_F(InboundAuthTest, NotEnforcedOnlyRecords) {
    auto s = settings();
    s.enforce = false;
    auto v = check(message_from("bad.example"), "x@bad.example", s);
    EXPECT_EQ(v.dmarc->result, dmarc::DmarcResult::fail);
    EXPECT_EQ(v.action, InboundAction::deliver);
    EXPECT_THAT(v.field, HasSubstr("dmarc=fail"));
}

TEST_F(InboundAuthTest, DnsFailureIsTemperrorAndDelivers) {
    auto v = check(message_from("temp.example"), "x@temp.example");
    EXPECT_EQ(v.spf->result, spf::SpfResult::fail);
    EXPECT_EQ(v.dmarc->result, dmarc::DmarcResult::temperror);
    EXPECT_EQ(v.action, InboundAction::deliver);
    EXPECT_THAT(v.field, HasSubstr("dmarc=temperror"));
}

TEST_F(InboundAuthTest, NoDmarcRecordIsNone) {
    auto v = check(message_from("open.example"), "x@open.example");
    EXPECT_EQ(v.dmarc->result, dmarc::DmarcResult::none);
    EXPECT_EQ(v.action, InboundAction::deliver);
    EXPECT_THAT(v.field, HasSubstr("spf=fail"));
    EXPECT_THAT(v.field, HasSubstr("dmarc=none header.from=open.example"));
}

TEST_F(InboundAuthTest, NullSenderChecksHeloIdentity) {
    // RFC 7208 2.4: <> is checked as postmaster@HELO.
    auto v = check(message_from("good.example"), "", settings(), "mta.good.example");
    EXPECT_EQ(v.spf->result, spf::SpfResult::pass);
    EXPECT_EQ(v.spf->domain, "mta.good.example");
    EXPECT_THAT(v.field, HasSubstr("spf=pass smtp.helo=mta.good.example"));
    EXPECT_THAT(v.field, Not(HasSubstr("smtp.mailfrom")));
    // mta.good.example is aligned with good.example (relaxed): DMARC passes.
    EXPECT_EQ(v.dmarc->result, dmarc::DmarcResult::pass);
}

TEST_F(InboundAuthTest, MissingFromIsDmarcPermerrorAndDelivered) {
    auto v = check("Subject: no from\r\n\r\nbody\r\n", "x@bad.example");
    EXPECT_FALSE(v.dmarc);
    EXPECT_FALSE(v.dmarc_error.empty());
    EXPECT_EQ(v.action, InboundAction::deliver);
    EXPECT_THAT(v.field, HasSubstr("dmarc=permerror"));
}

TEST_F(InboundAuthTest, DisabledChecksAreSkippedAndLeftOut) {
    auto s = settings();
    s.spf = false;
    s.dmarc = false;
    dns_.clear_queries();
    auto v = check(signed_by("good.example", message_from("good.example")), "x@bad.example", s);
    EXPECT_FALSE(v.spf);
    EXPECT_FALSE(v.dmarc);
    ASSERT_TRUE(v.dkim);
    EXPECT_THAT(v.field, HasSubstr("dkim=pass"));
    EXPECT_THAT(v.field, Not(HasSubstr("spf=")));
    EXPECT_THAT(v.field, Not(HasSubstr("dmarc=")));
    ASSERT_EQ(dns_.queries().size(), 1u);  // the DKIM key only
    EXPECT_EQ(dns_.queries()[0].name, "sel._domainkey.good.example");

    s.dkim = false;
    s.arc = false;
    s.iprev = false;
    dns_.clear_queries();
    auto none = check(message_from("bad.example"), "x@bad.example", s);
    EXPECT_TRUE(none.field.empty());
    EXPECT_TRUE(dns_.queries().empty());
}

// RFC 8601 2.7.3: the connect-time FCrDNS outcome goes first in the field,
// with the client's address as policy.iprev and the PTR name as a comment;
// no PTR at all is permerror (iprev has no "none").
TEST_F(InboundAuthTest, IprevIsRecordedFirst) {
    InboundIdentity who{kClient, "mta.test", "x@good.example"};
    who.fcrdns = Fcrdns::pass;
    who.fcrdns_name = "mta.good.example";
    auto v =
        testing::run_task(check_inbound(who, message_from("good.example"), dns_, psl_, settings()));
    EXPECT_THAT(v.field, HasSubstr("Authentication-Results: mx.tern.test;\r\n"
                                   "\tiprev=pass policy.iprev=192.0.2.10 (mta.good.example);\r\n"
                                   "\tspf=pass"));

    who.fcrdns = Fcrdns::none;
    who.fcrdns_name.clear();
    auto s = settings();
    s.spf = s.dkim = s.dmarc = s.arc = false;
    v = testing::run_task(check_inbound(who, message_from("good.example"), dns_, psl_, s));
    EXPECT_EQ(
        v.field,
        "Authentication-Results: mx.tern.test;\r\n\tiprev=permerror policy.iprev=192.0.2.10\r\n");

    // Off: not written even when the session knows the outcome.
    s.iprev = false;
    s.spf = true;
    v = testing::run_task(check_inbound(who, message_from("good.example"), dns_, psl_, s));
    EXPECT_THAT(v.field, Not(HasSubstr("iprev")));
    EXPECT_THAT(v.field, HasSubstr("spf=pass"));

    // Not checked at connect (the session passes no outcome): left out.
    InboundIdentity unknown{kClient, "mta.test", "x@good.example"};
    v = testing::run_task(
        check_inbound(unknown, message_from("good.example"), dns_, psl_, settings()));
    EXPECT_THAT(v.field, Not(HasSubstr("iprev")));
}

TEST_F(InboundAuthTest, SettingsComeFromConfig) {
    config::Config c;
    c.server.hostname = "mx.example.org";
    auto s = inbound_settings(c, kNow);
    EXPECT_EQ(s.authserv_id, "mx.example.org");
    EXPECT_TRUE(s.spf && s.dkim && s.dmarc && s.enforce && s.arc && s.arc_seal && s.iprev);
    c.mailauth.iprev = false;
    EXPECT_FALSE(inbound_settings(c, kNow).iprev);
    c.mailauth.iprev = true;
    c.mailauth.arc = false;  // sealing needs the validation
    EXPECT_FALSE(inbound_settings(c, kNow).arc_seal);
    c.mailauth.authserv_id = "auth.example.org";
    c.mailauth.dmarc_enforce = false;
    s = inbound_settings(c, kNow);
    EXPECT_EQ(s.authserv_id, "auth.example.org");
    EXPECT_FALSE(s.enforce);
}

// RFC 8617: a chain sealed upstream (by "list.example") is validated and
// recorded; arc_seal_forwarded() then adds our set with a key from a
// keyring directory, which validates again (3 sets after a 2-set chain).
const dkim::PrivateKey& rsa_key() {
    static const dkim::PrivateKey k = *dkim::PrivateKey::generate(dkim::KeyType::rsa, 2048);
    return k;
}

std::string sealed_upstream(const std::string& message) {
    arc::SealOptions o;
    o.domain = "list.example";
    o.selector = "arc";
    o.auth_results = "Authentication-Results: mx.list.example; spf=pass smtp.mailfrom=a@x.example";
    o.timestamp = kNow - 60;
    auto fields = arc::seal(message, key(), o);
    EXPECT_TRUE(fields.ok()) << fields.error().message;
    return *fields + message;
}

TEST_F(InboundAuthTest, ArcChainIsValidatedAndRecorded) {
    dns_.add_txt("arc._domainkey.list.example", dkim::key_record_text(key()));
    auto v = check(sealed_upstream(message_from("bad.example")), "x@bad.example");
    ASSERT_TRUE(v.arc);
    EXPECT_EQ(v.arc->result, arc::ChainStatus::pass) << v.arc->reason;
    EXPECT_THAT(v.field, HasSubstr("arc=pass header.oldest-pass=0 smtp.remote-ip=192.0.2.10"));
    // ARC informs only: DMARC still fails and decides the action.
    EXPECT_EQ(v.action, InboundAction::reject);

    auto plain = check(message_from("good.example"), "bounce@good.example");
    ASSERT_TRUE(plain.arc);
    EXPECT_EQ(plain.arc->result, arc::ChainStatus::none);
    EXPECT_THAT(plain.field, HasSubstr("arc=none"));
    EXPECT_THAT(plain.field, Not(HasSubstr("oldest-pass")));

    // A body changed after sealing: fail.
    std::string tampered = sealed_upstream(message_from("good.example", "Original.\r\n"));
    tampered.replace(tampered.find("Original."), 9, "Changed!!");
    auto broken = check(tampered, "bounce@good.example");
    EXPECT_EQ(broken.arc->result, arc::ChainStatus::fail);
    EXPECT_THAT(broken.field, HasSubstr("arc=fail"));

    auto s = settings();
    s.arc = false;
    auto off = check(message_from("good.example"), "bounce@good.example", s);
    EXPECT_FALSE(off.arc);
    EXPECT_THAT(off.field, Not(HasSubstr("\tarc=")));  // "dmarc=" holds "arc="
}

TEST_F(InboundAuthTest, ForwardedCopyIsSealedWithTheAliasDomainKey) {
    dns_.add_txt("arc._domainkey.list.example", dkim::key_record_text(key()));
    dns_.add_txt("k2._domainkey.tern.test", dkim::key_record_text(rsa_key()));
    testing::TempDir keys;
    {
        // The keyring's file layout (queue/dkim_keys.hpp): <domain>.<selector>.pem.
        std::ofstream(keys.file("tern.test.k1.pem")) << key().to_pem();
        std::ofstream(keys.file("tern.test.k2.pem")) << rsa_key().to_pem();
    }
    const std::string received = sealed_upstream(message_from("good.example"));
    auto v = check(received, "bounce@good.example");
    const std::string copy = "Received: by mx.tern.test\r\n" + v.field + received;
    auto fields = arc_seal_forwarded(v, copy, "TERN.test", keys.path().string(), kNow);
    ASSERT_TRUE(fields.ok()) << fields.error().message;
    // RSA is preferred over Ed25519 for sealing.
    EXPECT_TRUE(fields->starts_with("ARC-Seal: i=2; a=rsa-sha256; t=1800000000; cv=pass;"))
        << *fields;
    EXPECT_THAT(*fields, HasSubstr("d=tern.test; s=k2;"));
    EXPECT_THAT(*fields, HasSubstr("ARC-Authentication-Results: i=2; mx.tern.test;"));
    const auto again = arc::verify(*fields + copy, dns_);
    EXPECT_EQ(again.result, arc::ChainStatus::pass) << again.reason;
    EXPECT_EQ(again.instances, 2);

    auto missing = arc_seal_forwarded(v, copy, "other.test", keys.path().string(), kNow);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::not_found);
    InboundVerdict unchecked;
    unchecked.field = v.field;
    EXPECT_FALSE(arc_seal_forwarded(unchecked, copy, "tern.test", keys.path().string(), kNow));
}

class JunkTargetsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        store::SqliteOptions so;
        so.path = dir_.file("tern.db");
        auto s = store::open_sqlite(so);
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_ = std::move(*s);
        ASSERT_TRUE(store_->add_domain("tern.test"));
        auto a = store_->add_account("bob@tern.test", "x", 0);
        ASSERT_TRUE(a.ok());
        bob_ = *a;
    }
    void TearDown() override {
        if (store_) store_->close();
    }
    delivery::LocalTarget inbox_target() {
        auto inbox = store_->find_mailbox(bob_.id, "INBOX");
        EXPECT_TRUE(inbox.ok());
        return {bob_.id, bob_.address, inbox->id, 0, 0};
    }

    testing::TempDir dir_;
    std::unique_ptr<store::Store> store_;
    store::Account bob_;
};

TEST_F(JunkTargetsTest, PointsAtTheJunkRole) {
    std::vector<delivery::LocalTarget> targets = {inbox_target(), inbox_target()};
    ASSERT_TRUE(junk_targets(*store_, targets));
    auto junk = store_->find_mailbox(bob_.id, "Junk");
    ASSERT_TRUE(junk.ok());
    EXPECT_EQ(junk->special_use, "\\Junk");
    for (const auto& t : targets)
        EXPECT_EQ(t.mailbox, junk->id);
}

TEST_F(JunkTargetsTest, CreatesJunkWhenTheUserDeletedIt) {
    ASSERT_TRUE(store_->delete_mailbox(bob_.id, "Junk"));
    std::vector<delivery::LocalTarget> targets = {inbox_target()};
    ASSERT_TRUE(junk_targets(*store_, targets));
    auto junk = store_->find_mailbox(bob_.id, "Junk");
    ASSERT_TRUE(junk.ok());
    EXPECT_EQ(junk->special_use, "\\Junk");
    EXPECT_EQ(targets[0].mailbox, junk->id);
}

}  // namespace
}  // namespace tern::smtp
