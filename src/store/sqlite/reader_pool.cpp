#include "store/sqlite/reader_pool.hpp"

#include "store/sqlite/schema.hpp"

namespace tern::store::sqlite {

Result<std::unique_ptr<Db>> ReaderPool::acquire() {
    {
        std::lock_guard lock(mu_);
        if (closed_) return fail(Errc::io, "store is closed");
        if (!idle_.empty()) {
            auto db = std::move(idle_.back());
            idle_.pop_back();
            return db;
        }
    }
    // Opening happens outside the lock: it touches the disk.
    auto db = Db::open(path_, false);
    if (!db) return db.failure();
    if (auto s = configure_connection(**db, true); !s) return s.failure();
    return db;
}

void ReaderPool::release(std::unique_ptr<Db> db) {
    std::lock_guard lock(mu_);
    if (!closed_ && idle_.size() < kMaxIdle) idle_.push_back(std::move(db));
}

void ReaderPool::close() {
    std::vector<std::unique_ptr<Db>> doomed;
    {
        std::lock_guard lock(mu_);
        closed_ = true;
        doomed.swap(idle_);
    }
}

}  // namespace tern::store::sqlite
