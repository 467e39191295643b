// Messages (store.hpp MessageStore): blobs shared between targets, UIDs,
// MODSEQs (RFC 7162 CONDSTORE/QRESYNC), flags, copy/move, expunge, quota.
#include <algorithm>
#include <map>

#include "base/strings.hpp"
#include "store/normalize.hpp"
#include "store/sqlite/ops.hpp"

namespace tern::store::sqlite::ops {
namespace {

constexpr const char* kMessageColumns =
    "SELECT mailbox, uid, blob, modseq, internal_date, size, flags, crlf_size FROM messages ";

Message read_message(const Stmt& s) {
    Message m;
    m.mailbox = s.int64(0);
    m.uid = static_cast<uint32_t>(s.int64(1));
    m.blob = s.int64(2);
    m.modseq = static_cast<uint64_t>(s.int64(3));
    m.internal_date = s.int64(4);
    m.size = static_cast<uint64_t>(s.int64(5));
    m.flags = split_flags(s.text(6));
    m.crlf_size = static_cast<uint64_t>(s.int64(7));
    return m;
}

Result<std::vector<Message>> read_messages(Stmt& stmt) {
    std::vector<Message> out;
    for (;;) {
        auto row = stmt.step();
        if (!row) return row.failure();
        if (!*row) return out;
        out.push_back(read_message(stmt));
    }
}

std::vector<uint32_t> sorted_unique(std::vector<uint32_t> uids) {
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    return uids;
}

// RFC 7162 3.1: every change in a mailbox gets a MODSEQ greater than any
// before it; one call's changes in one mailbox share one new value.
Result<uint64_t> bump_modseq(Db& db, MailboxId mailbox) {
    auto stmt = db.prepare(
        "UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id=? "
        "RETURNING highest_modseq");
    if (!stmt) return stmt.failure();
    auto row = stmt->bind(1, mailbox).step();
    if (!row) return row.failure();
    if (!*row) return fail(Errc::not_found, "no such mailbox");
    return static_cast<uint64_t>(stmt->int64(0));
}

// RFC 9051 2.3.1.1: UIDs strictly ascend and are never reused, so uid_next
// only grows (expunge does not lower it). UIDs are 32-bit (nz-number).
Result<uint32_t> take_uid(Db& db, MailboxId mailbox) {
    auto stmt = db.prepare(
        "UPDATE mailboxes SET uid_next = uid_next + 1 WHERE id=? AND uid_next < 4294967295 "
        "RETURNING uid_next - 1");
    if (!stmt) return stmt.failure();
    auto row = stmt->bind(1, mailbox).step();
    if (!row) return row.failure();
    if (!*row) return fail(Errc::limit, "mailbox has used every UID; it must be re-created");
    return static_cast<uint32_t>(stmt->int64(0));
}

Status insert_message(Db& db, const Message& m) {
    auto stmt = db.prepare(
        "INSERT INTO messages(mailbox, uid, blob, modseq, internal_date, size, flags, seen, "
        "crlf_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt) return stmt.failure();
    stmt->bind(1, m.mailbox).bind(2, int64_t{m.uid}).bind(3, m.blob);
    stmt->bind(4, static_cast<int64_t>(m.modseq)).bind(5, m.internal_date);
    stmt->bind(6, static_cast<int64_t>(m.size)).bind(7, join_flags(m.flags));
    stmt->bind(8, int64_t{has_flag(m.flags, "\\Seen") ? 1 : 0});
    stmt->bind(9, static_cast<int64_t>(m.crlf_size));
    return stmt->run();
}

Result<std::vector<Message>> select_uids(Db& db, MailboxId mailbox,
                                         const std::vector<uint32_t>& uids) {
    std::vector<Message> out;
    for (uint32_t uid : sorted_unique(uids)) {
        auto m = get_message(db, mailbox, uid);
        if (m) {
            out.push_back(std::move(*m));
        } else if (m.error().code != Errc::not_found) {
            return m.failure();
        }
    }
    return out;
}

}  // namespace

Status free_blob_if_unused(Db& db, BlobId blob) {
    auto stmt = db.prepare(
        "DELETE FROM blobs WHERE id=?1 AND NOT EXISTS (SELECT 1 FROM messages WHERE blob=?1)");
    if (!stmt) return stmt.failure();
    if (auto s = stmt->bind(1, blob).run(); !s) return s;
    if (db.changes() == 0) return {};
    return drop_derived(db, blob);
}

Result<std::vector<Appended>> append(Db& db, Changes& changes, const NewMessage& message,
                                     const std::optional<std::string>& view) {
    if (message.targets.empty()) return fail(Errc::invalid, "message without targets");
    std::vector<Mailbox> boxes;
    std::vector<std::vector<std::string>> flags;
    std::map<AccountId, uint64_t> added;
    for (const auto& target : message.targets) {
        auto box = get_mailbox(db, target.mailbox);
        if (!box) return box.failure();
        auto normal = normalize_flags(target.flags);
        if (!normal) return normal.failure();
        added[box->account] += message.raw.size();
        boxes.push_back(std::move(*box));
        flags.push_back(std::move(*normal));
    }
    for (const auto& [account, bytes] : added)
        if (auto s = check_quota(db, account, bytes); !s) return s.failure();

    // The raw bytes are stored once, however many targets share them.
    auto blob = db.prepare("INSERT INTO blobs(size, data) VALUES (?, ?)");
    if (!blob) return blob.failure();
    blob->bind(1, static_cast<int64_t>(message.raw.size())).bind_blob(2, message.raw);
    if (auto s = blob->run(); !s) return s.failure();
    const BlobId blob_id = db.last_insert_rowid();
    const uint64_t crlf_size = crlf_length(message.raw);
    if (view)
        if (auto s = put_view(db, blob_id, *view); !s) return s.failure();

    std::vector<Appended> out;
    for (size_t i = 0; i < boxes.size(); ++i) {
        auto uid = take_uid(db, boxes[i].id);
        if (!uid) return uid.failure();
        auto modseq = bump_modseq(db, boxes[i].id);
        if (!modseq) return modseq.failure();
        Message m;
        m.mailbox = boxes[i].id;
        m.uid = *uid;
        m.blob = blob_id;
        m.modseq = *modseq;
        m.internal_date = message.internal_date;
        m.size = message.raw.size();
        m.crlf_size = crlf_size;
        m.flags = std::move(flags[i]);
        if (auto s = insert_message(db, m); !s) return s.failure();
        out.push_back(Appended{m.mailbox, m.uid, m.modseq});
        changes.push_back(
            Change{Change::Kind::appended, boxes[i].account, m.mailbox, {m.uid}, m.modseq});
    }
    for (const auto& [account, bytes] : added)
        if (auto s = adjust_used(db, account, static_cast<int64_t>(bytes)); !s) return s.failure();
    return out;
}

Result<std::vector<Message>> list_messages(Db& db, MailboxId mailbox) {
    if (auto box = get_mailbox(db, mailbox); !box) return box.failure();
    auto stmt = db.prepare(std::string(kMessageColumns) + "WHERE mailbox=? ORDER BY uid");
    if (!stmt) return stmt.failure();
    stmt->bind(1, mailbox);
    return read_messages(*stmt);
}

Result<std::vector<Message>> changed_since(Db& db, MailboxId mailbox, uint64_t modseq) {
    if (auto box = get_mailbox(db, mailbox); !box) return box.failure();
    auto stmt =
        db.prepare(std::string(kMessageColumns) + "WHERE mailbox=? AND modseq > ? ORDER BY uid");
    if (!stmt) return stmt.failure();
    stmt->bind(1, mailbox).bind(2, static_cast<int64_t>(modseq));
    return read_messages(*stmt);
}

Result<std::vector<uint32_t>> expunged_since(Db& db, MailboxId mailbox, uint64_t modseq) {
    if (auto box = get_mailbox(db, mailbox); !box) return box.failure();
    auto stmt = db.prepare("SELECT uid FROM expunged WHERE mailbox=? AND modseq > ? ORDER BY uid");
    if (!stmt) return stmt.failure();
    stmt->bind(1, mailbox).bind(2, static_cast<int64_t>(modseq));
    std::vector<uint32_t> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return row.failure();
        if (!*row) return out;
        out.push_back(static_cast<uint32_t>(stmt->int64(0)));
    }
}

Result<Message> get_message(Db& db, MailboxId mailbox, uint32_t uid) {
    auto stmt = db.prepare(std::string(kMessageColumns) + "WHERE mailbox=? AND uid=?");
    if (!stmt) return stmt.failure();
    auto row = stmt->bind(1, mailbox).bind(2, int64_t{uid}).step();
    if (!row) return row.failure();
    if (!*row) return fail(Errc::not_found, "no such message");
    return read_message(*stmt);
}

Result<std::string> read_blob(Db& db, BlobId blob) {
    auto stmt = db.prepare("SELECT data FROM blobs WHERE id=?");
    if (!stmt) return stmt.failure();
    auto row = stmt->bind(1, blob).step();
    if (!row) return row.failure();
    if (!*row) return fail(Errc::not_found, "no such blob");
    return stmt->blob(0);
}

Result<std::vector<Message>> store_flags(Db& db, Changes& changes, MailboxId mailbox,
                                         const std::vector<uint32_t>& uids, FlagOp op,
                                         const std::vector<std::string>& flags,
                                         std::optional<uint64_t> unchanged_since) {
    auto box = get_mailbox(db, mailbox);
    if (!box) return box.failure();
    auto normal = normalize_flags(flags);
    if (!normal) return normal.failure();
    auto messages = select_uids(db, mailbox, uids);
    if (!messages) return messages.failure();
    auto update =
        db.prepare("UPDATE messages SET flags=?, seen=?, modseq=? WHERE mailbox=? AND uid=?");
    if (!update) return update.failure();
    uint64_t modseq = 0;
    Change change{Change::Kind::flags, box->account, mailbox, {}, 0};
    for (auto& m : *messages) {
        // RFC 7162 3.1.3: UNCHANGEDSINCE leaves alone messages modified later.
        if (unchanged_since && m.modseq > *unchanged_since) continue;
        auto next = apply_flags(m.flags, op, *normal);
        if (next == m.flags) continue;
        if (modseq == 0) {
            auto bumped = bump_modseq(db, mailbox);
            if (!bumped) return bumped.failure();
            modseq = *bumped;
        }
        m.flags = std::move(next);
        m.modseq = modseq;
        update->bind(1, join_flags(m.flags)).bind(2, int64_t{has_flag(m.flags, "\\Seen") ? 1 : 0});
        update->bind(3, static_cast<int64_t>(modseq)).bind(4, mailbox).bind(5, int64_t{m.uid});
        if (auto s = update->run(); !s) return s.failure();
        change.uids.push_back(m.uid);
    }
    if (!change.uids.empty()) {
        change.modseq = modseq;
        changes.push_back(std::move(change));
    }
    return messages;
}

Result<UidPairs> transfer(Db& db, Changes& changes, MailboxId from,
                          const std::vector<uint32_t>& uids, MailboxId to, bool remove_source) {
    auto source = get_mailbox(db, from);
    if (!source) return source.failure();
    auto target = get_mailbox(db, to);
    if (!target) return target.failure();
    auto messages = select_uids(db, from, uids);
    if (!messages) return messages.failure();
    UidPairs pairs;
    if (messages->empty()) return pairs;
    uint64_t bytes = 0;
    for (const auto& m : *messages)
        bytes += m.size;
    // A move inside one account does not change its usage, so it never fails
    // for quota; a copy, or a move to another account, adds to the target.
    const bool same_account = source->account == target->account;
    if (!(remove_source && same_account))
        if (auto s = check_quota(db, target->account, bytes); !s) return s.failure();

    auto modseq = bump_modseq(db, to);
    if (!modseq) return modseq.failure();
    Change appended{Change::Kind::appended, target->account, to, {}, *modseq};
    std::vector<uint32_t> sources;
    for (auto m : *messages) {
        auto uid = take_uid(db, to);
        if (!uid) return uid.failure();
        sources.push_back(m.uid);
        pairs.emplace_back(m.uid, *uid);
        m.mailbox = to;
        m.uid = *uid;
        m.modseq = *modseq;
        if (auto s = insert_message(db, m); !s) return s.failure();
        appended.uids.push_back(*uid);
    }
    if (auto s = adjust_used(db, target->account, static_cast<int64_t>(bytes)); !s)
        return s.failure();
    changes.push_back(std::move(appended));
    if (remove_source) {
        // RFC 6851 3.3: the source messages are expunged in the same
        // transaction, so no client ever sees both or neither.
        auto removed = expunge(db, changes, from, sources);
        if (!removed) return removed.failure();
    }
    return pairs;
}

Result<std::vector<uint32_t>> expunge(Db& db, Changes& changes, MailboxId mailbox,
                                      const std::vector<uint32_t>& uids) {
    auto box = get_mailbox(db, mailbox);
    if (!box) return box.failure();
    auto messages = select_uids(db, mailbox, uids);
    if (!messages) return messages.failure();
    std::vector<uint32_t> removed;
    if (messages->empty()) return removed;
    auto modseq = bump_modseq(db, mailbox);
    if (!modseq) return modseq.failure();
    auto del = db.prepare("DELETE FROM messages WHERE mailbox=? AND uid=?");
    if (!del) return del.failure();
    // RFC 7162 3.2.10: remember (uid, modseq) for QRESYNC VANISHED (EARLIER).
    auto tomb =
        db.prepare("INSERT OR REPLACE INTO expunged(mailbox, uid, modseq) VALUES (?, ?, ?)");
    if (!tomb) return tomb.failure();
    int64_t bytes = 0;
    for (const auto& m : *messages) {
        if (auto s = del->bind(1, mailbox).bind(2, int64_t{m.uid}).run(); !s) return s.failure();
        tomb->bind(1, mailbox).bind(2, int64_t{m.uid}).bind(3, static_cast<int64_t>(*modseq));
        if (auto s = tomb->run(); !s) return s.failure();
        bytes += static_cast<int64_t>(m.size);
        removed.push_back(m.uid);
    }
    if (auto s = adjust_used(db, box->account, -bytes); !s) return s.failure();
    for (const auto& m : *messages)
        if (auto s = free_blob_if_unused(db, m.blob); !s) return s.failure();
    changes.push_back(Change{Change::Kind::expunged, box->account, mailbox, removed, *modseq});
    return removed;
}

}  // namespace tern::store::sqlite::ops
