// Conformance: change notification, concurrency, persistence, check().
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "tests/store/store_conformance.hpp"

namespace tern::store::testing {
namespace {

// Collects changes from a callback; wait_for() blocks until a predicate
// over them holds (backends may deliver after the call returns).
class Recorder {
  public:
    std::function<void(const Change&)> callback() {
        return [this](const Change& c) {
            std::lock_guard lock(mu_);
            changes_.push_back(c);
            cv_.notify_all();
        };
    }
    bool wait_for(const std::function<bool(const std::vector<Change>&)>& done) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return done(changes_); });
    }
    std::vector<Change> snapshot() {
        std::lock_guard lock(mu_);
        return changes_;
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<Change> changes_;
};

bool has_kind(const std::vector<Change>& changes, Change::Kind kind) {
    for (const auto& c : changes)
        if (c.kind == kind) return true;
    return false;
}

const Change* find_kind(const std::vector<Change>& changes, Change::Kind kind) {
    for (const auto& c : changes)
        if (c.kind == kind) return &c;
    return nullptr;
}

}  // namespace

TEST_P(StoreConformance, CallbacksReportEachKindOfChangeAfterCommit) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    Recorder rec;
    Subscription sub = store_->subscribe(a.id, rec.callback());

    const uint32_t uid = put(inbox, sample_message("1"));
    ASSERT_TRUE(rec.wait_for([](auto& c) { return has_kind(c, Change::Kind::appended); }));
    auto snapshot = rec.snapshot();
    const Change* appended = find_kind(snapshot, Change::Kind::appended);
    ASSERT_NE(appended, nullptr);
    EXPECT_EQ(appended->account, a.id);
    EXPECT_EQ(appended->mailbox, inbox);
    EXPECT_EQ(appended->uids, std::vector<uint32_t>{uid});
    // Durable and visible by the time it is announced.
    EXPECT_EQ(store_->get_message(inbox, uid)->modseq, appended->modseq);

    ASSERT_TRUE(store_->store_flags(inbox, {uid}, FlagOp::add, {"\\Seen"}, std::nullopt).ok());
    ASSERT_TRUE(rec.wait_for([](auto& c) { return has_kind(c, Change::Kind::flags); }));
    snapshot = rec.snapshot();
    const Change* flags = find_kind(snapshot, Change::Kind::flags);
    EXPECT_EQ(flags->uids, std::vector<uint32_t>{uid});
    EXPECT_EQ(flags->modseq, store_->get_message(inbox, uid)->modseq);

    ASSERT_TRUE(store_->expunge(inbox, {uid}).ok());
    ASSERT_TRUE(rec.wait_for([](auto& c) { return has_kind(c, Change::Kind::expunged); }));
    snapshot = rec.snapshot();
    const Change* expunged = find_kind(snapshot, Change::Kind::expunged);
    EXPECT_EQ(expunged->mailbox, inbox);
    EXPECT_EQ(expunged->uids, std::vector<uint32_t>{uid});

    auto created = store_->create_mailbox(a.id, "New", "");
    ASSERT_TRUE(created.ok());
    ASSERT_TRUE(rec.wait_for([&](auto& c) {
        for (const auto& x : c)
            if (x.kind == Change::Kind::mailbox && x.mailbox == created->id) return true;
        return false;
    }));
}

TEST_P(StoreConformance, CallbacksSeeOnlyTheirAccountAndStopAfterReset) {
    Account a = make_account("a@example.org");
    Account b = make_account("b@example.org");
    const MailboxId a_inbox = mailbox_id(a.id, "INBOX"), b_inbox = mailbox_id(b.id, "INBOX");
    Recorder rec_a, rec_b, rec_stopped;
    Subscription sub_a = store_->subscribe(a.id, rec_a.callback());
    Subscription sub_b = store_->subscribe(b.id, rec_b.callback());
    Subscription stopped = store_->subscribe(a.id, rec_stopped.callback());
    stopped.reset();

    put(a_inbox, sample_message("for a"));
    ASSERT_TRUE(rec_a.wait_for([](auto& c) { return !c.empty(); }));
    put(b_inbox, sample_message("for b"));
    ASSERT_TRUE(rec_b.wait_for([](auto& c) { return !c.empty(); }));
    for (const auto& c : rec_a.snapshot())
        EXPECT_EQ(c.account, a.id);
    for (const auto& c : rec_b.snapshot())
        EXPECT_EQ(c.account, b.id);
    EXPECT_TRUE(rec_stopped.snapshot().empty());

    // Moving between accounts tells both sides.
    ASSERT_TRUE(store_->move_messages(a_inbox, {1}, b_inbox).ok());
    ASSERT_TRUE(rec_a.wait_for([](auto& c) { return has_kind(c, Change::Kind::expunged); }));
    ASSERT_TRUE(rec_b.wait_for([](auto& c) {
        int appended = 0;
        for (const auto& x : c)
            appended += x.kind == Change::Kind::appended;
        return appended == 2;
    }));
}

