// Conformance: messages (shared blobs, UIDs, MODSEQs, flags, copy/move,
// expunge, CONDSTORE/QRESYNC queries, quota).
#include <set>

#include "tests/store/store_conformance.hpp"

namespace tern::store::testing {
namespace {

// Every byte value, NUL and 8-bit included: the store keeps bytes, not text.
std::string binary_message() {
    std::string raw = "Subject: bytes\r\n\r\n";
    for (int i = 0; i < 256; ++i)
        raw.push_back(static_cast<char>(i));
    raw += std::string("\0\0tail\xff\xfe", 8);
    return raw;
}

}  // namespace

TEST_P(StoreConformance, AppendToSeveralTargetsStoresTheBytesOnce) {
    Account a = make_account("a@example.org");
    Account b = make_account("b@example.org");
    const MailboxId a_inbox = mailbox_id(a.id, "INBOX"), a_archive = mailbox_id(a.id, "Archive");
    const MailboxId b_inbox = mailbox_id(b.id, "INBOX");
    NewMessage m;
    m.raw = binary_message();
    m.internal_date = 1234567890;
    m.targets = {{a_inbox, {"\\seen", "$Label1", "\\FLAGGED", "$Label1"}},
                 {b_inbox, {}},
                 {a_archive, {"\\Draft"}}};
    auto appended = store_->append(m);
    ASSERT_TRUE(appended.ok()) << appended.error().message;
    ASSERT_EQ(appended->size(), 3u);
    EXPECT_EQ((*appended)[0].mailbox, a_inbox);
    EXPECT_EQ((*appended)[1].mailbox, b_inbox);
    EXPECT_EQ((*appended)[2].mailbox, a_archive);

    std::set<BlobId> blobs;
    for (const auto& ap : *appended) {
        auto msg = store_->get_message(ap.mailbox, ap.uid);
        ASSERT_TRUE(msg.ok());
        EXPECT_EQ(msg->uid, 1u);
        EXPECT_EQ(msg->modseq, ap.modseq);
        EXPECT_EQ(msg->size, m.raw.size());
        EXPECT_EQ(msg->internal_date, 1234567890);
        blobs.insert(msg->blob);
    }
    ASSERT_EQ(blobs.size(), 1u);
    auto bytes = store_->read_blob(*blobs.begin());
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(*bytes, m.raw);
    EXPECT_EQ(store_->get_message(a_inbox, 1)->flags,
              (std::vector<std::string>{"$Label1", "\\Flagged", "\\Seen"}));
    EXPECT_TRUE(store_->get_message(b_inbox, 1)->flags.empty());
    EXPECT_EQ(store_->find_account("a@example.org")->used_bytes, 2 * m.raw.size());
    EXPECT_EQ(store_->find_account("b@example.org")->used_bytes, m.raw.size());
    EXPECT_EQ(store_->read_blob(*blobs.begin() + 1000).error().code, Errc::not_found);
}

TEST_P(StoreConformance, MessagesKnowTheirCrlfSize) {
    Account a = make_account("crlf@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    const MailboxId archive = mailbox_id(a.id, "Archive");
    const std::string lf = "Subject: x\n\nline\nline\r\n";  // 3 bare LFs
    const uint32_t uid = put(inbox, lf);
    const uint32_t crlf_uid = put(inbox, "Subject: y\r\n\r\nok\r\n");
    EXPECT_EQ(store_->get_message(inbox, uid)->crlf_size, lf.size() + 3);
    EXPECT_EQ(store_->get_message(inbox, crlf_uid)->crlf_size,
              store_->get_message(inbox, crlf_uid)->size);
    auto copied = store_->copy_messages(inbox, {uid}, archive);
    ASSERT_TRUE(copied.ok());
    ASSERT_EQ(copied->size(), 1u);
    EXPECT_EQ(store_->get_message(archive, copied->front().second)->crlf_size, lf.size() + 3);
    reopen();
    EXPECT_EQ(store_->list_messages(inbox)->front().crlf_size, lf.size() + 3);
}

TEST_P(StoreConformance, AppendRejectsBadInputAndStoresNothing) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    NewMessage m;
    m.raw = sample_message("x");
    EXPECT_EQ(store_->append(m).error().code, Errc::invalid);  // no targets
    m.targets = {{inbox, {}}, {inbox + 9999, {}}};
    EXPECT_EQ(store_->append(m).error().code, Errc::not_found);
    m.targets = {{inbox, {"\\Recent"}}};
    EXPECT_EQ(store_->append(m).error().code, Errc::invalid);
    m.targets = {{inbox, {"bad keyword"}}};
    EXPECT_EQ(store_->append(m).error().code, Errc::invalid);
    m.targets = {{inbox, {"caf\xc3\xa9"}}};  // keywords are 7-bit atoms
    EXPECT_EQ(store_->append(m).error().code, Errc::invalid);
    EXPECT_TRUE(uids_of(inbox).empty());
    EXPECT_EQ(store_->get_mailbox(inbox)->uid_next, 1u);
    EXPECT_TRUE(store_->check().value().empty());
}

TEST_P(StoreConformance, UidsIncreaseAndAreNeverReusedAfterExpunge) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    EXPECT_EQ(put(inbox, sample_message("1")), 1u);
    EXPECT_EQ(put(inbox, sample_message("2")), 2u);
    EXPECT_EQ(put(inbox, sample_message("3")), 3u);
    auto removed = store_->expunge(inbox, {3, 2, 3, 77});
    ASSERT_TRUE(removed.ok());
    EXPECT_EQ(*removed, (std::vector<uint32_t>{2, 3}));
    EXPECT_EQ(store_->expunge(inbox, {3})->size(), 0u);
    EXPECT_EQ(put(inbox, sample_message("4")), 4u);
    EXPECT_EQ(uids_of(inbox), (std::vector<uint32_t>{1, 4}));
    EXPECT_EQ(store_->get_mailbox(inbox)->uid_next, 5u);
    EXPECT_EQ(store_->get_message(inbox, 2).error().code, Errc::not_found);
    reopen();
    EXPECT_EQ(put(inbox, sample_message("5")), 5u);
}

