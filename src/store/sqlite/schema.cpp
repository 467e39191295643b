#include "store/sqlite/schema.hpp"

#include <string>

#include "base/strings.hpp"

namespace tern::store::sqlite {
namespace {

// Version 1. Design notes:
// - accounts.address keeps the address as created (domain lower-cased);
//   address_key is the fully lower-cased form that lookups and uniqueness use.
// - blobs hold the raw bytes once per append() call; messages reference them
//   (messages_blob makes "is this blob still referenced?" an index probe).
// - expunged keeps (uid, modseq) tombstones for QRESYNC VANISHED (RFC 7162 3.2.10).
// - messages.flags is the canonical, sorted, space-separated flag list (IMAP
//   flags are atoms, which cannot contain a space: RFC 9051 9 "flag-keyword").
// - AUTOINCREMENT: account, mailbox and blob ids are never reused, so a
//   stale id held by a session or a subscription cannot reach a newer object.
// - meta holds single values such as the last UIDVALIDITY handed out.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE domains(name TEXT PRIMARY KEY);
CREATE TABLE accounts(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  address TEXT NOT NULL,
  address_key TEXT NOT NULL UNIQUE,
  domain TEXT NOT NULL REFERENCES domains(name),
  password_hash TEXT NOT NULL,
  quota_bytes INTEGER NOT NULL DEFAULT 0,
  used_bytes INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE INDEX accounts_domain ON accounts(domain);
CREATE TABLE aliases(
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  source_key TEXT NOT NULL,
  domain TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
  target TEXT NOT NULL,
  UNIQUE(source_key, target));
CREATE INDEX aliases_domain ON aliases(domain);
CREATE TABLE mailboxes(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account INTEGER NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  special_use TEXT NOT NULL DEFAULT '',
  subscribed INTEGER NOT NULL DEFAULT 0,
  uid_validity INTEGER NOT NULL,
  uid_next INTEGER NOT NULL DEFAULT 1,
  highest_modseq INTEGER NOT NULL DEFAULT 1,
  UNIQUE(account, name));
CREATE TABLE blobs(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  size INTEGER NOT NULL,
  data BLOB NOT NULL);
CREATE TABLE messages(
  mailbox INTEGER NOT NULL REFERENCES mailboxes(id),
  uid INTEGER NOT NULL,
  blob INTEGER NOT NULL REFERENCES blobs(id),
  modseq INTEGER NOT NULL,
  internal_date INTEGER NOT NULL,
  size INTEGER NOT NULL,
  flags TEXT NOT NULL DEFAULT '',
  seen INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(mailbox, uid)) WITHOUT ROWID;
CREATE INDEX messages_blob ON messages(blob);
CREATE INDEX messages_modseq ON messages(mailbox, modseq);
CREATE TABLE expunged(
  mailbox INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid INTEGER NOT NULL,
  modseq INTEGER NOT NULL,
  PRIMARY KEY(mailbox, uid)) WITHOUT ROWID;
)sql";

// Version 2: the outbound queue (store.hpp QueueStore).
// - A queue row exists while at least one of its recipients is pending;
//   record_attempt() deletes it (and its bytes) when the last one is decided.
// - claimed_by/claim_until: a lease, so that one process (or node) delivers
//   a message at a time and a crashed owner's work comes back when it ends.
// - flags: 1 SMTPUTF8, 2 8BITMIME, 4 REQUIRETLS.
// - queue_rcpts.state: 0 pending, 1 delivered, 2 failed.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE queue(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sender TEXT NOT NULL,
  envid TEXT NOT NULL DEFAULT '',
  ret TEXT NOT NULL DEFAULT '',
  flags INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  delay_notified_at INTEGER NOT NULL DEFAULT 0,
  claimed_by TEXT NOT NULL DEFAULT '',
  claim_until INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL,
  data BLOB NOT NULL);
CREATE INDEX queue_due ON queue(next_attempt);
CREATE TABLE queue_rcpts(
  message INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  address TEXT NOT NULL,
  orcpt TEXT NOT NULL DEFAULT '',
  notify TEXT NOT NULL DEFAULT '',
  state INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_reply TEXT NOT NULL DEFAULT '',
  remote_mta TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(message, idx)) WITHOUT ROWID;
)sql";