TEST_P(StoreConformance, CallbackMayUnsubscribeItself) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    std::atomic<int> calls{0};
    Subscription self;
    Recorder witness;
    // Subscribed after `self`, so it runs after self's callback has finished.
    self = store_->subscribe(a.id, [&](const Change&) {
        ++calls;
        self.reset();
    });
    Subscription other = store_->subscribe(a.id, witness.callback());
    put(inbox, sample_message("1"));
    ASSERT_TRUE(witness.wait_for([](auto& c) { return c.size() >= 1; }));
    put(inbox, sample_message("2"));
    ASSERT_TRUE(witness.wait_for([](auto& c) { return c.size() >= 2; }));
    EXPECT_EQ(calls.load(), 1);
}

TEST_P(StoreConformance, SixteenThreadsAppendingConcurrently) {
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    constexpr int kThreads = 16, kEach = 50;
    std::atomic<int> failures{0};
    std::atomic<bool> writing{true};
    std::thread reader([&] {
        // Readers run beside the writer and always see a consistent count.
        while (writing) {
            auto st = store_->mailbox_status(inbox);
            if (!st.ok() || st->messages > kThreads * kEach) ++failures;
        }
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                NewMessage m;
                m.raw = sample_message("t" + std::to_string(t) + "-" + std::to_string(i));
                m.targets = {{inbox, {}}};
                if (!store_->append(m).ok()) ++failures;
            }
        });
    for (auto& t : threads)
        t.join();
    writing = false;
    reader.join();
    EXPECT_EQ(failures.load(), 0);

    auto list = store_->list_messages(inbox);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), static_cast<size_t>(kThreads * kEach));
    std::set<std::string> bodies;
    for (size_t i = 0; i < list->size(); ++i) {
        EXPECT_EQ((*list)[i].uid, i + 1);  // unique and dense
        bodies.insert(store_->read_blob((*list)[i].blob).value());
    }
    EXPECT_EQ(bodies.size(), list->size());
    EXPECT_EQ(store_->mailbox_status(inbox)->uid_next, static_cast<uint32_t>(kThreads * kEach + 1));
}

TEST_P(StoreConformance, EverythingSurvivesCloseAndReopen) {
    Account a = make_account("a@example.org", 1 << 20);
    ASSERT_TRUE(store_->add_alias("@example.org", {"a@example.org"}).ok());
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    ASSERT_TRUE(store_->create_mailbox(a.id, "Keep/me", "").ok());
    const std::string raw = sample_message("persist", 100);
    put(inbox, raw, {"\\Flagged", "$kw"});
    put(inbox, sample_message("gone"));
    ASSERT_TRUE(store_->expunge(inbox, {2}).ok());
    const Mailbox before = store_->get_mailbox(inbox).value();

    reopen();
    EXPECT_TRUE(store_->has_domain("example.org").value());
    auto acc = store_->find_account("a@example.org");
    ASSERT_TRUE(acc.ok());
    EXPECT_EQ(acc->id, a.id);
    EXPECT_EQ(acc->quota_bytes, 1u << 20);
    EXPECT_EQ(acc->used_bytes, raw.size());
    EXPECT_EQ(store_->find_alias("@example.org")->targets,
              std::vector<std::string>{"a@example.org"});
    EXPECT_TRUE(store_->find_mailbox(a.id, "Keep/me").ok());
    const Mailbox after = store_->get_mailbox(inbox).value();
    EXPECT_EQ(after.uid_validity, before.uid_validity);
    EXPECT_EQ(after.uid_next, before.uid_next);
    EXPECT_EQ(after.highest_modseq, before.highest_modseq);
    auto msg = store_->get_message(inbox, 1);
    ASSERT_TRUE(msg.ok());
    EXPECT_EQ(msg->flags, (std::vector<std::string>{"$kw", "\\Flagged"}));
    EXPECT_EQ(store_->read_blob(msg->blob).value(), raw);
    EXPECT_EQ(store_->expunged_since(inbox, 0).value(), std::vector<uint32_t>{2});
    EXPECT_TRUE(store_->check().value().empty());
}

TEST_P(StoreConformance, CallsAfterCloseFail) {
    make_account("a@example.org");
    store_->close();
    EXPECT_FALSE(store_->add_domain("late.test").ok());
    EXPECT_FALSE(store_->find_account("a@example.org").ok());
    store_->close();  // twice is harmless
}

TEST_P(StoreConformance, CheckIsHealthyOnANormalStore) {
    auto empty = store_->check();
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());
    Account a = make_account("a@example.org");
    const MailboxId inbox = mailbox_id(a.id, "INBOX");
    for (int i = 0; i < 5; ++i)
        put(inbox, sample_message(std::to_string(i)));
    ASSERT_TRUE(store_->copy_messages(inbox, {1, 2}, mailbox_id(a.id, "Trash")).ok());
    ASSERT_TRUE(store_->expunge(inbox, {1, 3}).ok());
    auto problems = store_->check();
    ASSERT_TRUE(problems.ok());
    EXPECT_TRUE(problems->empty()) << (problems->empty() ? "" : problems->front());
}

}  // namespace tern::store::testing
