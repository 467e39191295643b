// Conformance: the outbound queue (store.hpp QueueStore).
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "tests/store/store_conformance.hpp"

namespace tern::store::testing {
namespace {

using State = QueueRecipient::State;

NewQueued sample_queued(const std::string& tag, std::vector<std::string> rcpts,
                        int64_t next_attempt = 100) {
    NewQueued q;
    q.sender = "alice@example.org";
    q.envid = "env-" + tag;
    q.ret = "HDRS";
    q.eight_bit = true;
    q.created_at = 50;
    q.next_attempt = next_attempt;
    for (auto& r : rcpts)
        q.recipients.push_back({r, "rfc822;" + r, "FAILURE"});
    q.raw = sample_message(tag, 100);
    return q;
}

RecipientUpdate update(const std::string& address, State state, const std::string& reply) {
    return RecipientUpdate{address, state, reply, "mx.example.net"};
}

}  // namespace

TEST_P(StoreConformance, QueueKeepsEnvelopeRecipientsAndBytes) {
    NewQueued q = sample_queued("keep", {"bob@example.net", "carol@example.com"});
    q.smtputf8 = true;
    auto id = store_->enqueue(q);
    ASSERT_TRUE(id.ok()) << id.error().message;

    auto got = store_->get_queued(*id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->sender, "alice@example.org");
    EXPECT_EQ(got->envid, "env-keep");
    EXPECT_EQ(got->ret, "HDRS");
    EXPECT_TRUE(got->smtputf8);
    EXPECT_TRUE(got->eight_bit);
    EXPECT_FALSE(got->requiretls);
    EXPECT_EQ(got->created_at, 50);
    EXPECT_EQ(got->size, q.raw.size());
    ASSERT_EQ(got->recipients.size(), 2u);
    EXPECT_EQ(got->recipients[0].address, "bob@example.net");
    EXPECT_EQ(got->recipients[0].orcpt, "rfc822;bob@example.net");
    EXPECT_EQ(got->recipients[0].notify, "FAILURE");
    EXPECT_EQ(got->recipients[1].state, State::pending);
    EXPECT_EQ(store_->read_queued(*id).value(), q.raw);

    reopen();
    EXPECT_EQ(store_->read_queued(*id).value(), q.raw);
    EXPECT_EQ(store_->list_queue()->size(), 1u);
}

TEST_P(StoreConformance, QueueRefusesAMessageWithoutRecipients) {
    auto id = store_->enqueue(sample_queued("none", {}));
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.error().code, Errc::invalid);
    EXPECT_TRUE(store_->list_queue()->empty());
}

TEST_P(StoreConformance, QueueClaimsDueMessagesOnceUntilTheLeaseEnds) {
    auto early = store_->enqueue(sample_queued("early", {"a@x.test"}, 100)).value();
    auto later = store_->enqueue(sample_queued("later", {"b@x.test"}, 500)).value();

    auto first = store_->claim_due("node-1", 200, 260, 10);
    ASSERT_TRUE(first.ok());
    ASSERT_EQ(first->size(), 1u);
    EXPECT_EQ(first->front().id, early);
    EXPECT_EQ(first->front().recipients.size(), 1u);

    // Claimed: nobody else gets it while the lease runs, even when due.
    EXPECT_TRUE(store_->claim_due("node-2", 210, 270, 10)->empty());
    // After the lease ends it is free again (its owner crashed).
    auto again = store_->claim_due("node-2", 261, 320, 10);
    ASSERT_EQ(again->size(), 1u);
    EXPECT_EQ(again->front().id, early);

    // release_claims frees the claims of one owner only.
    ASSERT_TRUE(store_->release_claims("node-1").ok());
    EXPECT_TRUE(store_->claim_due("node-3", 262, 330, 10)->empty());
    ASSERT_TRUE(store_->release_claims("node-2").ok());
    EXPECT_EQ(store_->claim_due("node-3", 262, 330, 10)->size(), 1u);

    // The limit applies, oldest next_attempt first.
    ASSERT_TRUE(store_->release_claims("node-3").ok());
    auto both = store_->claim_due("node-4", 600, 700, 1);
    ASSERT_EQ(both->size(), 1u);
    EXPECT_EQ(both->front().id, early);
    auto rest = store_->claim_due("node-4", 600, 700, 5);
    ASSERT_EQ(rest->size(), 1u);
    EXPECT_EQ(rest->front().id, later);
}

