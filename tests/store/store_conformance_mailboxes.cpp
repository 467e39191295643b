// Conformance: mailboxes (default set, create/delete/rename, INBOX rules,
// subscriptions, STATUS counts).
#include <map>
#include <set>

#include "tests/store/store_conformance.hpp"

namespace tern::store::testing {

TEST_P(StoreConformance, NewAccountHasTheDefaultMailboxesAllSubscribed) {
    Account a = make_account("a@example.org");
    auto boxes = store_->list_mailboxes(a.id);
    ASSERT_TRUE(boxes.ok());
    std::map<std::string, std::string> uses;
    std::set<uint32_t> validities;
    for (const auto& box : *boxes) {
        uses[box.name] = box.special_use;
        EXPECT_TRUE(box.subscribed) << box.name;
        EXPECT_EQ(box.account, a.id);
        EXPECT_NE(box.uid_validity, 0u);
        EXPECT_EQ(box.uid_next, 1u);
        validities.insert(box.uid_validity);
    }
    const std::map<std::string, std::string> expected = {
        {"INBOX", ""},      {"Drafts", "\\Drafts"}, {"Sent", "\\Sent"},
        {"Junk", "\\Junk"}, {"Trash", "\\Trash"},   {"Archive", "\\Archive"}};
    EXPECT_EQ(uses, expected);
    EXPECT_EQ(validities.size(), boxes->size());
}

TEST_P(StoreConformance, InboxIsCaseInsensitiveOtherNamesAreNot) {
    Account a = make_account("a@example.org");
    auto inbox = store_->find_mailbox(a.id, "iNbOx");
    ASSERT_TRUE(inbox.ok());
    EXPECT_EQ(inbox->name, "INBOX");
    auto dup = store_->create_mailbox(a.id, "inbox", "");
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, Errc::exists);
    EXPECT_EQ(store_->find_mailbox(a.id, "sent").error().code, Errc::not_found);
    ASSERT_TRUE(store_->create_mailbox(a.id, "sent", "").ok());
    EXPECT_NE(store_->find_mailbox(a.id, "sent")->id, store_->find_mailbox(a.id, "Sent")->id);
    auto del = store_->delete_mailbox(a.id, "Inbox");
    ASSERT_FALSE(del.ok());
    EXPECT_EQ(del.error().code, Errc::invalid);
}

TEST_P(StoreConformance, CreateAndDeleteMailbox) {
    Account a = make_account("a@example.org");
    auto created = store_->create_mailbox(a.id, "Lists/tern", "\\Flagged");
    ASSERT_TRUE(created.ok()) << created.error().message;
    EXPECT_EQ(created->name, "Lists/tern");
    EXPECT_EQ(created->special_use, "\\Flagged");
    EXPECT_FALSE(created->subscribed);
    EXPECT_EQ(created->uid_next, 1u);
    EXPECT_EQ(store_->get_mailbox(created->id)->name, "Lists/tern");
    EXPECT_EQ(store_->create_mailbox(a.id, "Lists/tern", "").error().code, Errc::exists);
    for (const char* bad : {"", "/a", "a/", "a//b", "a\nb"})
        EXPECT_EQ(store_->create_mailbox(a.id, bad, "").error().code, Errc::invalid) << bad;
    EXPECT_EQ(store_->create_mailbox(a.id + 999, "X", "").error().code, Errc::not_found);
    EXPECT_EQ(store_->create_mailbox(a.id, std::string(5000, 'n'), "").error().code, Errc::limit);

    put(created->id, sample_message("in-list"));
    const BlobId blob = store_->get_message(created->id, 1)->blob;
    ASSERT_TRUE(store_->delete_mailbox(a.id, "Lists/tern").ok());
    EXPECT_EQ(store_->find_mailbox(a.id, "Lists/tern").error().code, Errc::not_found);
    EXPECT_EQ(store_->get_mailbox(created->id).error().code, Errc::not_found);
    EXPECT_EQ(store_->read_blob(blob).error().code, Errc::not_found);
    EXPECT_EQ(store_->find_account("a@example.org")->used_bytes, 0u);
    EXPECT_EQ(store_->delete_mailbox(a.id, "Lists/tern").error().code, Errc::not_found);
}

TEST_P(StoreConformance, RecreatedMailboxGetsANewUidValidity) {
    Account a = make_account("a@example.org");
    auto first = store_->create_mailbox(a.id, "Box", "");
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(store_->delete_mailbox(a.id, "Box").ok());
    auto second = store_->create_mailbox(a.id, "Box", "");
    ASSERT_TRUE(second.ok());
    EXPECT_NE(second->uid_validity, 0u);
    EXPECT_NE(second->uid_validity, first->uid_validity);
    EXPECT_NE(second->id, first->id);
}

