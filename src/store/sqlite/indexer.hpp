// The background indexer: makes what Derivers promise for blobs that lack it
// (views of messages stored before schema 5 or without a view function, and
// the full-text index of every message), off the delivery path.
//
// One thread. It reads a batch of pending blobs on a reader connection,
// runs the derivers on it with no lock held, and keeps the results in one
// writer job (group-committed with everything else; a blob freed meanwhile
// is skipped). Then the next batch, until none is left; then it sleeps until
// poke() (after an append) or stop(). Errors are logged and retried on the
// next poke; they never reach the protocols, which scan what is unindexed.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "base/result.hpp"
#include "store/sqlite/reader_pool.hpp"
#include "store/sqlite/writer.hpp"
#include "store/store.hpp"

namespace tern::store::sqlite {

class Indexer {
  public:
    Indexer(ReaderPool& readers, Writer& writer, Derivers derivers);
    ~Indexer();
    Indexer(const Indexer&) = delete;
    Indexer& operator=(const Indexer&) = delete;

    // Starts the thread (no-op without derivers).
    void start();
    void poke();
    // Stops the thread; the current batch finishes first. Idempotent.
    void stop();
    // Does all pending work now on the calling thread.
    Status run_pending();

  private:
    // One batch after `after`; sets `after` to the last blob looked at.
    // Returns how many blobs it handled (0: nothing pending).
    Result<std::size_t> batch(BlobId& after);
    void loop();

    ReaderPool& readers_;
    Writer& writer_;
    const Derivers derivers_;
    std::mutex batch_mu_;  // one batch at a time (thread and run_pending)
    std::mutex mu_;
    std::condition_variable cv_;
    bool poked_ = true;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace tern::store::sqlite
