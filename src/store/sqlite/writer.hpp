// The single writer thread of the SQLite store, with group commit
// (DESIGN.md rule 3: "an OK means durable", one fsync per batch).
//
// Every mutating store call becomes a job handed to this thread. The thread
// takes every queued job (up to max_batch), opens one `BEGIN IMMEDIATE`
// transaction, runs each job inside its own SAVEPOINT (a job that fails rolls
// back only its savepoint and gets its own error), then issues one COMMIT;
// with synchronous=FULL in WAL mode that is one fsync for the whole batch.
// Only after COMMIT returns are the batch's changes published and its callers
// completed. If BEGIN or COMMIT fails, or SQLite abandons the transaction,
// every job of the batch fails (Errc::io, or Errc::busy when another process
// holds the write lock past the busy timeout).
//
// Threading: submit() and call() may be used from any thread except the
// writer thread itself (a change callback calling back into the store would
// wait for itself forever, so that is refused with Errc::internal).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "store/sqlite/db.hpp"
#include "store/store.hpp"

namespace tern::store::sqlite {

using Changes = std::vector<Change>;
using JobFn = std::function<Status(Db&, Changes&)>;

struct WriterCounters {
    uint64_t commits = 0;  // transactions committed (one fsync each)
    uint64_t jobs = 0;     // jobs carried by those transactions
};

class Writer {
  public:
    using Publish = std::function<void(const Changes&)>;
    Writer(std::unique_ptr<Db> db, unsigned max_batch, Publish publish);
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // Queues `fn` and waits until its batch is committed (or failed).
    Status submit(JobFn fn);

    // Like submit(), for a job that returns a value: the value is handed back
    // only if the job's batch committed.
    template <class F>
    auto call(F&& fn) -> decltype(fn(std::declval<Db&>(), std::declval<Changes&>())) {
        using R = decltype(fn(std::declval<Db&>(), std::declval<Changes&>()));
        std::optional<R> out;
        Status status = submit([&](Db& db, Changes& changes) -> Status {
            out.emplace(fn(db, changes));
            if (!out->ok()) return out->failure();
            return {};
        });
        if (!status) return status.failure();
        return std::move(*out);
    }

    // Runs every queued job, stops the thread, then checkpoints and truncates
    // the WAL. Later submits fail with Errc::io. Idempotent.
    void stop();
    WriterCounters counters() const;

  private:
    struct Job {
        JobFn fn;
        std::promise<Status> done;
    };
    void run();
    void run_batch(std::vector<Job>& batch);
    Status run_job(Job& job, Changes& changes);

    std::unique_ptr<Db> db_;
    const unsigned max_batch_;
    Publish publish_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Job> queue_;
    bool stopping_ = false;
    WriterCounters counters_;
    std::thread thread_;
    std::thread::id thread_id_;
};

}  // namespace tern::store::sqlite