// Version 3: messages.crlf_size, the size with bare LFs counted as CRLF
// (what POP3 reports), so a POP3 login does not read every message.
Status add_crlf_sizes(Db& db) {
    if (auto s = db.exec("ALTER TABLE messages ADD COLUMN crlf_size INTEGER NOT NULL DEFAULT 0");
        !s)
        return s;
    auto blobs = db.prepare("SELECT id, data FROM blobs");
    if (!blobs) return blobs.failure();
    auto set = db.prepare("UPDATE messages SET crlf_size=? WHERE blob=?");
    if (!set) return set.failure();
    for (;;) {
        auto row = blobs->step();
        if (!row) return row.failure();
        if (!*row) return {};
        int64_t id = blobs->int64(0);
        auto size = static_cast<int64_t>(crlf_length(blobs->blob(1)));
        if (auto s = set->bind(1, size).bind(2, id).run(); !s) return s;
    }
}

Result<int> current_version(Db& db) {
    auto exists = db.query_int(
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'");
    if (!exists) return exists.failure();
    if (*exists == 0) return 0;
    auto version = db.query_int("SELECT coalesce(max(version), 0) FROM schema_version");
    if (!version) return version.failure();
    return static_cast<int>(*version);
}

}  // namespace

Status configure_connection(Db& db, bool read_only) {
    std::string pragmas = "PRAGMA busy_timeout=" + std::to_string(kBusyTimeoutMs) +
                          ";"
                          "PRAGMA foreign_keys=ON;"
                          "PRAGMA synchronous=FULL;";
    if (read_only) pragmas += "PRAGMA query_only=ON;";
    if (auto s = db.exec(pragmas); !s) return s;
    if (read_only) return {};
    // journal_mode returns a row; WAL is persistent in the file once set.
    auto mode = db.prepare("PRAGMA journal_mode=WAL");
    if (!mode) return mode.failure();
    auto row = mode->step();
    if (!row) return row.failure();
    if (!*row || mode->text(0) != "wal")
        return fail(Errc::io, "cannot switch the database to WAL mode");
    return {};
}

Status migrate(Db& db) {
    // IMMEDIATE: take the write lock before reading the version so two
    // processes opening a fresh file cannot both create the schema.
    if (auto s = db.exec("BEGIN IMMEDIATE"); !s) return s;
    auto rollback = [&db](Failure f) -> Status {
        (void)db.exec("ROLLBACK");
        return f;
    };
    auto version = current_version(db);
    if (!version) return rollback(version.failure());
    if (*version > kSchemaVersion)
        return rollback(fail(Errc::invalid, "database schema version " + std::to_string(*version) +
                                                " is newer than this program supports"));
    if (*version < 1) {
        if (auto s = db.exec(kSchemaV1); !s) return rollback(s.failure());
        if (auto s = db.exec("CREATE TABLE schema_version(version INTEGER NOT NULL);"
                             "INSERT INTO schema_version(version) VALUES (1);");
            !s)
            return rollback(s.failure());
    }
    if (*version < 2) {
        if (auto s = db.exec(kSchemaV2); !s) return rollback(s.failure());
        if (auto s = db.exec("UPDATE schema_version SET version=2"); !s)
            return rollback(s.failure());
    }
    if (*version < 3) {
        if (auto s = add_crlf_sizes(db); !s) return rollback(s.failure());
        if (auto s = db.exec("UPDATE schema_version SET version=3"); !s)
            return rollback(s.failure());
    }
    if (*version < 4) {
        // RFC 7489 7.2: aggregate report rows, counted per day and policy domain.
        if (auto s = db.exec("CREATE TABLE IF NOT EXISTS dmarc_rows("
                             " day INTEGER NOT NULL, domain TEXT NOT NULL, key TEXT NOT NULL,"
                             " count INTEGER NOT NULL, policy TEXT NOT NULL, rua TEXT NOT NULL,"
                             " PRIMARY KEY(day, domain, key)) WITHOUT ROWID;"
                             "UPDATE schema_version SET version=4");
            !s)
            return rollback(s.failure());
    }
    if (*version < 5) {
        // What is derived from each blob (store.hpp Derivers): its view and
        // whether blob_text holds its words. Existing blobs are picked up by
        // the indexer after opening, not here, so opening stays quick.
        // trigram (SQLite 3.34+): phrase queries are substring tests.
        if (auto s = db.exec("CREATE TABLE derived("
                             " blob INTEGER PRIMARY KEY, view BLOB,"
                             " indexed INTEGER NOT NULL DEFAULT 0);"
                             "CREATE VIRTUAL TABLE blob_text USING fts5("
                             " header, body, tokenize = 'trigram');"
                             "UPDATE schema_version SET version=5");
            !s)
            return rollback(s.failure());
    }
    // Later versions: `if (*version < 6) { ALTER ...; UPDATE schema_version ... }`.
    if (auto s = db.exec("COMMIT"); !s) return rollback(s.failure());
    return {};
}

}  // namespace tern::store::sqlite
