// The SQLite schema of the store and its migrations.
//
// Promises: configure_connection() puts a connection in the mode every store
// connection uses (WAL journal, synchronous=FULL so every COMMIT is fsync'd,
// foreign keys on, a busy timeout because `tern user add` writes to the same
// file from another process). migrate() brings a database at any earlier
// schema_version up to kSchemaVersion inside one transaction, creating it
// from nothing on first open; a database newer than this binary is refused
// (Errc::invalid) rather than misread.
#pragma once

#include "base/result.hpp"
#include "store/sqlite/db.hpp"

namespace tern::store::sqlite {

inline constexpr int kSchemaVersion = 5;
inline constexpr int kBusyTimeoutMs = 5000;

Status configure_connection(Db& db, bool read_only);
Status migrate(Db& db);

}  // namespace tern::store::sqlite
