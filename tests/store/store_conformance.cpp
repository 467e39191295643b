// Fixture of the conformance suite, and its account, domain and alias tests.
#include "tests/store/store_conformance.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace tern::store::testing {

void StoreConformance::SetUp() {
    dir_ = std::make_unique<tern::testing::TempDir>();
    store_ = GetParam().factory(dir_->path().string());
    ASSERT_NE(store_, nullptr);
}

void StoreConformance::TearDown() {
    if (store_) store_->close();
    store_.reset();
    dir_.reset();
}

void StoreConformance::reopen() {
    store_->close();
    store_.reset();
    store_ = GetParam().factory(dir_->path().string());
    ASSERT_NE(store_, nullptr);
}

Account StoreConformance::make_account(const std::string& address, uint64_t quota_bytes) {
    const std::string domain = address.substr(address.rfind('@') + 1);
    auto has = store_->has_domain(domain);
    EXPECT_TRUE(has.ok());
    if (has.ok() && !*has) {
        EXPECT_TRUE(store_->add_domain(domain).ok());
    }
    auto account = store_->add_account(address, "$argon2id$test", quota_bytes);
    EXPECT_TRUE(account.ok()) << (account.ok() ? "" : account.error().message);
    return account.ok() ? *account : Account{};
}

MailboxId StoreConformance::mailbox_id(AccountId account, const std::string& name) {
    auto box = store_->find_mailbox(account, name);
    EXPECT_TRUE(box.ok()) << name;
    return box.ok() ? box->id : 0;
}

uint32_t StoreConformance::put(MailboxId mailbox, const std::string& raw,
                               std::vector<std::string> flags) {
    NewMessage m;
    m.raw = raw;
    m.internal_date = 1700000000;
    m.targets.push_back({mailbox, std::move(flags)});
    auto appended = store_->append(m);
    EXPECT_TRUE(appended.ok()) << (appended.ok() ? "" : appended.error().message);
    if (!appended.ok() || appended->size() != 1) return 0;
    return appended->front().uid;
}

std::vector<uint32_t> StoreConformance::uids_of(MailboxId mailbox) {
    auto list = store_->list_messages(mailbox);
    EXPECT_TRUE(list.ok());
    std::vector<uint32_t> out;
    if (list.ok())
        for (const auto& m : *list)
            out.push_back(m.uid);
    return out;
}

Derivers test_derivers() {
    Derivers d;
    d.view = [](std::string_view raw) { return "V" + std::to_string(raw.size()); };
    d.text = [](std::string_view raw) {
        const auto end = raw.find("\r\n\r\n");
        IndexText t;
        t.header = std::string(raw.substr(0, end));
        if (end != std::string_view::npos) t.body = std::string(raw.substr(end + 4));
        return t;
    };
    return d;
}

std::string sample_message(const std::string& tag, size_t extra) {
    std::string raw = "From: a@example.org\r\nSubject: " + tag + "\r\n\r\nbody " + tag + "\r\n";
    raw.append(extra, 'x');
    return raw;
}

// ---- domains ------------------------------------------------------------------

TEST_P(StoreConformance, DomainsAreLowerCasedAndUnique) {
    ASSERT_TRUE(store_->add_domain("Example.ORG").ok());
    ASSERT_TRUE(store_->add_domain("b.test").ok());
    auto again = store_->add_domain("example.org");
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, Errc::exists);
    auto list = store_->list_domains();
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(*list, (std::vector<std::string>{"b.test", "example.org"}));
    EXPECT_TRUE(store_->has_domain("EXAMPLE.org").value());
    EXPECT_FALSE(store_->has_domain("other.org").value());
    ASSERT_TRUE(store_->remove_domain("EXAMPLE.ORG").ok());
    EXPECT_FALSE(store_->has_domain("example.org").value());
    auto missing = store_->remove_domain("example.org");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_P(StoreConformance, RemoveDomainWithAccountsIsInvalid) {
    make_account("u@example.org");
    ASSERT_TRUE(store_->add_alias("sales@example.org", {"u@example.org"}).ok());
    auto busy = store_->remove_domain("example.org");
    ASSERT_FALSE(busy.ok());
    EXPECT_EQ(busy.error().code, Errc::invalid);
    ASSERT_TRUE(store_->remove_account("u@example.org").ok());
    ASSERT_TRUE(store_->remove_domain("example.org").ok());
    EXPECT_EQ(store_->find_alias("sales@example.org").error().code, Errc::not_found);
}

