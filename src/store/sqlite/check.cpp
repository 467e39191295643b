// `tern store check`: SQLite's own integrity check plus the invariants the
// store keeps itself, each broken one reported as one line:
// - every message's blob exists, its recorded size equals the blob's length
//   and its crlf_size equals the blob's length with bare LFs counted as CRLF;
// - no orphan blob; per-account used_bytes equals the sum of its messages;
// - UIDs below uid_next and unique per mailbox (RFC 9051 2.3.1.1), never one
//   left as an expunge tombstone; MODSEQs at most highest_modseq (RFC 7162 3.1);
// - every queue row has recipients (and a pending one), every queue recipient
//   has its row, and the queued bytes have their recorded size;
// - views and full-text entries only for blobs that exist.
#include <string>
#include <string_view>

#include "base/strings.hpp"
#include "store/sqlite/ops.hpp"

namespace tern::store::sqlite::ops {
namespace {

struct Probe {
    const char* sql;   // each row is one problem: three integer columns
    const char* what;  // the problem's line; {0}, {1} and {2} stand for the columns
};

constexpr Probe kProbes[] = {
    {"SELECT m.mailbox, m.uid, m.blob FROM messages m "
     "WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.id = m.blob)",
     "mailbox {0} uid {1}: message references a missing blob {2}"},
    {"SELECT b.id, b.size, length(b.data) FROM blobs b "
     "WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.blob = b.id)",
     "blob {0}: orphan blob (size {1}, length {2}) no message references"},
    {"SELECT id, size, length(data) FROM blobs WHERE size != length(data)",
     "blob {0}: blob size {1} does not match its data length {2}"},
    {"SELECT m.mailbox, m.uid, m.size FROM messages m JOIN blobs b ON b.id = m.blob "
     "WHERE m.size != length(b.data)",
     "mailbox {0} uid {1}: message size {2} differs from its blob's length"},
    {"SELECT a.id, a.used_bytes, coalesce((SELECT sum(m.size) FROM messages m "
     "JOIN mailboxes x ON x.id = m.mailbox WHERE x.account = a.id), 0) AS total "
     "FROM accounts a WHERE a.used_bytes != total",
     "account {0}: used_bytes {1} differs from the sum of its message sizes {2}"},
    {"SELECT m.mailbox, m.uid, x.uid_next FROM messages m JOIN mailboxes x ON x.id = m.mailbox "
     "WHERE m.uid >= x.uid_next OR m.uid < 1",
     "mailbox {0} uid {1}: message uid not below uid_next {2}"},
    // RFC 9051 2.3.1.1: a UID names one message of its mailbox.
    {"SELECT mailbox, uid, count(*) AS n FROM messages GROUP BY mailbox, uid HAVING n > 1",
     "mailbox {0} uid {1}: duplicate uid shared by {2} messages"},
    // RFC 9051 2.3.1.1: UIDs are never reused, so an expunged one stays gone.
    {"SELECT e.mailbox, e.uid, e.modseq FROM expunged e JOIN messages m "
     "ON m.mailbox = e.mailbox AND m.uid = e.uid",
     "mailbox {0} uid {1}: message uid also recorded as expunged at modseq {2}"},
    // RFC 7162 3.1: HIGHESTMODSEQ is at least every message's MODSEQ.
    {"SELECT m.mailbox, m.uid, m.modseq FROM messages m JOIN mailboxes x ON x.id = m.mailbox "
     "WHERE m.modseq > x.highest_modseq",
     "mailbox {0} uid {1}: message modseq {2} above highest_modseq"},
    {"SELECT e.mailbox, e.uid, e.modseq FROM expunged e JOIN mailboxes x ON x.id = e.mailbox "
     "WHERE e.modseq > x.highest_modseq OR e.uid >= x.uid_next",
     "mailbox {0} uid {1}: expunge tombstone (modseq {2}) beyond the mailbox counters"},
    // Derived data (schema 5) goes with its blob.
    {"SELECT d.blob, d.indexed, 0 FROM derived d "
     "WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.id = d.blob)",
     "blob {0}: derived data (indexed {1}) kept for a missing blob"},
    {"SELECT t.rowid, 0, 0 FROM blob_text t "
     "WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.id = t.rowid)",
     "blob {0}: full-text index entry for a missing blob"},
    {"SELECT m.mailbox, m.uid, 0 FROM messages m "
     "WHERE NOT EXISTS (SELECT 1 FROM mailboxes x WHERE x.id = m.mailbox)",
     "mailbox {0} uid {1}: message in a missing mailbox"},
    {"SELECT id, account, uid_validity FROM mailboxes WHERE uid_validity = 0",
     "mailbox {0} (account {1}): UIDVALIDITY {2}"},
    {"SELECT x.id, x.account, 0 FROM mailboxes x "
     "WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = x.account)",
     "mailbox {0}: belongs to a missing account {1}"},
    {"SELECT q.id, q.size, 0 FROM queue q "
     "WHERE NOT EXISTS (SELECT 1 FROM queue_rcpts r WHERE r.message = q.id)",
     "queue {0}: queued message (size {1}) has no recipients"},
    // record_attempt() removes a message once no recipient is pending.
    {"SELECT q.id, count(r.idx), 0 FROM queue q JOIN queue_rcpts r ON r.message = q.id "
     "GROUP BY q.id HAVING sum(r.state = 0) = 0",
     "queue {0}: queued message has no pending recipient among its {1}"},
    {"SELECT r.message, r.idx, 0 FROM queue_rcpts r "
     "WHERE NOT EXISTS (SELECT 1 FROM queue q WHERE q.id = r.message)",
     "queue {0}: recipient {1} belongs to a missing queued message"},
    {"SELECT id, size, length(data) FROM queue WHERE size != length(data)",
     "queue {0}: queued size {1} differs from its data length {2}"},
};

std::string describe(std::string_view what, const int64_t (&columns)[3]) {
    std::string out;
    for (std::size_t i = 0; i < what.size(); ++i) {
        if (what[i] == '{' && i + 2 < what.size() && what[i + 2] == '}' && what[i + 1] >= '0' &&
            what[i + 1] <= '2') {
            out += std::to_string(columns[what[i + 1] - '0']);
            i += 2;
        } else {
            out += what[i];
        }
    }
    return out;
}

Status run_probes(Db& db, std::vector<std::string>& problems) {
    for (const auto& probe : kProbes) {
        auto stmt = db.prepare(probe.sql);
        if (!stmt) return stmt.failure();
        for (;;) {
            auto row = stmt->step();
            if (!row) return row.failure();
            if (!*row) break;
            const int64_t columns[3] = {stmt->int64(0), stmt->int64(1), stmt->int64(2)};
            problems.push_back(describe(probe.what, columns));
        }
    }
    return {};
}

// crlf_size is what POP3 reports (RFC 1939 11): recompute it from the bytes.
// Each blob is read once however many messages share it.
Status check_crlf_sizes(Db& db, std::vector<std::string>& problems) {
    auto stmt = db.prepare(
        "SELECT m.mailbox, m.uid, m.crlf_size, m.blob, b.data FROM messages m "
        "JOIN blobs b ON b.id = m.blob ORDER BY m.blob");
    if (!stmt) return stmt.failure();
    int64_t last_blob = -1;
    uint64_t expected = 0;
    for (;;) {
        auto row = stmt->step();
        if (!row) return row.failure();
        if (!*row) return {};
        if (stmt->int64(3) != last_blob) {
            last_blob = stmt->int64(3);
            expected = crlf_length(stmt->blob(4));
        }
        const auto recorded = static_cast<uint64_t>(stmt->int64(2));
        if (recorded != expected)
            problems.push_back("mailbox " + std::to_string(stmt->int64(0)) + " uid " +
                               std::to_string(stmt->int64(1)) + ": crlf_size " +
                               std::to_string(recorded) + " differs from its blob's " +
                               std::to_string(expected));
    }
}

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
        // WITHOUT ROWID tables report no rowid.
        const std::string row_id = fk->is_null(1) ? "" : " row " + fk->text(1);
        problems.push_back("foreign key: table " + fk->text(0) + row_id + " references missing " +
                           fk->text(2));
    }
    if (auto s = run_probes(db, problems); !s) return s.failure();
    if (auto s = check_crlf_sizes(db, problems); !s) return s.failure();
    return problems;
}

}  // namespace tern::store::sqlite::ops
