#include "store/sqlite/db.hpp"

#include <sqlite3.h>

#include <string>

namespace tern::store::sqlite {

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
    std::string message(what);
    message += ": ";
    message += (db != nullptr) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return {Errc::busy, std::move(message)};
        case SQLITE_CONSTRAINT: {
            const int extended = (db != nullptr) ? sqlite3_extended_errcode(db) : rc;
            if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY)
                return {Errc::exists, std::move(message)};
            return {Errc::invalid, std::move(message)};
        }
        default:
            return {Errc::io, std::move(message)};
    }
}

Stmt::~Stmt() {
    if (stmt_ != nullptr) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
}

Stmt& Stmt::bind(int index, int64_t value) {
    rearm();
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = fail(sqlite_error(db_, rc, "bind"));
    return *this;
}

Stmt& Stmt::bind(int index, std::string_view text) {
    rearm();
    // SQLITE_TRANSIENT: SQLite copies, so the caller's buffer may go away.
    const int rc =
        sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = fail(sqlite_error(db_, rc, "bind"));
    return *this;
}

Stmt& Stmt::bind_blob(int index, std::string_view bytes) {
    rearm();
    // A zero-length blob must still be a blob, not NULL: pass a valid pointer.
    static const char empty = 0;
    const char* data = bytes.empty() ? &empty : bytes.data();
    const int rc = sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = fail(sqlite_error(db_, rc, "bind"));
    return *this;
}

Stmt& Stmt::bind_null(int index) {
    rearm();
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = fail(sqlite_error(db_, rc, "bind"));
    return *this;
}

void Stmt::rearm() {
    // A statement that already ran must be reset before new bindings; this
    // lets one cached INSERT or UPDATE be re-bound in a loop.
    if (sqlite3_stmt_busy(stmt_) != 0 || done_) {
        sqlite3_reset(stmt_);
        done_ = false;
    }
}

Result<bool> Stmt::step() {
    if (!bind_status_.ok()) return bind_status_.failure();
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    done_ = true;
    if (rc == SQLITE_DONE) return false;
    Error error = sqlite_error(db_, rc, "step");
    sqlite3_reset(stmt_);
    return fail(std::move(error));
}

Status Stmt::run() {
    for (;;) {
        auto row = step();
        if (!row) return row.failure();
        if (!*row) return {};
    }
}

int64_t Stmt::int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string Stmt::text(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    const int n = sqlite3_column_bytes(stmt_, column);
    return p != nullptr ? std::string(p, static_cast<size_t>(n)) : std::string();
}

std::string Stmt::blob(int column) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    const int n = sqlite3_column_bytes(stmt_, column);
    return p != nullptr ? std::string(p, static_cast<size_t>(n)) : std::string();
}

bool Stmt::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Result<std::unique_ptr<Db>> Db::open(const std::string& path, bool create) {
    // NOMUTEX: each connection is confined to one thread at a time by the
    // store, so SQLite's own per-connection mutex would be pure overhead.
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (create) flags |= SQLITE_OPEN_CREATE;
    sqlite3* handle = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
    if (rc != SQLITE_OK) {
        Error error = sqlite_error(handle, rc, "open " + path);
        if (rc == SQLITE_CANTOPEN) error.code = create ? Errc::io : Errc::not_found;
        sqlite3_close_v2(handle);
        return fail(std::move(error));
    }
    sqlite3_extended_result_codes(handle, 1);
    return std::unique_ptr<Db>(new Db(handle));
}

Db::~Db() {
    for (auto& [sql, stmt] : cache_)
        sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
}

Status Db::exec(std::string_view sql) {
    std::string copy(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        Error error = sqlite_error(db_, rc, copy.substr(0, 40));
        sqlite3_free(message);
        return fail(std::move(error));
    }
    return {};
}

Result<Stmt> Db::prepare(std::string_view sql) {
    std::string key(sql);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                          SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) return fail(sqlite_error(db_, rc, "prepare"));
        it = cache_.emplace(std::move(key), stmt).first;
    }
    return Stmt(db_, it->second);
}

Result<int64_t> Db::query_int(std::string_view sql) {
    auto stmt = prepare(sql);
    if (!stmt) return stmt.failure();
    auto row = stmt->step();
    if (!row) return row.failure();
    return *row ? stmt->int64(0) : int64_t{0};
}

int64_t Db::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}
int Db::changes() const {
    return sqlite3_changes(db_);
}
bool Db::autocommit() const {
    return sqlite3_get_autocommit(db_) != 0;
}

ReadTxn::ReadTxn(Db& db) : db_(db), status_(db.exec("BEGIN")) {}

ReadTxn::~ReadTxn() {
    if (status_.ok()) (void)db_.exec("COMMIT");
}

}  // namespace tern::store::sqlite
