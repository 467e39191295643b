// Mailboxes (store.hpp MailboxStore): IMAP names, UIDVALIDITY, subscriptions.
#include <algorithm>
#include <ctime>

#include "store/normalize.hpp"
#include "store/sqlite/ops.hpp"

namespace tern::store::sqlite::ops {
namespace {

constexpr const char* kMailboxColumns =
    "SELECT id, account, name, special_use, subscribed, uid_validity, uid_next, highest_modseq "
    "FROM mailboxes ";

Mailbox read_mailbox(const Stmt& s) {
    Mailbox m;
    m.id = s.int64(0);
    m.account = s.int64(1);
    m.name = s.text(2);
    m.special_use = s.text(3);
    m.subscribed = s.int64(4) != 0;
    m.uid_validity = static_cast<uint32_t>(s.int64(5));
    m.uid_next = static_cast<uint32_t>(s.int64(6));
    m.highest_modseq = static_cast<uint64_t>(s.int64(7));
    return m;
}

// RFC 9051 2.3.1.1: a mailbox re-created under an old name must get a new
// UIDVALIDITY, so values come from one store-wide counter that only grows.
// Starting from the clock keeps values fresh even if the database file is
// replaced by an older one. Zero is not a valid UIDVALIDITY, so it wraps to 1.
Result<uint32_t> next_uid_validity(Db& db) {
    auto last = db.query_int("SELECT coalesce(max(value), 0) FROM meta WHERE key='uidvalidity'");
    if (!last) return last.failure();
    int64_t next = std::max<int64_t>(*last + 1, static_cast<uint32_t>(std::time(nullptr)));
    if (next > 0xffffffffLL) next = 1;
    auto stmt = db.prepare(
        "INSERT INTO meta(key, value) VALUES ('uidvalidity', ?1) "
        "ON CONFLICT(key) DO UPDATE SET value=?1");
    if (!stmt) return stmt.failure();
    if (auto s = stmt->bind(1, next).run(); !s) return s.failure();
    return static_cast<uint32_t>(next);
}

Change mailbox_change(const Mailbox& m) {
    Change c;
    c.kind = Change::Kind::mailbox;
    c.account = m.account;
    c.mailbox = m.id;
    c.modseq = m.highest_modseq;
    return c;
}

}  // namespace

Result<Mailbox> create_mailbox(Db& db, Changes& changes, AccountId account, std::string_view name,
                               std::string_view special_use, bool subscribed) {
    auto canonical = canonical_mailbox_name(name);
    if (!canonical) return canonical.failure();
    if (!special_use.empty() && special_use.front() != '\\')
        return fail(Errc::invalid, "special-use attribute must start with '\\'");
    if (auto owner = get_account(db, account); !owner) return owner.failure();
    auto uid_validity = next_uid_validity(db);
    if (!uid_validity) return uid_validity.failure();
    auto stmt = db.prepare(
        "INSERT INTO mailboxes(account, name, special_use, subscribed, uid_validity) "
        "VALUES (?, ?, ?, ?, ?)");
    if (!stmt) return stmt.failure();
    stmt->bind(1, account).bind(2, *canonical).bind(3, special_use);
    stmt->bind(4, int64_t{subscribed ? 1 : 0}).bind(5, int64_t{*uid_validity});
    if (auto s = stmt->run(); !s) {
        if (s.error().code == Errc::exists)
            return fail(Errc::exists, "mailbox exists: " + *canonical);
        return s.failure();
    }
    auto box = get_mailbox(db, db.last_insert_rowid());
    if (box) changes.push_back(mailbox_change(*box));
    return box;
}

Status purge_mailbox(Db& db, Changes& changes, const Mailbox& mailbox) {
    std::vector<BlobId> blobs;
    auto list = db.prepare("SELECT DISTINCT blob FROM messages WHERE mailbox=?");
    if (!list) return list.failure();
    list->bind(1, mailbox.id);
    for (;;) {
        auto row = list->step();
        if (!row) return row.failure();
        if (!*row) break;
        blobs.push_back(list->int64(0));
    }
    auto size = db.prepare("SELECT coalesce(sum(size), 0) FROM messages WHERE mailbox=?");
    if (!size) return size.failure();
    if (auto row = size->bind(1, mailbox.id).step(); !row) return row.failure();
    const int64_t bytes = size->int64(0);
    for (const char* sql :
         {"DELETE FROM messages WHERE mailbox=?", "DELETE FROM expunged WHERE mailbox=?",
          "DELETE FROM mailboxes WHERE id=?"}) {
        auto stmt = db.prepare(sql);
        if (!stmt) return stmt.failure();
        if (auto s = stmt->bind(1, mailbox.id).run(); !s) return s;
    }
    if (auto s = adjust_used(db, mailbox.account, -bytes); !s) return s;
    for (BlobId blob : blobs)
        if (auto s = free_blob_if_unused(db, blob); !s) return s;
    changes.push_back(mailbox_change(mailbox));
    return {};
}

Status delete_mailbox(Db& db, Changes& changes, AccountId account, std::string_view name) {
    auto box = find_mailbox(db, account, name);
    if (!box) return box.failure();
    // RFC 9051 6.3.5: deleting INBOX is an error.
    if (is_inbox(box->name)) return fail(Errc::invalid, "INBOX cannot be deleted");
    return purge_mailbox(db, changes, *box);
}

Status rename_mailbox(Db& db, Changes& changes, AccountId account, std::string_view from,
                      std::string_view to) {
    auto source = find_mailbox(db, account, from);
    if (!source) return source.failure();
    auto target = canonical_mailbox_name(to);
    if (!target) return target.failure();
    if (auto clash = find_mailbox(db, account, *target); clash)
        return fail(Errc::exists, "mailbox exists: " + *target);
    const std::string prefix = source->name + "/";
    if (target->compare(0, prefix.size(), prefix) == 0)
        return fail(Errc::invalid, "cannot rename a mailbox into its own child");

    if (is_inbox(source->name)) {
        // RFC 9051 6.3.6: renaming INBOX moves its messages to a new mailbox
        // and leaves INBOX empty; INBOX's children are not affected.
        auto created = create_mailbox(db, changes, account, *target, "", false);
        if (!created) return created.failure();
        auto all = list_messages(db, source->id);
        if (!all) return all.failure();
        std::vector<uint32_t> uids;
        for (const auto& m : *all)
            uids.push_back(m.uid);
        auto moved = transfer(db, changes, source->id, uids, created->id, true);
        if (!moved) return moved.failure();
        return {};
    }

    auto boxes = list_mailboxes(db, account);
    if (!boxes) return boxes.failure();
    std::vector<std::pair<Mailbox, std::string>> renames;
    for (const auto& box : *boxes) {
        if (box.id == source->id) {
            renames.emplace_back(box, *target);
        } else if (box.name.compare(0, prefix.size(), prefix) == 0) {
            std::string child = *target + "/" + box.name.substr(prefix.size());
            if (find_mailbox(db, account, child))
                return fail(Errc::exists, "mailbox exists: " + child);
            renames.emplace_back(box, std::move(child));
        }
    }
    auto stmt = db.prepare("UPDATE mailboxes SET name=?, uid_validity=? WHERE id=?");
    if (!stmt) return stmt.failure();
    for (auto& [box, name] : renames) {
        // store.hpp: renamed mailboxes get new UIDVALIDITY values, so a client
        // holding UIDs under the old name cannot apply them to the new one.
        auto uid_validity = next_uid_validity(db);
        if (!uid_validity) return uid_validity.failure();
        stmt->bind(1, name).bind(2, int64_t{*uid_validity}).bind(3, box.id);
        if (auto s = stmt->run(); !s) return s;
        changes.push_back(mailbox_change(box));
    }
    return {};
}

Result<std::vector<Mailbox>> list_mailboxes(Db& db, AccountId account) {
    auto stmt =
        db.prepare(std::string(kMailboxColumns) + "WHERE account=? ORDER BY name != 'INBOX', name");
    if (!stmt) return stmt.failure();
    stmt->bind(1, account);
    std::vector<Mailbox> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return row.failure();
        if (!*row) return out;
        out.push_back(read_mailbox(*stmt));
    }
}

