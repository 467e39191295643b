// Conformance: what the store derives from message bytes (store.hpp
// Derivers): views kept with the bytes and the full-text search of
// SEARCH BODY/TEXT. The backend opens its store with test_derivers().
#include <algorithm>

#include "tests/store/store_conformance.hpp"

namespace tern::store::testing {
namespace {

std::string message(const std::string& subject, const std::string& body) {
    return "From: a@example.org\r\nSubject: " + subject + "\r\n\r\n" + body + "\r\n";
}

// Every message is in exactly one of the two lists; for tests that do not
// care whether the indexer has run yet, the union is what matched.
std::vector<uint32_t> matched_or_pending(const TextMatches& m) {
    std::vector<uint32_t> all = m.uids;
    all.insert(all.end(), m.unindexed.begin(), m.unindexed.end());
    std::sort(all.begin(), all.end());
    return all;
}

}  // namespace

TEST_P(StoreConformance, ViewIsKeptWithTheBytesAndGoesWithThem) {
    auto account = make_account("v@example.org");
    const MailboxId inbox = mailbox_id(account.id, "INBOX");
    const std::string raw = message("hello", "some words");
    const uint32_t uid = put(inbox, raw);
    auto m = store_->get_message(inbox, uid);
    ASSERT_TRUE(m.ok());
    auto view = store_->read_view(m->blob);
    ASSERT_TRUE(view.ok()) << view.error().message;
    EXPECT_EQ(*view, "V" + std::to_string(raw.size()));
    reopen();
    EXPECT_EQ(store_->read_view(m->blob).value(), "V" + std::to_string(raw.size()));
    ASSERT_TRUE(store_->expunge(inbox, {uid}).ok());
    EXPECT_EQ(store_->read_view(m->blob).error().code, Errc::not_found);
}

TEST_P(StoreConformance, SearchTextFindsSubstringsWithoutRegardToCase) {
    auto account = make_account("s@example.org");
    const MailboxId inbox = mailbox_id(account.id, "INBOX");
    const uint32_t a = put(inbox, message("greeting", "Hello WORLD, said the été"));
    const uint32_t b = put(inbox, message("other", "nothing to see: say \"hi\" now"));
    const uint32_t c = put(inbox, message("worldwide", "plain text zq"));
    ASSERT_TRUE(store_->index_pending().ok());

    auto body = store_->search_text(inbox, TextScope::body, "orld");
    ASSERT_TRUE(body.ok()) << body.error().message;
    EXPECT_TRUE(body->unindexed.empty());
    EXPECT_EQ(body->uids, std::vector<uint32_t>{a});  // c has it only in its Subject
    auto text = store_->search_text(inbox, TextScope::all, "WoRlD");
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(text->uids, (std::vector<uint32_t>{a, c}));
    // Non-ASCII letters fold too; quotes are plain characters.
    EXPECT_EQ(store_->search_text(inbox, TextScope::body, "ÉTÉ").value().uids,
              std::vector<uint32_t>{a});
    EXPECT_EQ(store_->search_text(inbox, TextScope::body, "say \"hi\"").value().uids,
              std::vector<uint32_t>{b});
    // Fewer than three characters still match (ASCII folding).
    EXPECT_EQ(store_->search_text(inbox, TextScope::body, "ZQ").value().uids,
              std::vector<uint32_t>{c});
    EXPECT_EQ(store_->search_text(inbox, TextScope::all, "").value().uids,
              (std::vector<uint32_t>{a, b, c}));
    EXPECT_TRUE(store_->search_text(inbox, TextScope::all, "absent words").value().uids.empty());
    // A word spanning no text matches nothing rather than everything.
    EXPECT_TRUE(store_->search_text(inbox, TextScope::body, "orldx").value().uids.empty());
}

TEST_P(StoreConformance, SearchTextStaysInsideTheMailbox) {
    auto one = make_account("one@example.org");
    auto two = make_account("two@example.org");
    const MailboxId inbox1 = mailbox_id(one.id, "INBOX");
    const MailboxId inbox2 = mailbox_id(two.id, "INBOX");
    const MailboxId archive1 = mailbox_id(one.id, "Archive");
    put(inbox1, message("x", "secret payload"));
    const uint32_t theirs = put(inbox2, message("y", "another secret"));
    ASSERT_TRUE(store_->index_pending().ok());
    auto found = store_->search_text(inbox2, TextScope::body, "secret");
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->uids, std::vector<uint32_t>{theirs});
    EXPECT_TRUE(store_->search_text(archive1, TextScope::body, "secret").value().uids.empty());
    // A copy shares the bytes and is found in its new mailbox.
    auto copied = store_->copy_messages(inbox2, {theirs}, archive1);
    ASSERT_TRUE(copied.ok());
    EXPECT_EQ(store_->search_text(archive1, TextScope::body, "secret").value().uids,
              std::vector<uint32_t>{copied->front().second});
    EXPECT_EQ(store_->search_text(9999, TextScope::body, "secret").error().code, Errc::not_found);
}

TEST_P(StoreConformance, UnindexedMessagesAreListedNeverLost) {
    auto account = make_account("u@example.org");
    const MailboxId inbox = mailbox_id(account.id, "INBOX");
    std::vector<uint32_t> uids;
    for (int i = 0; i < 20; ++i)
        uids.push_back(put(inbox, message("n" + std::to_string(i), "needle body")));
    // The background indexer may or may not have run: every message is
    // either a match or listed as unindexed, never missing.
    auto early = store_->search_text(inbox, TextScope::body, "needle");
    ASSERT_TRUE(early.ok());
    EXPECT_EQ(matched_or_pending(*early), uids);
    ASSERT_TRUE(store_->index_pending().ok());
    auto late = store_->search_text(inbox, TextScope::body, "needle");
    ASSERT_TRUE(late.ok());
    EXPECT_EQ(late->uids, uids);
    EXPECT_TRUE(late->unindexed.empty());
    // Expunged messages leave the index with their bytes.
    ASSERT_TRUE(store_->expunge(inbox, {uids[0], uids[1]}).ok());
    EXPECT_EQ(store_->search_text(inbox, TextScope::body, "needle").value().uids.size(), 18u);
}

TEST_P(StoreConformance, AppendAllIsAllOrNothing) {
    auto account = make_account("m@example.org");
    const MailboxId inbox = mailbox_id(account.id, "INBOX");
    std::vector<NewMessage> batch(3);
    for (int i = 0; i < 3; ++i) {
        batch[i].raw = message("m" + std::to_string(i), "body");
        batch[i].targets = {{inbox, {}}};
    }
    batch[2].targets = {{inbox + 4242, {}}};  // no such mailbox: the whole call fails
    auto failed = store_->append_all(batch);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, Errc::not_found);
    EXPECT_TRUE(uids_of(inbox).empty());
    batch[2].targets = {{inbox, {"\\Seen"}}};
    auto stored = store_->append_all(batch);
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    ASSERT_EQ(stored->size(), 3u);
    EXPECT_EQ(uids_of(inbox),
              (std::vector<uint32_t>{stored->at(0).at(0).uid, stored->at(1).at(0).uid,
                                     stored->at(2).at(0).uid}));
    EXPECT_LT(stored->at(0).at(0).uid, stored->at(2).at(0).uid);
    auto last = store_->get_message(inbox, stored->at(2).at(0).uid);
    ASSERT_TRUE(last.ok());
    EXPECT_EQ(last->flags, std::vector<std::string>{"\\Seen"});
    EXPECT_TRUE(store_->read_view(last->blob).ok());
}

}  // namespace tern::store::testing
