// A thin RAII layer over the sqlite3 C API: one connection (Db) and its
// prepared statements (Stmt), with every failure turned into a tern::Error.
//
// Promises: a Db owns its sqlite3 handle and closes it; statements prepared
// through Db::prepare() are cached per connection and reset when the Stmt
// handle goes out of scope, so a hot statement is compiled once. A Db is used
// by one thread at a time (the writer owns one; readers borrow one from a
// pool). Errors: SQLITE_BUSY/LOCKED map to Errc::busy, a UNIQUE or PRIMARY
// KEY violation to Errc::exists, anything else to Errc::io.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace tern::store::sqlite {

// Maps an sqlite3 result code (and the connection's message) to an Error.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

// A borrowed, cached statement. Bind parameters are 1-based as in SQLite.
// The destructor resets the statement and clears its bindings.
class Stmt {
  public:
    Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    ~Stmt();
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    Stmt(Stmt&& o) noexcept
        : db_(o.db_), stmt_(o.stmt_), bind_status_(o.bind_status_), done_(o.done_) {
        o.stmt_ = nullptr;
    }

    Stmt& bind(int index, int64_t value);
    Stmt& bind(int index, std::string_view text);
    Stmt& bind_blob(int index, std::string_view bytes);
    Stmt& bind_null(int index);

    // Advances: true while a row is available, false when done, or an error.
    Result<bool> step();
    // Runs a statement that returns no rows (or ignores them).
    Status run();

    int64_t int64(int column) const;
    std::string text(int column) const;
    std::string blob(int column) const;
    bool is_null(int column) const;

  private:
    void rearm();

    sqlite3* db_;
    sqlite3_stmt* stmt_;
    Status bind_status_;
    bool done_ = false;
};

class Db {
  public:
    // Opens (or creates when `create`) the database file in serialized-free
    // mode: the caller guarantees one thread at a time.
    static Result<std::unique_ptr<Db>> open(const std::string& path, bool create);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    // Runs one or more statements with no parameters.
    Status exec(std::string_view sql);
    // A cached prepared statement for `sql` (which must be a string literal
    // or otherwise outlive the connection's use of it).
    Result<Stmt> prepare(std::string_view sql);
    // Single-value helper: the first column of the first row as an integer.
    Result<int64_t> query_int(std::string_view sql);

    int64_t last_insert_rowid() const;
    int changes() const;
    // True when no transaction is open (SQLite rolled back on its own after
    // some errors, e.g. SQLITE_FULL or SQLITE_IOERR).
    bool autocommit() const;
    sqlite3* handle() const { return db_; }

  private:
    explicit Db(sqlite3* db) : db_(db) {}
    sqlite3* db_;
    std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// RAII for a read transaction: BEGIN on construction, COMMIT (which only
// ends the snapshot) on destruction.
class ReadTxn {
  public:
    explicit ReadTxn(Db& db);
    ~ReadTxn();
    ReadTxn(const ReadTxn&) = delete;
    ReadTxn& operator=(const ReadTxn&) = delete;
    const Status& status() const { return status_; }

  private:
    Db& db_;
    Status status_;
};

}  // namespace tern::store::sqlite
