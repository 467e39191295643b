// A pool of read-only connections to the store's file.
//
// WAL lets any number of readers run beside the one writer, each on its own
// snapshot; a connection is not shareable between threads, so each reader
// borrows one (opened on demand, kept for reuse up to kMaxIdle). After
// close(), acquire() fails with Errc::io and returned connections are closed.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "store/sqlite/db.hpp"

namespace tern::store::sqlite {

class ReaderPool {
  public:
    explicit ReaderPool(std::string path) : path_(std::move(path)) {}

    Result<std::unique_ptr<Db>> acquire();
    void release(std::unique_ptr<Db> db);
    void close();

    // Borrows a connection and runs fn(Db&) inside one read transaction, so
    // multi-query reads see one consistent snapshot.
    template <class F>
    auto with(F&& fn) -> decltype(fn(std::declval<Db&>())) {
        using R = decltype(fn(std::declval<Db&>()));
        auto db = acquire();
        if (!db) return db.failure();
        R out = [&]() -> R {
            ReadTxn txn(**db);
            if (!txn.status()) return txn.status().failure();
            return fn(**db);
        }();
        release(std::move(*db));
        return out;
    }

  private:
    static constexpr size_t kMaxIdle = 8;
    const std::string path_;
    std::mutex mu_;
    std::vector<std::unique_ptr<Db>> idle_;
    bool closed_ = false;
};

}  // namespace tern::store::sqlite