TEST_P(StoreConformance, EveryChangeRaisesTheMailboxModseq) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    uint64_t last = store_->get_mailbox(inbox)->highest_modseq;
    auto expect_rise = [&](const char* what) {
        const uint64_t now = store_->get_mailbox(inbox)->highest_modseq;
        EXPECT_GT(now, last) << what;
        last = now;
    };
    put(inbox, sample_message("1"));
    expect_rise("append");
    EXPECT_EQ(store_->get_message(inbox, 1)->modseq, last);
    put(inbox, sample_message("2"));
    expect_rise("second append");
    ASSERT_TRUE(store_->store_flags(inbox, {1}, FlagOp::add, {"\\Seen"}, std::nullopt).ok());
    expect_rise("flags");
    EXPECT_EQ(store_->get_message(inbox, 1)->modseq, last);
    ASSERT_TRUE(store_->expunge(inbox, {2}).ok());
    expect_rise("expunge");
    // A STORE that changes nothing is not a change.
    ASSERT_TRUE(store_->store_flags(inbox, {1}, FlagOp::add, {"\\seen"}, std::nullopt).ok());
    EXPECT_EQ(store_->get_mailbox(inbox)->highest_modseq, last);
}

TEST_P(StoreConformance, StoreFlagsAddRemoveReplace) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    put(inbox, sample_message("1"), {"$Work"});
    put(inbox, sample_message("2"));
    auto added =
        store_->store_flags(inbox, {1, 2, 99}, FlagOp::add, {"\\SEEN", "$work"}, std::nullopt);
    ASSERT_TRUE(added.ok()) << added.error().message;
    ASSERT_EQ(added->size(), 2u);  // 99 is missing and ignored
    EXPECT_EQ((*added)[0].flags, (std::vector<std::string>{"$Work", "\\Seen"}));
    EXPECT_EQ((*added)[1].flags, (std::vector<std::string>{"$work", "\\Seen"}));
    auto removed =
        store_->store_flags(inbox, {1}, FlagOp::remove, {"\\Seen", "$WORK"}, std::nullopt);
    ASSERT_TRUE(removed.ok());
    EXPECT_TRUE((*removed)[0].flags.empty());
    auto replaced =
        store_->store_flags(inbox, {1, 2}, FlagOp::replace, {"\\Answered", "$x"}, std::nullopt);
    ASSERT_TRUE(replaced.ok());
    for (const auto& m : *replaced)
        EXPECT_EQ(m.flags, (std::vector<std::string>{"$x", "\\Answered"}));
    EXPECT_EQ(store_->get_message(inbox, 2)->flags, (std::vector<std::string>{"$x", "\\Answered"}));
    EXPECT_EQ(store_->mailbox_status(inbox)->unseen, 2u);
    EXPECT_EQ(store_->store_flags(inbox, {1}, FlagOp::add, {"\\Bogus"}, std::nullopt).error().code,
              Errc::invalid);
    EXPECT_EQ(store_->store_flags(inbox + 999, {1}, FlagOp::add, {}, std::nullopt).error().code,
              Errc::not_found);
}

