// The SQLite backend: the conformance suite, plus what only SQLite promises
// (group commit, per-job failure inside a batch, WAL, schema versioning, a
// second process writing to the same file).
#include "store/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/store/store_conformance.hpp"

namespace tern::store::testing {
namespace {

std::unique_ptr<Store> open_at(const std::string& dir, bool derive = true) {
    SqliteOptions options;
    options.path = dir + "/store.db";
    if (derive) options.derivers = test_derivers();
    auto store = open_sqlite(options);
    if (!store.ok()) {
        ADD_FAILURE() << "open_sqlite: " << store.error().message;
        return nullptr;
    }
    return std::move(*store);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
                         ::testing::Values(Backend{
                             "sqlite", [](const std::string& dir) { return open_at(dir); }}),
                         backend_name);

class SqliteStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        // No derivers: the writer's counters then count only the test's jobs.
        store_ = open_at(dir_.path().string(), false);
        ASSERT_NE(store_, nullptr);
        ASSERT_TRUE(store_->add_domain("example.org").ok());
        auto account = store_->add_account("a@example.org", "h", 0);
        ASSERT_TRUE(account.ok());
        inbox_ = store_->find_mailbox(account->id, "INBOX")->id;
    }
    std::string db_path() const { return dir_.file("store.db"); }

    // Runs fn(thread, i) from `threads` threads, `each` times per thread.
    static void hammer(int threads, int each, const std::function<void(int, int)>& fn) {
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (int i = 0; i < each; ++i)
                    fn(t, i);
            });
        for (auto& th : pool)
            th.join();
    }

    tern::testing::TempDir dir_;
    std::unique_ptr<Store> store_;
    MailboxId inbox_ = 0;
};

TEST_F(SqliteStoreTest, ConcurrentAppendsShareCommits) {
    const WriterStats before = writer_stats(*store_).value();
    std::atomic<int> failures{0};
    hammer(16, 40, [&](int t, int i) {
        NewMessage m;
        m.raw = sample_message(std::to_string(t) + "/" + std::to_string(i));
        m.targets = {{inbox_, {}}};
        if (!store_->append(m).ok()) ++failures;
    });
    const WriterStats after = writer_stats(*store_).value();
    const uint64_t jobs = after.jobs - before.jobs, commits = after.commits - before.commits;
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(jobs, 16u * 40u);
    // With 16 callers waiting on fsync, each commit carries several jobs.
    EXPECT_LT(commits * 3, jobs) << commits << " commits for " << jobs << " jobs";
    EXPECT_EQ(store_->mailbox_status(inbox_)->messages, 16u * 40u);
}

TEST_F(SqliteStoreTest, AFailingJobFailsAloneInsideItsBatch) {
    std::atomic<int> good{0}, bad{0}, wrong{0};
    hammer(8, 20, [&](int t, int i) {
        NewMessage m;
        m.raw = sample_message(std::to_string(t) + "/" + std::to_string(i));
        const bool valid = (i % 2) == 0;
        m.targets = {{inbox_, {}}};
        if (!valid) m.targets.push_back({inbox_ + 4242, {}});
        auto r = store_->append(m);
        if (valid && r.ok())
            ++good;
        else if (!valid && !r.ok() && r.error().code == Errc::not_found)
            ++bad;
        else
            ++wrong;
    });
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_EQ(good.load(), 80);
    EXPECT_EQ(bad.load(), 80);
    EXPECT_EQ(store_->mailbox_status(inbox_)->messages, 80u);
    EXPECT_TRUE(store_->check().value().empty());
}

