// SQLite-specific extras of the embedded store, for tests and `tern store`.
//
// open_sqlite() (declared in store/store.hpp) returns a Store backed by one
// SQLite file in WAL mode: one writer thread group-commits every mutation
// (see writer.hpp), and a pool of read-only connections serves reads without
// waiting for the writer. writer_stats() exposes how many commits carried how
// many jobs, so tests can prove that concurrent writers share fsyncs.
#pragma once

#include <cstdint>
#include <optional>

#include "store/store.hpp"

namespace tern::store {

struct WriterStats {
    uint64_t commits = 0;  // transactions committed, one fsync each
    uint64_t jobs = 0;     // mutating calls carried by those commits
};

// The writer statistics of a store made by open_sqlite(), or nullopt for any
// other backend.
std::optional<WriterStats> writer_stats(Store& store);

}  // namespace tern::store
