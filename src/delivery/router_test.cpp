#include "delivery/router.hpp"

#include <gtest/gtest.h>

#include "testing/temp_dir.hpp"

namespace tern::delivery {
namespace {

class RouterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        store::SqliteOptions options;
        options.path = dir.file("t.db");
        auto s = store::open_sqlite(options);
        ASSERT_TRUE(s.ok()) << s.error().message;
        store = std::move(*s);
        ASSERT_TRUE(store->add_domain("example.org").ok());
        alice = store->add_account("alice@example.org", "x", 0)->id;
        bob = store->add_account("Bob@example.org", "x", 0)->id;
    }
    void TearDown() override { store->close(); }

    store::MailboxId mailbox(store::AccountId a, const char* name) {
        return store->find_mailbox(a, name)->id;
    }

    testing::TempDir dir;
    std::unique_ptr<store::Store> store;
    store::AccountId alice = 0, bob = 0;
};

TEST_F(RouterTest, LocalUserCaseInsensitive) {
    Router r(*store);
    auto res = r.resolve("ALICE@Example.ORG");
    ASSERT_TRUE(res.ok());
    EXPECT_EQ(res->kind, Resolution::Kind::local);
    ASSERT_EQ(res->local.size(), 1u);
    EXPECT_EQ(res->local[0].account, alice);
    EXPECT_EQ(res->local[0].mailbox, mailbox(alice, "INBOX"));
    auto b = r.resolve("bob@example.org");
    ASSERT_TRUE(b.ok());
    ASSERT_EQ(b->local.size(), 1u);
    EXPECT_EQ(b->local[0].address, "Bob@example.org");
}

TEST_F(RouterTest, UnknownUserAndRemoteDomain) {
    Router r(*store);
    EXPECT_EQ(r.resolve("nobody@example.org")->kind, Resolution::Kind::unknown);
    auto remote = r.resolve("someone@elsewhere.net");
    ASSERT_TRUE(remote.ok());
    EXPECT_EQ(remote->kind, Resolution::Kind::remote);
    EXPECT_FALSE(r.resolve("no-at-sign").ok());
}

TEST_F(RouterTest, PlusAddressingUsesTagFolderWhenItExists) {
    Router r(*store);
    ASSERT_TRUE(store->create_mailbox(alice, "lists", "").ok());
    auto tagged = r.resolve("alice+lists@example.org");
    ASSERT_TRUE(tagged.ok());
    ASSERT_EQ(tagged->local.size(), 1u);
    EXPECT_EQ(tagged->local[0].mailbox, mailbox(alice, "lists"));
    auto untagged = r.resolve("alice+nosuch@example.org");
    ASSERT_EQ(untagged->local.size(), 1u);
    EXPECT_EQ(untagged->local[0].mailbox, mailbox(alice, "INBOX"));
}

TEST_F(RouterTest, AliasesExpandToLocalAndRemoteOnceEach) {
    Router r(*store);
    ASSERT_TRUE(store
                    ->add_alias("team@example.org", {"alice@example.org", "bob@example.org",
                                                     "ALICE@example.org", "partner@elsewhere.net"})
                    .ok());
    auto res = r.resolve("team@example.org");
    ASSERT_TRUE(res.ok());
    EXPECT_EQ(res->kind, Resolution::Kind::local);
    EXPECT_EQ(res->local.size(), 2u);  // alice once, bob once
    ASSERT_EQ(res->remote.size(), 1u);
    EXPECT_EQ(res->remote[0], "partner@elsewhere.net");
}

TEST_F(RouterTest, CatchAllTakesUnknownLocalParts) {
    Router r(*store);
    ASSERT_TRUE(store->add_alias("@example.org", {"bob@example.org"}).ok());
    auto res = r.resolve("whatever@example.org");
    ASSERT_TRUE(res.ok());
    ASSERT_EQ(res->local.size(), 1u);
    EXPECT_EQ(res->local[0].account, bob);
    // A real user still gets its own mail.
    EXPECT_EQ(r.resolve("alice@example.org")->local[0].account, alice);
}

TEST_F(RouterTest, AliasLoopsEnd) {
    Router r(*store);
    ASSERT_TRUE(store->add_alias("a@example.org", {"b@example.org"}).ok());
    ASSERT_TRUE(store->add_alias("b@example.org", {"a@example.org", "alice@example.org"}).ok());
    auto res = r.resolve("a@example.org");
    ASSERT_TRUE(res.ok());
    ASSERT_EQ(res->local.size(), 1u);
    EXPECT_EQ(res->local[0].account, alice);
}

TEST_F(RouterTest, DisabledAccountIsReported) {
    Router r(*store);
    ASSERT_TRUE(store->set_disabled("alice@example.org", true).ok());
    auto res = r.resolve("alice@example.org");
    ASSERT_TRUE(res.ok());
    EXPECT_TRUE(res->disabled);
    EXPECT_TRUE(res->local.empty());
}

}  // namespace
}  // namespace tern::delivery