TEST_F(SqliteStoreTest, DatabaseIsInWalModeWithASchemaVersion) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    auto one = [&](const char* sql) {
        sqlite3_stmt* stmt = nullptr;
        EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK);
        std::string out;
        if (sqlite3_step(stmt) == SQLITE_ROW)
            out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        sqlite3_finalize(stmt);
        return out;
    };
    EXPECT_EQ(one("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(one("SELECT max(version) FROM schema_version"), "5");
    sqlite3_close(db);
}

TEST_F(SqliteStoreTest, ANewerSchemaIsRefused) {
    store_->close();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_version VALUES (99)", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    SqliteOptions options;
    options.path = db_path();
    auto reopened = open_sqlite(options);
    ASSERT_FALSE(reopened.ok());
    EXPECT_EQ(reopened.error().code, Errc::invalid);
}

TEST_F(SqliteStoreTest, MigrationFromVersion2ComputesCrlfSizes) {
    NewMessage m;
    m.raw = "Subject: bare\nx: y\r\n\nbody\n";  // three bare LFs
    m.targets.push_back({inbox_, {}});
    ASSERT_TRUE(store_->append(m).ok());
    store_->close();
    // Turn the file back into a version 2 database.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "ALTER TABLE messages DROP COLUMN crlf_size; DROP TABLE dmarc_rows;"
                           "DROP TABLE derived; DROP TABLE blob_text;"
                           "UPDATE schema_version SET version=2",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    SqliteOptions options;
    options.path = db_path();
    auto reopened = open_sqlite(options);
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    auto list = (*reopened)->list_messages(inbox_);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ(list->front().size, m.raw.size());
    EXPECT_EQ(list->front().crlf_size, m.raw.size() + 3);
}

// Messages stored without derivers (or before schema 5) get their view and
// index text once a store with derivers opens; freed blobs leave blob_text.
TEST_F(SqliteStoreTest, DerivedDataIsMadeForOlderMessagesAndFreedWithThem) {
    std::vector<uint32_t> uids;
    for (int i = 0; i < 5; ++i) {
        NewMessage m;
        m.raw = "Subject: old " + std::to_string(i) + "\r\n\r\nneedle in body\r\n";
        m.targets.push_back({inbox_, {}});
        auto appended = store_->append(m);
        ASSERT_TRUE(appended.ok());
        uids.push_back(appended->front().uid);
    }
    auto before = store_->search_text(inbox_, TextScope::body, "needle");
    ASSERT_TRUE(before.ok());
    EXPECT_TRUE(before->uids.empty());
    EXPECT_EQ(before->unindexed, uids);
    const BlobId blob = store_->get_message(inbox_, uids[0])->blob;
    EXPECT_EQ(store_->read_view(blob).error().code, Errc::not_found);
    store_->close();
    store_ = open_at(dir_.path().string(), true);
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->index_pending().ok());
    auto after = store_->search_text(inbox_, TextScope::body, "needle");
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->uids, uids);
    EXPECT_TRUE(after->unindexed.empty());
    EXPECT_TRUE(store_->read_view(blob).value().starts_with("V"));

    ASSERT_TRUE(store_->expunge(inbox_, uids).ok());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "SELECT (SELECT count(*) FROM blob_text) + "
                                 "(SELECT count(*) FROM derived)",
                                 -1, &stmt, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(stmt, 0), 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    EXPECT_TRUE(store_->check().value().empty());
}

TEST_F(SqliteStoreTest, MissingFileWithoutCreateIsNotFound) {
    SqliteOptions options;
    options.path = dir_.file("absent.db");
    options.create_if_missing = false;
    auto missing = open_sqlite(options);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_F(SqliteStoreTest, ASecondWriterOnTheSameFileIsSeen) {
    // What `tern user add` does while the server runs: another connection
    // (here another Store) writes to the same file.
    auto admin = open_at(dir_.path().string());
    ASSERT_NE(admin, nullptr);
    std::atomic<int> failures{0};
    std::thread server([&] {
        for (int i = 0; i < 30; ++i) {
            NewMessage m;
            m.raw = sample_message(std::to_string(i));
            m.targets = {{inbox_, {}}};
            if (!store_->append(m).ok()) ++failures;
        }
    });
    for (int i = 0; i < 10; ++i)
        if (!admin->add_account("user" + std::to_string(i) + "@example.org", "h", 0).ok())
            ++failures;
    server.join();
    admin->close();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_TRUE(store_->find_account("user9@example.org").ok());
    EXPECT_EQ(store_->list_accounts("example.org")->size(), 11u);
    EXPECT_EQ(store_->mailbox_status(inbox_)->messages, 30u);
}

TEST_F(SqliteStoreTest, CheckReportsBrokenInvariants) {
    NewMessage m;
    m.raw = sample_message("victim");
    m.targets = {{inbox_, {}}};
    ASSERT_TRUE(store_->append(m).ok());
    ASSERT_TRUE(store_->check().value().empty());
    // Damage the file behind the store's back, as a bad restore or a manual
    // edit might: a wrong usage counter and an orphan blob.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    ASSERT_EQ(sqlite3_exec(db,
                           "UPDATE accounts SET used_bytes = used_bytes + 7;"
                           "INSERT INTO blobs(size, data) VALUES (3, x'616263');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    auto problems = store_->check();
    ASSERT_TRUE(problems.ok());
    ASSERT_EQ(problems->size(), 2u);
    std::string all = (*problems)[0] + "\n" + (*problems)[1];
    EXPECT_NE(all.find("orphan blob"), std::string::npos) << all;
    EXPECT_NE(all.find("used_bytes"), std::string::npos) << all;
}

TEST_F(SqliteStoreTest, ResetWaitsForARunningCallback) {
    std::atomic<bool> inside{false}, finished{false};
    auto account = store_->find_account("a@example.org").value();
    Subscription sub = store_->subscribe(account.id, [&](const Change&) {
        inside = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        finished = true;
    });
    std::thread writer([&] {
        NewMessage m;
        m.raw = sample_message("slow callback");
        m.targets = {{inbox_, {}}};
        EXPECT_TRUE(store_->append(m).ok());
    });
    while (!inside)
        std::this_thread::yield();
    sub.reset();
    // Once reset() returns the callback is over, so its captures may go.
    EXPECT_TRUE(finished.load());
    writer.join();
}

}  // namespace
}  // namespace tern::store::testing
