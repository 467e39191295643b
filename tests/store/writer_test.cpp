// The group-commit writer on its own (store/sqlite/writer.hpp): batching,
// per-job savepoints, and a failed COMMIT failing the whole batch.
#include "store/sqlite/writer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "store/sqlite/schema.hpp"
#include "testing/temp_dir.hpp"

namespace tern::store::sqlite {
namespace {

class WriterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto db = Db::open(dir_.file("w.db"), true);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(configure_connection(**db, false).ok());
        // A deferred foreign key is checked only at COMMIT: the one way to
        // make a COMMIT fail on demand.
        ASSERT_TRUE((*db)
                        ->exec("CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                               "CREATE TABLE child(id INTEGER PRIMARY KEY, parent INTEGER "
                               "REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);"
                               "CREATE TABLE t(v INTEGER);")
                        .ok());
        publish_count_ = std::make_shared<std::atomic<int>>(0);
        auto counter = publish_count_;
        writer_ = std::make_unique<Writer>(std::move(*db), 64, [counter](const Changes& c) {
            *counter += static_cast<int>(c.size());
        });
    }

    static JobFn insert(int v) {
        return [v](Db& db, Changes& changes) -> Status {
            changes.push_back(Change{});
            return db.exec("INSERT INTO t(v) VALUES (" + std::to_string(v) + ")");
        };
    }
    int64_t count() {
        return writer_
            ->call([](Db& db, Changes&) { return db.query_int("SELECT count(*) FROM t"); })
            .value();
    }

    // Holds the writer inside one job until `release` is set, so the jobs
    // submitted meanwhile land in one batch.
    std::thread block(std::promise<void>& entered, std::shared_future<void> release) {
        return std::thread([this, &entered, release] {
            EXPECT_TRUE(writer_
                            ->submit([&entered, release](Db&, Changes&) -> Status {
                                entered.set_value();
                                release.wait();
                                return {};
                            })
                            .ok());
        });
    }
    // Gives the submitting threads time to queue behind the blocked job.
    static void let_them_queue() { std::this_thread::sleep_for(std::chrono::milliseconds(150)); }

    tern::testing::TempDir dir_;
    std::unique_ptr<Writer> writer_;
    std::shared_ptr<std::atomic<int>> publish_count_;
};

TEST_F(WriterTest, AFailingJobRollsBackOnlyItsSavepoint) {
    std::promise<void> entered, release;
    std::thread blocker = block(entered, release.get_future().share());
    entered.get_future().wait();
    const auto before = writer_->counters();
    auto good1 = std::async(std::launch::async, [&] { return writer_->submit(insert(1)); });
    auto bad = std::async(std::launch::async, [&] {
        return writer_->submit([](Db& db, Changes& changes) -> Status {
            changes.push_back(Change{});
            if (auto s = db.exec("INSERT INTO t(v) VALUES (2)"); !s) return s;
            return fail(Errc::invalid, "refused after writing");
        });
    });
    auto good2 = std::async(std::launch::async, [&] { return writer_->submit(insert(3)); });
    let_them_queue();
    release.set_value();
    blocker.join();
    EXPECT_TRUE(good1.get().ok());
    Status b = bad.get();
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.error().code, Errc::invalid);
    EXPECT_TRUE(good2.get().ok());
    EXPECT_EQ(count(), 2);  // the bad job's row was rolled back with it
    const auto after = writer_->counters();
    // Counted since the blocker started: its batch, one batch carrying all
    // three, then count()'s own.
    EXPECT_EQ(after.jobs - before.jobs, 5u);
    EXPECT_EQ(after.commits - before.commits, 3u);
    EXPECT_EQ(publish_count_->load(), 2);  // only the successful jobs' changes
}

TEST_F(WriterTest, AFailedCommitFailsEveryJobOfTheBatch) {
    std::promise<void> entered, release;
    std::thread blocker = block(entered, release.get_future().share());
    entered.get_future().wait();
    auto good = std::async(std::launch::async, [&] { return writer_->submit(insert(1)); });
    auto poison = std::async(std::launch::async, [&] {
        return writer_->submit([](Db& db, Changes&) -> Status {
            return db.exec("INSERT INTO child(id, parent) VALUES (1, 999)");
        });
    });
    let_them_queue();
    release.set_value();
    blocker.join();
    Status g = good.get(), p = poison.get();
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().code, Errc::io);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, Errc::io);
    EXPECT_EQ(count(), 0);
    EXPECT_EQ(publish_count_->load(), 0);
    // The writer goes on after a failed batch.
    EXPECT_TRUE(writer_->submit(insert(5)).ok());
    EXPECT_EQ(count(), 1);
}

TEST_F(WriterTest, StopDrainsQueuedJobsThenRefusesNewOnes) {
    std::vector<std::future<Status>> pending;
    for (int i = 0; i < 20; ++i)
        pending.push_back(
            std::async(std::launch::async, [&, i] { return writer_->submit(insert(i)); }));
    for (auto& p : pending)
        EXPECT_TRUE(p.get().ok());
    writer_->stop();
    Status late = writer_->submit(insert(99));
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, Errc::io);
    auto db = Db::open(dir_.file("w.db"), false);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ((*db)->query_int("SELECT count(*) FROM t").value(), 20);
}

TEST_F(WriterTest, ACallbackCallingBackIsRefusedNotDeadlocked) {
    auto inner = std::make_shared<Status>();
    Writer* self = nullptr;
    auto db = Db::open(dir_.file("w2.db"), true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("CREATE TABLE t(v INTEGER)").ok());
    Writer w(std::move(*db), 8, [&](const Changes&) { *inner = self->submit(insert(1)); });
    self = &w;
    EXPECT_TRUE(w.submit(insert(1)).ok());
    ASSERT_FALSE(inner->ok());
    EXPECT_EQ(inner->error().code, Errc::internal);
}

}  // namespace
}  // namespace tern::store::sqlite
