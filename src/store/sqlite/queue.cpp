// The outbound queue (store.hpp QueueStore) in SQLite: one `queue` row per
// message with its bytes, one `queue_rcpts` row per recipient. A row lives
// while a recipient is pending; the runner's last record_attempt() removes it.
#include "store/sqlite/ops.hpp"

namespace tern::store::sqlite::ops {
namespace {

constexpr int64_t kSmtputf8 = 1, kEightBit = 2, kRequireTls = 4;

// Every SELECT of queue rows lists: id, sender, envid, ret, flags,
// created_at, next_attempt, delay_notified_at, size (never the bytes).
QueuedMessage message_from(const Stmt& s) {
    QueuedMessage m;
    m.id = s.int64(0);
    m.sender = s.text(1);
    m.envid = s.text(2);
    m.ret = s.text(3);
    int64_t flags = s.int64(4);
    m.smtputf8 = (flags & kSmtputf8) != 0;
    m.eight_bit = (flags & kEightBit) != 0;
    m.requiretls = (flags & kRequireTls) != 0;
    m.created_at = s.int64(5);
    m.next_attempt = s.int64(6);
    m.delay_notified_at = s.int64(7);
    m.size = static_cast<uint64_t>(s.int64(8));
    return m;
}

Status load_recipients(Db& db, QueuedMessage& m) {
    auto stmt = db.prepare(
        "SELECT address, orcpt, notify, state, attempts, last_reply, remote_mta, updated_at "
        "FROM queue_rcpts WHERE message=? ORDER BY idx");
    if (!stmt) return stmt.failure();
    stmt->bind(1, m.id);
    m.recipients.clear();
    for (;;) {
        auto row = stmt->step();
        if (!row) return row.failure();
        if (!*row) return {};
        QueueRecipient r;
        r.address = stmt->text(0);
        r.orcpt = stmt->text(1);
        r.notify = stmt->text(2);
        int64_t state = stmt->int64(3);
        r.state = state == 1   ? QueueRecipient::State::delivered
                  : state == 2 ? QueueRecipient::State::failed
                               : QueueRecipient::State::pending;
        r.attempts = static_cast<uint32_t>(stmt->int64(4));
        r.last_reply = stmt->text(5);
        r.remote_mta = stmt->text(6);
        r.updated_at = stmt->int64(7);
        m.recipients.push_back(std::move(r));
    }
}

// Reads the rows a prepared SELECT of kQueueColumns returns, with recipients.
Result<std::vector<QueuedMessage>> collect(Db& db, Stmt& stmt) {
    std::vector<QueuedMessage> out;
    for (;;) {
        auto row = stmt.step();
        if (!row) return row.failure();
        if (!*row) break;
        out.push_back(message_from(stmt));
    }
    for (auto& m : out) {
        if (auto s = load_recipients(db, m); !s) return s.failure();
    }
    return out;
}

int64_t state_code(QueueRecipient::State s) {
    switch (s) {
        case QueueRecipient::State::pending:
            return 0;
        case QueueRecipient::State::delivered:
            return 1;
        case QueueRecipient::State::failed:
            return 2;
    }
    return 0;
}

Status require_row(Db& db, QueueId id) {
    if (db.changes() == 0) return fail(Errc::not_found, "no queued message " + std::to_string(id));
    return {};
}

}  // namespace

Result<QueueId> enqueue(Db& db, const NewQueued& message) {
    if (message.recipients.empty()) return fail(Errc::invalid, "a queued message needs recipients");
    int64_t flags = (message.smtputf8 ? kSmtputf8 : 0) | (message.eight_bit ? kEightBit : 0) |
                    (message.requiretls ? kRequireTls : 0);
    auto stmt = db.prepare(
        "INSERT INTO queue(sender, envid, ret, flags, created_at, next_attempt, size, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt) return stmt.failure();
    stmt->bind(1, message.sender)
        .bind(2, message.envid)
        .bind(3, message.ret)
        .bind(4, flags)
        .bind(5, message.created_at)
        .bind(6, message.next_attempt)
        .bind(7, static_cast<int64_t>(message.raw.size()))
        .bind_blob(8, message.raw);
    if (auto s = stmt->run(); !s) return s.failure();
    QueueId id = db.last_insert_rowid();
    auto rcpt = db.prepare(
        "INSERT INTO queue_rcpts(message, idx, address, orcpt, notify, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    if (!rcpt) return rcpt.failure();
    int64_t idx = 0;
    for (const auto& r : message.recipients) {
        rcpt->bind(1, id)
            .bind(2, idx++)
            .bind(3, r.address)
            .bind(4, r.orcpt)
            .bind(5, r.notify)
            .bind(6, message.created_at);
        if (auto s = rcpt->run(); !s) return s.failure();
    }
    return id;
}

Result<std::vector<QueuedMessage>> claim_due(Db& db, std::string_view owner, int64_t now,
                                             int64_t lease_until, std::size_t limit) {
    auto pick = db.prepare(
        "SELECT id, sender, envid, ret, flags, created_at, next_attempt, delay_notified_at, size "
        "FROM queue WHERE next_attempt<=? AND (claimed_by='' OR claim_until<?) "
        "ORDER BY next_attempt, id LIMIT ?");
    if (!pick) return pick.failure();
    pick->bind(1, now).bind(2, now).bind(3, static_cast<int64_t>(limit));
    auto due = collect(db, *pick);
    if (!due) return due.failure();
    auto claim = db.prepare("UPDATE queue SET claimed_by=?, claim_until=? WHERE id=?");
    if (!claim) return claim.failure();
    for (const auto& m : *due) {
        if (auto s = claim->bind(1, owner).bind(2, lease_until).bind(3, m.id).run(); !s)
            return s.failure();
    }
    return due;
}

Status release_claims(Db& db, std::string_view owner) {
    auto stmt = db.prepare("UPDATE queue SET claimed_by='', claim_until=0 WHERE claimed_by=?");
    if (!stmt) return stmt.failure();
    return stmt->bind(1, owner).run();
}

Result<std::optional<int64_t>> next_due(Db& db) {
    // Claimed messages are being delivered: their next attempt is not known yet.
    auto stmt = db.prepare("SELECT min(next_attempt) FROM queue WHERE claimed_by=''");
    if (!stmt) return stmt.failure();
    auto row = stmt->step();
    if (!row) return row.failure();
    if (!*row || stmt->is_null(0)) return std::optional<int64_t>();
    return std::optional<int64_t>(stmt->int64(0));
}

Result<std::string> read_queued(Db& db, QueueId id) {
    auto stmt = db.prepare("SELECT data FROM queue WHERE id=?");
    if (!stmt) return stmt.failure();
    stmt->bind(1, id);
    auto row = stmt->step();
    if (!row) return row.failure();
    if (!*row) return fail(Errc::not_found, "no queued message " + std::to_string(id));
    return stmt->blob(0);
}

Status record_attempt(Db& db, QueueId id, const std::vector<RecipientUpdate>& updates,
                      int64_t next_attempt) {
    auto exists = db.prepare("SELECT created_at FROM queue WHERE id=?");
    if (!exists) return exists.failure();
    exists->bind(1, id);
    auto row = exists->step();
    if (!row) return row.failure();
    if (!*row) return fail(Errc::not_found, "no queued message " + std::to_string(id));

    // Only pending recipients change: a recipient once delivered or failed
    // stays so, whatever a late or repeated update says.
    auto upd = db.prepare(
        "UPDATE queue_rcpts SET state=?, attempts=attempts+1, last_reply=?, remote_mta=?, "
        "updated_at=strftime('%s','now') WHERE message=? AND address=? AND state=0");
    if (!upd) return upd.failure();
    for (const auto& u : updates) {
        upd->bind(1, state_code(u.state))
            .bind(2, u.last_reply)
            .bind(3, u.remote_mta)
            .bind(4, id)
            .bind(5, u.address);
        if (auto s = upd->run(); !s) return s;
    }
    auto pending = db.prepare("SELECT count(*) FROM queue_rcpts WHERE message=? AND state=0");
    if (!pending) return pending.failure();
    pending->bind(1, id);
    auto count = pending->step();
    if (!count) return count.failure();
    if (pending->int64(0) == 0) {
        auto del = db.prepare("DELETE FROM queue WHERE id=?");
        if (!del) return del.failure();
        return del->bind(1, id).run();
    }
    auto next =
        db.prepare("UPDATE queue SET next_attempt=?, claimed_by='', claim_until=0 WHERE id=?");
    if (!next) return next.failure();
    return next->bind(1, next_attempt).bind(2, id).run();
}

Status set_delay_notified(Db& db, QueueId id, int64_t when) {
    auto stmt = db.prepare("UPDATE queue SET delay_notified_at=? WHERE id=?");
    if (!stmt) return stmt.failure();
    if (auto s = stmt->bind(1, when).bind(2, id).run(); !s) return s;
    return require_row(db, id);
}

Result<std::vector<QueuedMessage>> list_queue(Db& db) {
    auto stmt = db.prepare(
        "SELECT id, sender, envid, ret, flags, created_at, next_attempt, delay_notified_at, size "
        "FROM queue ORDER BY id");
    if (!stmt) return stmt.failure();
    return collect(db, *stmt);
}

Result<QueuedMessage> get_queued(Db& db, QueueId id) {
    auto stmt = db.prepare(
        "SELECT id, sender, envid, ret, flags, created_at, next_attempt, delay_notified_at, size "
        "FROM queue WHERE id=?");
    if (!stmt) return stmt.failure();
    stmt->bind(1, id);
    auto all = collect(db, *stmt);
    if (!all) return all.failure();
    if (all->empty()) return fail(Errc::not_found, "no queued message " + std::to_string(id));
    return std::move(all->front());
}

Status delete_queued(Db& db, QueueId id) {
    auto stmt = db.prepare("DELETE FROM queue WHERE id=?");
    if (!stmt) return stmt.failure();
    if (auto s = stmt->bind(1, id).run(); !s) return s;
    return require_row(db, id);
}

Result<std::size_t> reschedule(Db& db, QueueId id, int64_t when) {
    if (id == 0) {
        auto all = db.prepare("UPDATE queue SET next_attempt=?");
        if (!all) return all.failure();
        if (auto s = all->bind(1, when).run(); !s) return s.failure();
        return static_cast<std::size_t>(db.changes());
    }
    auto one = db.prepare("UPDATE queue SET next_attempt=? WHERE id=?");
    if (!one) return one.failure();
    if (auto s = one->bind(1, when).bind(2, id).run(); !s) return s.failure();
    if (auto s = require_row(db, id); !s) return s.failure();
    return static_cast<std::size_t>(db.changes());
}

}  // namespace tern::store::sqlite::ops
