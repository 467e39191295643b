#include "store/sqlite/writer.hpp"

#include <exception>

#include "base/log.hpp"

namespace tern::store::sqlite {

Writer::Writer(std::unique_ptr<Db> db, unsigned max_batch, Publish publish)
    : db_(std::move(db)), max_batch_(max_batch == 0 ? 1 : max_batch), publish_(std::move(publish)) {
    thread_ = std::thread([this] { run(); });
    std::lock_guard lock(mu_);
    thread_id_ = thread_.get_id();
}

Writer::~Writer() {
    stop();
}

Status Writer::submit(JobFn fn) {
    std::future<Status> result;
    {
        std::lock_guard lock(mu_);
        if (std::this_thread::get_id() == thread_id_)
            return fail(Errc::internal, "store called from its own change callback");
        if (stopping_) return fail(Errc::io, "store is closed");
        Job job{std::move(fn), {}};
        result = job.done.get_future();
        queue_.push_back(std::move(job));
    }
    cv_.notify_one();
    return result.get();
}

void Writer::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (db_) {
        // Fold the WAL back into the main file so a closed store is one file
        // and the next open does not replay a long log.
        if (auto s = db_->exec("PRAGMA wal_checkpoint(TRUNCATE)"); !s)
            log::warn("store.checkpoint_failed").kv("error", s.error().message);
        db_.reset();
    }
}

WriterCounters Writer::counters() const {
    std::lock_guard lock(mu_);
    return counters_;
}

void Writer::run() {
    for (;;) {
        std::vector<Job> batch;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            // Drain before stopping: close() promises queued writes land.
            if (queue_.empty()) return;
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        run_batch(batch);
    }
}

Status Writer::run_job(Job& job, Changes& changes) {
    if (auto s = db_->exec("SAVEPOINT job"); !s) return s;
    Status status;
    try {
        status = job.fn(*db_, changes);
    } catch (const std::exception& e) {
        status = fail(Errc::internal, std::string("store job threw: ") + e.what());
    }
    if (db_->autocommit()) return status.ok() ? fail(Errc::io, "transaction lost") : status;
    if (status.ok()) {
        if (auto s = db_->exec("RELEASE job"); !s) return s;
        return status;
    }
    // Only this job's work is undone; the rest of the batch goes on.
    changes.clear();
    (void)db_->exec("ROLLBACK TO job");
    (void)db_->exec("RELEASE job");
    return status;
}

void Writer::run_batch(std::vector<Job>& batch) {
    std::vector<Status> results(batch.size());
    std::vector<Changes> changes(batch.size());
    auto fail_all = [&](const Error& error) {
        log::error("store.batch_failed").kv("jobs", batch.size()).kv("error", error.message);
        for (auto& r : results)
            r = fail(error);
        for (auto& c : changes)
            c.clear();
    };

    if (auto begin = db_->exec("BEGIN IMMEDIATE"); !begin) {
        fail_all(begin.error());
    } else {
        bool lost = false;
        for (size_t i = 0; i < batch.size(); ++i) {
            results[i] = run_job(batch[i], changes[i]);
            if (db_->autocommit()) {
                // SQLite rolled the whole transaction back (disk full, I/O
                // error): nothing of this batch is stored.
                lost = true;
                break;
            }
        }
        if (lost) {
            fail_all(Error{Errc::io, "transaction rolled back by the database"});
        } else if (auto commit = db_->exec("COMMIT"); !commit) {
            (void)db_->exec("ROLLBACK");
            fail_all(Error{Errc::io, "commit failed: " + commit.error().message});
        } else {
            std::lock_guard lock(mu_);
            ++counters_.commits;
            counters_.jobs += batch.size();
        }
    }

    // Durable now (or failed): tell subscribers, then release the callers.
    Changes all;
    for (auto& c : changes)
        for (auto& change : c)
            all.push_back(std::move(change));
    if (!all.empty() && publish_) publish_(all);
    for (size_t i = 0; i < batch.size(); ++i)
        batch[i].done.set_value(std::move(results[i]));
}

}  // namespace tern::store::sqlite