Result<Mailbox> find_mailbox(Db& db, AccountId account, std::string_view name) {
    auto canonical = canonical_mailbox_name(name);
    if (!canonical) return fail(Errc::not_found, "no such mailbox");
    auto stmt = db.prepare(std::string(kMailboxColumns) + "WHERE account=? AND name=?");
    if (!stmt) return stmt.failure();
    auto row = stmt->bind(1, account).bind(2, *canonical).step();
    if (!row) return row.failure();
    if (!*row) return fail(Errc::not_found, "no such mailbox: " + *canonical);
    return read_mailbox(*stmt);
}

Result<Mailbox> get_mailbox(Db& db, MailboxId id) {
    auto stmt = db.prepare(std::string(kMailboxColumns) + "WHERE id=?");
    if (!stmt) return stmt.failure();
    auto row = stmt->bind(1, id).step();
    if (!row) return row.failure();
    if (!*row) return fail(Errc::not_found, "no such mailbox");
    return read_mailbox(*stmt);
}

Status set_subscribed(Db& db, AccountId account, std::string_view name, bool subscribed) {
    auto box = find_mailbox(db, account, name);
    if (!box) return box.failure();
    auto stmt = db.prepare("UPDATE mailboxes SET subscribed=? WHERE id=?");
    if (!stmt) return stmt.failure();
    return stmt->bind(1, int64_t{subscribed ? 1 : 0}).bind(2, box->id).run();
}

Result<MailboxStatus> mailbox_status(Db& db, MailboxId id) {
    auto box = get_mailbox(db, id);
    if (!box) return box.failure();
    auto stmt = db.prepare(
        "SELECT count(*), coalesce(sum(seen = 0), 0), coalesce(sum(size), 0) FROM messages "
        "WHERE mailbox=?");
    if (!stmt) return stmt.failure();
    auto row = stmt->bind(1, id).step();
    if (!row) return row.failure();
    MailboxStatus st;
    st.messages = static_cast<uint32_t>(stmt->int64(0));
    st.unseen = static_cast<uint32_t>(stmt->int64(1));
    st.size = static_cast<uint64_t>(stmt->int64(2));
    st.uid_next = box->uid_next;
    st.uid_validity = box->uid_validity;
    st.highest_modseq = box->highest_modseq;
    return st;
}

}  // namespace tern::store::sqlite::ops