TEST_P(StoreConformance, QueueNextDueIsTheEarliestPendingAttempt) {
    EXPECT_FALSE(store_->next_due()->has_value());
    store_->enqueue(sample_queued("a", {"a@x.test"}, 300)).value();
    store_->enqueue(sample_queued("b", {"b@x.test"}, 200)).value();
    auto due = store_->next_due();
    ASSERT_TRUE(due.ok());
    ASSERT_TRUE(due->has_value());
    EXPECT_EQ(**due, 200);
}

TEST_P(StoreConformance, QueueRecordsAttemptsPerRecipientAndRemovesFinishedMessages) {
    auto id = store_->enqueue(sample_queued("rec", {"a@x.test", "b@x.test", "c@x.test"})).value();
    ASSERT_EQ(store_->claim_due("n", 100, 200, 10)->size(), 1u);

    ASSERT_TRUE(store_
                    ->record_attempt(id,
                                     {update("a@x.test", State::delivered, "250 ok"),
                                      update("b@x.test", State::failed, "550 5.1.1 unknown"),
                                      update("c@x.test", State::pending, "451 4.3.0 later")},
                                     900)
                    .ok());
    auto m = store_->get_queued(id).value();
    EXPECT_EQ(m.next_attempt, 900);
    ASSERT_EQ(m.recipients.size(), 3u);
    EXPECT_EQ(m.recipients[0].state, State::delivered);
    EXPECT_EQ(m.recipients[1].state, State::failed);
    EXPECT_EQ(m.recipients[1].last_reply, "550 5.1.1 unknown");
    EXPECT_EQ(m.recipients[1].remote_mta, "mx.example.net");
    EXPECT_EQ(m.recipients[2].state, State::pending);
    EXPECT_EQ(m.recipients[2].attempts, 1u);
    // The claim was released: it is claimable again once due.
    EXPECT_TRUE(store_->claim_due("n", 899, 1000, 10)->empty());
    EXPECT_EQ(store_->claim_due("n", 900, 1000, 10)->size(), 1u);

    // A decided recipient never changes back.
    ASSERT_TRUE(
        store_->record_attempt(id, {update("a@x.test", State::failed, "550 late")}, 950).ok());
    EXPECT_EQ(store_->get_queued(id)->recipients[0].state, State::delivered);

    // The last pending recipient decided: the message leaves the queue.
    ASSERT_TRUE(
        store_->record_attempt(id, {update("c@x.test", State::delivered, "250 2.0.0")}, 0).ok());
    EXPECT_EQ(store_->get_queued(id).error().code, Errc::not_found);
    EXPECT_EQ(store_->read_queued(id).error().code, Errc::not_found);
    EXPECT_TRUE(store_->list_queue()->empty());
    EXPECT_EQ(store_->record_attempt(id, {}, 0).error().code, Errc::not_found);
}

TEST_P(StoreConformance, QueueOperatorActions) {
    auto a = store_->enqueue(sample_queued("a", {"a@x.test"}, 1000)).value();
    auto b = store_->enqueue(sample_queued("b", {"b@x.test"}, 2000)).value();

    EXPECT_EQ(store_->reschedule(a, 10).value(), 1u);
    EXPECT_EQ(store_->get_queued(a)->next_attempt, 10);
    EXPECT_EQ(store_->reschedule(0, 5).value(), 2u);
    EXPECT_EQ(store_->get_queued(b)->next_attempt, 5);
    EXPECT_EQ(store_->reschedule(999, 5).error().code, Errc::not_found);

    ASSERT_TRUE(store_->set_delay_notified(a, 77).ok());
    EXPECT_EQ(store_->get_queued(a)->delay_notified_at, 77);

    ASSERT_TRUE(store_->delete_queued(a).ok());
    EXPECT_EQ(store_->delete_queued(a).error().code, Errc::not_found);
    auto all = store_->list_queue().value();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].id, b);
}

TEST_P(StoreConformance, QueueConcurrentEnqueuersAllLand) {
    constexpr int kThreads = 8, kEach = 20;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                auto id = store_->enqueue(
                    sample_queued(std::to_string(t) + "-" + std::to_string(i), {"r@x.test"}));
                if (!id.ok()) ++failures;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(failures.load(), 0);
    auto all = store_->list_queue().value();
    EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
    std::set<QueueId> ids;
    for (const auto& m : all)
        ids.insert(m.id);
    EXPECT_EQ(ids.size(), all.size());
}

}  // namespace tern::store::testing