TEST_P(StoreConformance, StoreFlagsUnchangedSinceLeavesNewerMessagesAlone) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    put(inbox, sample_message("1"));
    put(inbox, sample_message("2"));
    const uint64_t m1 = store_->get_message(inbox, 1)->modseq;
    const uint64_t m2 = store_->get_message(inbox, 2)->modseq;
    ASSERT_LT(m1, m2);
    auto result = store_->store_flags(inbox, {1, 2}, FlagOp::add, {"\\Flagged"}, m1);
    ASSERT_TRUE(result.ok());
    ASSERT_EQ(result->size(), 2u);
    EXPECT_EQ((*result)[0].flags, std::vector<std::string>{"\\Flagged"});
    EXPECT_GT((*result)[0].modseq, m2);
    EXPECT_TRUE((*result)[1].flags.empty());
    EXPECT_EQ((*result)[1].modseq, m2);
    EXPECT_TRUE(store_->get_message(inbox, 2)->flags.empty());
}

TEST_P(StoreConformance, CopyAndMoveReturnUidPairs) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX"), trash = mailbox_id(a.id, "Trash");
    const MailboxId archive = mailbox_id(a.id, "Archive");
    put(trash, sample_message("filler"));
    const std::string r1 = sample_message("1"), r2 = sample_message("2"), r3 = sample_message("3");
    put(inbox, r1, {"\\Seen", "$k"});
    put(inbox, r2);
    put(inbox, r3);

    auto copied = store_->copy_messages(inbox, {3, 1, 42}, trash);
    ASSERT_TRUE(copied.ok()) << copied.error().message;
    EXPECT_EQ(*copied, (std::vector<std::pair<uint32_t, uint32_t>>{{1, 2}, {3, 3}}));
    auto src = store_->get_message(inbox, 1), dst = store_->get_message(trash, 2);
    EXPECT_EQ(dst->blob, src->blob);
    EXPECT_EQ(dst->flags, src->flags);
    EXPECT_EQ(dst->size, src->size);
    EXPECT_EQ(uids_of(inbox), (std::vector<uint32_t>{1, 2, 3}));
    EXPECT_EQ(store_->find_account("a@example.org")->used_bytes,
              sample_message("filler").size() + 2 * r1.size() + r2.size() + 2 * r3.size());

    const uint64_t before = store_->get_mailbox(inbox)->highest_modseq;
    auto moved = store_->move_messages(inbox, {2, 3}, archive);
    ASSERT_TRUE(moved.ok());
    EXPECT_EQ(*moved, (std::vector<std::pair<uint32_t, uint32_t>>{{2, 1}, {3, 2}}));
    EXPECT_EQ(uids_of(inbox), std::vector<uint32_t>{1});
    EXPECT_EQ(uids_of(archive), (std::vector<uint32_t>{1, 2}));
    EXPECT_EQ(store_->read_blob(store_->get_message(archive, 1)->blob).value(), r2);
    EXPECT_EQ(store_->expunged_since(inbox, before).value(), (std::vector<uint32_t>{2, 3}));
    EXPECT_TRUE(store_->copy_messages(inbox, {99}, trash)->empty());
    EXPECT_EQ(store_->copy_messages(inbox, {1}, trash + 999).error().code, Errc::not_found);
    EXPECT_TRUE(store_->check().value().empty());
}

