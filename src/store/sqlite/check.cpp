// `tern store check`: SQLite's own integrity check plus the invariants the
// store keeps itself (blobs, quota accounting, UIDs, MODSEQs).
#include <string>

#include "store/sqlite/ops.hpp"

namespace tern::store::sqlite::ops {
namespace {

struct Probe {
    const char* sql;   // each row is one problem; columns are described below
    const char* what;  // message prefix
};

// Each query returns rows of (int id, int a, int b) describing one problem.
constexpr Probe kProbes[] = {
    {"SELECT m.mailbox, m.uid, m.blob FROM messages m "
     "WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.id = m.blob)",
     "message references a missing blob (mailbox, uid, blob)"},
    {"SELECT b.id, b.size, length(b.data) FROM blobs b "
     "WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.blob = b.id)",
     "orphan blob (blob, size, length)"},
    {"SELECT id, size, length(data) FROM blobs WHERE size != length(data)",
     "blob size does not match its data (blob, size, length)"},
    {"SELECT m.mailbox, m.uid, m.size FROM messages m JOIN blobs b ON b.id = m.blob "
     "WHERE m.size != b.size",
     "message size differs from its blob (mailbox, uid, size)"},
    {"SELECT a.id, a.used_bytes, coalesce((SELECT sum(m.size) FROM messages m "
     "JOIN mailboxes x ON x.id = m.mailbox WHERE x.account = a.id), 0) AS total "
     "FROM accounts a WHERE a.used_bytes != total",
     "used_bytes differs from the sum of message sizes (account, used, sum)"},
    {"SELECT m.mailbox, m.uid, x.uid_next FROM messages m JOIN mailboxes x ON x.id = m.mailbox "
     "WHERE m.uid >= x.uid_next OR m.uid < 1",
     "message uid not below uid_next (mailbox, uid, uid_next)"},
    {"SELECT m.mailbox, m.uid, m.modseq FROM messages m JOIN mailboxes x ON x.id = m.mailbox "
     "WHERE m.modseq > x.highest_modseq",
     "message modseq above highest_modseq (mailbox, uid, modseq)"},
    {"SELECT e.mailbox, e.uid, e.modseq FROM expunged e JOIN mailboxes x ON x.id = e.mailbox "
     "WHERE e.modseq > x.highest_modseq OR e.uid >= x.uid_next",
     "tombstone beyond the mailbox counters (mailbox, uid, modseq)"},
    {"SELECT m.mailbox, m.uid, 0 FROM messages m "
     "WHERE NOT EXISTS (SELECT 1 FROM mailboxes x WHERE x.id = m.mailbox)",
     "message in a missing mailbox (mailbox, uid, -)"},
    {"SELECT id, account, uid_validity FROM mailboxes WHERE uid_validity = 0",
     "mailbox with UIDVALIDITY 0 (mailbox, account, uid_validity)"},
};

}  // namespace

Result<std::vector<std::string>> check(Db& db) {
    std::vector<std::string> problems;
    auto integrity = db.prepare("PRAGMA integrity_check");
    if (!integrity) return integrity.failure();
    for (;;) {
        auto row = integrity->step();
        if (!row) return row.failure();
        if (!*row) break;
        std::string line = integrity->text(0);
        if (line != "ok") problems.push_back("integrity: " + line);
    }
    auto fk = db.prepare("PRAGMA foreign_key_check");
    if (!fk) return fk.failure();
    for (;;) {
        auto row = fk->step();
        if (!row) return row.failure();
        if (!*row) break;
        problems.push_back("foreign key: table " + fk->text(0) + " row " + fk->text(1) +
                           " references missing " + fk->text(2));
    }
    for (const auto& probe : kProbes) {
        auto stmt = db.prepare(probe.sql);
        if (!stmt) return stmt.failure();
        for (;;) {
            auto row = stmt->step();
            if (!row) return row.failure();
            if (!*row) break;
            problems.push_back(std::string(probe.what) + ": " + std::to_string(stmt->int64(0)) +
                               ", " + std::to_string(stmt->int64(1)) + ", " +
                               std::to_string(stmt->int64(2)));
        }
    }
    return problems;
}

}  // namespace tern::store::sqlite::ops