// ---- accounts ------------------------------------------------------------------

TEST_P(StoreConformance, AccountAddressKeepsLocalPartAndLowersDomain) {
    ASSERT_TRUE(store_->add_domain("example.org").ok());
    auto added = store_->add_account("John.Doe@Example.ORG", "$6$hash", 5000);
    ASSERT_TRUE(added.ok()) << added.error().message;
    EXPECT_EQ(added->address, "John.Doe@example.org");
    EXPECT_EQ(added->password_hash, "$6$hash");
    EXPECT_EQ(added->quota_bytes, 5000u);
    EXPECT_EQ(added->used_bytes, 0u);
    EXPECT_FALSE(added->disabled);
    EXPECT_GT(added->created_at, 0);

    auto found = store_->find_account("JOHN.DOE@example.ORG");
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->id, added->id);
    EXPECT_EQ(found->address, "John.Doe@example.org");
    auto by_id = store_->get_account(added->id);
    ASSERT_TRUE(by_id.ok());
    EXPECT_EQ(by_id->address, added->address);
    EXPECT_EQ(store_->get_account(added->id + 1000).error().code, Errc::not_found);
    EXPECT_EQ(store_->find_account("nobody@example.org").error().code, Errc::not_found);
}

TEST_P(StoreConformance, DuplicateAccountIsExistsWhateverTheCase) {
    make_account("a@example.org");
    auto dup = store_->add_account("A@EXAMPLE.org", "h", 0);
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, Errc::exists);
}

TEST_P(StoreConformance, AccountNeedsAnExistingDomain) {
    auto orphan = store_->add_account("a@nowhere.test", "h", 0);
    ASSERT_FALSE(orphan.ok());
    EXPECT_EQ(orphan.error().code, Errc::not_found);
    auto bad = store_->add_account("no-at-sign", "h", 0);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, Errc::invalid);
}

TEST_P(StoreConformance, AccountSettersChangeTheRowAndReportMissing) {
    make_account("a@example.org");
    ASSERT_TRUE(store_->set_password_hash("A@example.org", "$argon2id$new").ok());
    ASSERT_TRUE(store_->set_quota("a@example.org", 12345).ok());
    ASSERT_TRUE(store_->set_disabled("a@example.org", true).ok());
    auto a = store_->find_account("a@example.org");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->password_hash, "$argon2id$new");
    EXPECT_EQ(a->quota_bytes, 12345u);
    EXPECT_TRUE(a->disabled);
    ASSERT_TRUE(store_->set_disabled("a@example.org", false).ok());
    EXPECT_FALSE(store_->find_account("a@example.org")->disabled);
    EXPECT_EQ(store_->set_password_hash("x@example.org", "h").error().code, Errc::not_found);
    EXPECT_EQ(store_->set_quota("x@example.org", 1).error().code, Errc::not_found);
    EXPECT_EQ(store_->set_disabled("x@example.org", true).error().code, Errc::not_found);
}

TEST_P(StoreConformance, ListAccountsFiltersByDomain) {
    make_account("b@one.test");
    make_account("a@one.test");
    make_account("c@two.test");
    auto all = store_->list_accounts("");
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 3u);
    auto one = store_->list_accounts("ONE.test");
    ASSERT_TRUE(one.ok());
    ASSERT_EQ(one->size(), 2u);
    std::vector<std::string> names{(*one)[0].address, (*one)[1].address};
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"a@one.test", "b@one.test"}));
    EXPECT_TRUE(store_->list_accounts("three.test")->empty());
}