TEST_P(StoreConformance, ChangedSinceAndExpungedSince) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    for (int i = 1; i <= 4; ++i)
        put(inbox, sample_message(std::to_string(i)));
    const uint64_t mark = store_->get_mailbox(inbox)->highest_modseq;
    EXPECT_TRUE(store_->changed_since(inbox, mark)->empty());
    EXPECT_EQ(store_->changed_since(inbox, 0)->size(), 4u);
    ASSERT_TRUE(store_->store_flags(inbox, {2}, FlagOp::add, {"\\Seen"}, std::nullopt).ok());
    ASSERT_TRUE(store_->expunge(inbox, {3}).ok());
    put(inbox, sample_message("5"));
    auto changed = store_->changed_since(inbox, mark);
    ASSERT_TRUE(changed.ok());
    std::vector<uint32_t> uids;
    for (const auto& m : *changed)
        uids.push_back(m.uid);
    EXPECT_EQ(uids, (std::vector<uint32_t>{2, 5}));
    EXPECT_EQ(store_->expunged_since(inbox, mark).value(), std::vector<uint32_t>{3});
    EXPECT_TRUE(store_->expunged_since(inbox, store_->get_mailbox(inbox)->highest_modseq)->empty());
}

TEST_P(StoreConformance, QuotaExceededStoresNothing) {
    Account small = make_account("small@example.org", 1000);
    Account big = make_account("big@example.org");
    const MailboxId s_inbox = mailbox_id(small.id, "INBOX"), b_inbox = mailbox_id(big.id, "INBOX");
    put(s_inbox, sample_message("fits", 500));
    const auto used = store_->find_account("small@example.org")->used_bytes;
    NewMessage m;
    m.raw = sample_message("too big", 500);
    m.targets = {{b_inbox, {}}, {s_inbox, {}}};
    auto over = store_->append(m);
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error().code, Errc::quota);
    EXPECT_TRUE(uids_of(b_inbox).empty());  // all targets or none
    EXPECT_EQ(uids_of(s_inbox), std::vector<uint32_t>{1});
    EXPECT_EQ(store_->get_mailbox(s_inbox)->uid_next, 2u);
    EXPECT_EQ(store_->find_account("small@example.org")->used_bytes, used);
    EXPECT_EQ(store_->find_account("big@example.org")->used_bytes, 0u);

    // Copying within the account would pass the quota too; moving does not.
    EXPECT_EQ(store_->copy_messages(s_inbox, {1}, mailbox_id(small.id, "Archive")).error().code,
              Errc::quota);
    EXPECT_TRUE(store_->move_messages(s_inbox, {1}, mailbox_id(small.id, "Archive")).ok());
    ASSERT_TRUE(store_->set_quota("small@example.org", 0).ok());
    EXPECT_TRUE(store_->append(m).ok());
    EXPECT_TRUE(store_->check().value().empty());
}

TEST_P(StoreConformance, BlobIsFreedWithItsLastReference) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX"), sent = mailbox_id(a.id, "Sent");
    NewMessage m;
    m.raw = sample_message("shared");
    m.targets = {{inbox, {}}, {sent, {}}};
    ASSERT_TRUE(store_->append(m).ok());
    const BlobId blob = store_->get_message(inbox, 1)->blob;
    ASSERT_TRUE(store_->expunge(inbox, {1}).ok());
    EXPECT_EQ(store_->read_blob(blob).value(), m.raw);
    ASSERT_TRUE(store_->copy_messages(sent, {1}, inbox).ok());
    ASSERT_TRUE(store_->expunge(sent, {1}).ok());
    EXPECT_EQ(store_->read_blob(blob).value(), m.raw);
    ASSERT_TRUE(store_->expunge(inbox, {2}).ok());
    EXPECT_EQ(store_->read_blob(blob).error().code, Errc::not_found);
    EXPECT_EQ(store_->find_account("a@example.org")->used_bytes, 0u);
    EXPECT_TRUE(store_->check().value().empty());
}

}  // namespace tern::store::testing