TEST_P(StoreConformance, RenameMovesChildrenAndChecksNames) {
    Account a = make_account("a@example.org");
    for (const char* name : {"a", "a/b", "a/b/c", "ab"})
        ASSERT_TRUE(store_->create_mailbox(a.id, name, "").ok());
    const MailboxId child = mailbox_id(a.id, "a/b");
    const uint32_t old_validity = store_->get_mailbox(child)->uid_validity;
    put(child, sample_message("child"));

    ASSERT_TRUE(store_->rename_mailbox(a.id, "a", "x/y").ok());
    for (const char* gone : {"a", "a/b", "a/b/c"})
        EXPECT_EQ(store_->find_mailbox(a.id, gone).error().code, Errc::not_found) << gone;
    for (const char* there : {"x/y", "x/y/b", "x/y/b/c", "ab"})
        EXPECT_TRUE(store_->find_mailbox(a.id, there).ok()) << there;
    auto moved = store_->find_mailbox(a.id, "x/y/b");
    EXPECT_EQ(moved->id, child);
    EXPECT_NE(moved->uid_validity, old_validity);
    EXPECT_EQ(uids_of(child), std::vector<uint32_t>{1});

    EXPECT_EQ(store_->rename_mailbox(a.id, "x/y", "ab").error().code, Errc::exists);
    EXPECT_EQ(store_->rename_mailbox(a.id, "x/y", "INBOX").error().code, Errc::exists);
    EXPECT_EQ(store_->rename_mailbox(a.id, "nope", "z").error().code, Errc::not_found);
    EXPECT_EQ(store_->rename_mailbox(a.id, "x/y", "x/y/b/z").error().code, Errc::invalid);
    // A child whose new name is taken stops the whole rename.
    ASSERT_TRUE(store_->create_mailbox(a.id, "r", "").ok());
    ASSERT_TRUE(store_->create_mailbox(a.id, "r/b", "").ok());
    ASSERT_TRUE(store_->create_mailbox(a.id, "t/b", "").ok());
    EXPECT_EQ(store_->rename_mailbox(a.id, "r", "t").error().code, Errc::exists);
    EXPECT_TRUE(store_->find_mailbox(a.id, "r").ok());
    EXPECT_EQ(store_->find_mailbox(a.id, "t").error().code, Errc::not_found);
    EXPECT_TRUE(store_->find_mailbox(a.id, "r/b").ok());
}

TEST_P(StoreConformance, RenamingInboxMovesItsMessagesAndLeavesItEmpty) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    ASSERT_TRUE(store_->create_mailbox(a.id, "INBOX/kept", "").ok());
    const std::string one = sample_message("one"), two = sample_message("two");
    put(inbox, one, {"\\Seen"});
    put(inbox, two);
    const uint32_t uid_next = store_->get_mailbox(inbox)->uid_next;

    ASSERT_TRUE(store_->rename_mailbox(a.id, "inbox", "Old Inbox").ok());
    auto still = store_->find_mailbox(a.id, "INBOX");
    ASSERT_TRUE(still.ok());
    EXPECT_EQ(still->id, inbox);
    EXPECT_TRUE(uids_of(inbox).empty());
    EXPECT_GE(still->uid_next, uid_next);  // UIDs are never reused
    EXPECT_TRUE(store_->find_mailbox(a.id, "INBOX/kept").ok());
    auto old = store_->find_mailbox(a.id, "Old Inbox");
    ASSERT_TRUE(old.ok());
    auto list = store_->list_messages(old->id);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ(store_->read_blob((*list)[0].blob).value(), one);
    EXPECT_EQ((*list)[0].flags, std::vector<std::string>{"\\Seen"});
    EXPECT_EQ(store_->read_blob((*list)[1].blob).value(), two);
    EXPECT_EQ(store_->find_account("a@example.org")->used_bytes, one.size() + two.size());
    EXPECT_TRUE(store_->check().value().empty());
}

TEST_P(StoreConformance, SubscriptionsAreKeptPerMailbox) {
    Account a = make_account("a@example.org");
    ASSERT_TRUE(store_->set_subscribed(a.id, "Junk", false).ok());
    ASSERT_TRUE(store_->create_mailbox(a.id, "Mine", "").ok());
    ASSERT_TRUE(store_->set_subscribed(a.id, "Mine", true).ok());
    EXPECT_FALSE(store_->find_mailbox(a.id, "Junk")->subscribed);
    EXPECT_TRUE(store_->find_mailbox(a.id, "Mine")->subscribed);
    EXPECT_TRUE(store_->find_mailbox(a.id, "Sent")->subscribed);
    EXPECT_EQ(store_->set_subscribed(a.id, "Nope", true).error().code, Errc::not_found);
}

TEST_P(StoreConformance, StatusCountsMessagesUnseenAndSize) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    auto empty = store_->mailbox_status(inbox);
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->messages, 0u);
    EXPECT_EQ(empty->size, 0u);
    EXPECT_EQ(empty->uid_next, 1u);
    const std::string m1 = sample_message("1", 10), m2 = sample_message("2", 20),
                      m3 = sample_message("3", 30);
    put(inbox, m1, {"\\Seen"});
    put(inbox, m2);
    put(inbox, m3, {"\\Flagged"});
    auto st = store_->mailbox_status(inbox);
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->messages, 3u);
    EXPECT_EQ(st->unseen, 2u);
    EXPECT_EQ(st->size, m1.size() + m2.size() + m3.size());
    EXPECT_EQ(st->uid_next, 4u);
    auto box = store_->get_mailbox(inbox);
    EXPECT_EQ(st->uid_validity, box->uid_validity);
    EXPECT_EQ(st->highest_modseq, box->highest_modseq);
    EXPECT_GT(st->highest_modseq, empty->highest_modseq);
    EXPECT_EQ(store_->mailbox_status(inbox + 9999).error().code, Errc::not_found);
}

}  // namespace tern::store::testing