TEST_P(StoreConformance, RemoveAccountCascadesToMailboxesMessagesBlobsAndAliases) {
    Account a = make_account("a@example.org");
    Account b = make_account("b@example.org");
    const MailboxId a_inbox = mailbox_id(a.id, "INBOX");
    const MailboxId a_sent = mailbox_id(a.id, "Sent");
    const MailboxId b_inbox = mailbox_id(b.id, "INBOX");
    put(a_inbox, sample_message("only-a"));
    NewMessage shared;
    shared.raw = sample_message("shared");
    shared.targets = {{a_sent, {}}, {b_inbox, {}}};
    auto appended = store_->append(shared);
    ASSERT_TRUE(appended.ok());
    auto only_a = store_->get_message(a_inbox, 1);
    ASSERT_TRUE(only_a.ok());
    auto shared_msg = store_->get_message(b_inbox, appended->at(1).uid);
    ASSERT_TRUE(shared_msg.ok());
    ASSERT_TRUE(store_->add_alias("a@example.org", {"elsewhere@remote.test"}).ok());

    ASSERT_TRUE(store_->remove_account("A@example.org").ok());
    EXPECT_EQ(store_->find_account("a@example.org").error().code, Errc::not_found);
    EXPECT_EQ(store_->get_mailbox(a_inbox).error().code, Errc::not_found);
    EXPECT_EQ(store_->get_mailbox(a_sent).error().code, Errc::not_found);
    EXPECT_EQ(store_->read_blob(only_a->blob).error().code, Errc::not_found);
    EXPECT_EQ(store_->read_blob(shared_msg->blob).value(), shared.raw);
    EXPECT_EQ(store_->find_alias("a@example.org").error().code, Errc::not_found);
    EXPECT_EQ(store_->remove_account("a@example.org").error().code, Errc::not_found);
    EXPECT_TRUE(store_->check().value().empty());
}

// ---- aliases ---------------------------------------------------------------------

TEST_P(StoreConformance, AliasTargetsAppendDeduplicatedAndRemoveOneOrAll) {
    ASSERT_TRUE(store_->add_domain("example.org").ok());
    ASSERT_TRUE(store_->add_alias("team@example.org", {"a@example.org", "b@remote.test"}).ok());
    ASSERT_TRUE(store_->add_alias("team@example.org", {"b@remote.test", "c@example.org"}).ok());
    auto alias = store_->find_alias("team@example.org");
    // Sources compare case-insensitively, like account addresses.
    EXPECT_TRUE(store_->find_alias("TEAM@Example.ORG").ok());
    ASSERT_TRUE(alias.ok());
    EXPECT_EQ(alias->source, "team@example.org");
    EXPECT_EQ(alias->targets,
              (std::vector<std::string>{"a@example.org", "b@remote.test", "c@example.org"}));

    ASSERT_TRUE(store_->remove_alias("team@example.org", "b@remote.test").ok());
    EXPECT_EQ(store_->find_alias("team@example.org")->targets,
              (std::vector<std::string>{"a@example.org", "c@example.org"}));
    EXPECT_EQ(store_->remove_alias("team@example.org", "zz@example.org").error().code,
              Errc::not_found);
    ASSERT_TRUE(store_->remove_alias("team@example.org", "").ok());
    EXPECT_EQ(store_->find_alias("team@example.org").error().code, Errc::not_found);
    EXPECT_EQ(store_->remove_alias("team@example.org", "").error().code, Errc::not_found);
}

TEST_P(StoreConformance, AliasCatchAllAndListingByDomain) {
    ASSERT_TRUE(store_->add_domain("example.org").ok());
    ASSERT_TRUE(store_->add_domain("other.test").ok());
    ASSERT_TRUE(store_->add_alias("@example.org", {"postmaster@example.org"}).ok());
    ASSERT_TRUE(store_->add_alias("x@other.test", {"y@example.org"}).ok());
    auto catch_all = store_->find_alias("@example.org");
    ASSERT_TRUE(catch_all.ok());
    EXPECT_EQ(catch_all->targets, std::vector<std::string>{"postmaster@example.org"});
    // A catch-all is not returned for a specific address: the lookup is exact.
    EXPECT_EQ(store_->find_alias("someone@example.org").error().code, Errc::not_found);

    auto in_example = store_->list_aliases("example.org");
    ASSERT_TRUE(in_example.ok());
    ASSERT_EQ(in_example->size(), 1u);
    EXPECT_EQ(in_example->front().source, "@example.org");
    EXPECT_EQ(store_->list_aliases("")->size(), 2u);

    auto unknown = store_->add_alias("x@unknown.test", {"a@example.org"});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, Errc::not_found);
    auto empty = store_->add_alias("x@example.org", {});
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().code, Errc::invalid);
}

}  // namespace tern::store::testing
