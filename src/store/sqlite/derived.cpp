// Derived data (schema 5): per-blob views and the FTS5 full-text index.
//
// Tables: derived(blob, view, indexed) says what has been made of a blob;
// blob_text is an FTS5 table with the trigram tokenizer (rowid = blob id),
// so a quoted phrase query is a case-insensitive substring test: exactly
// what IMAP SEARCH asks for (RFC 9051 6.4.4). Trigrams need three
// characters; shorter needles are compared against the stored text here.
#include <algorithm>

#include "base/strings.hpp"
#include "store/sqlite/ops.hpp"

namespace tern::store::sqlite::ops {
namespace {

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

// An FTS5 string: double quotes doubled inside a quoted phrase.
std::string fts_phrase(std::string_view needle) {
    std::string out = "\"";
    for (char c : needle) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

Result<std::vector<uint32_t>> read_uids(Stmt& stmt) {
    std::vector<uint32_t> out;
    for (;;) {
        auto row = stmt.step();
        if (!row) return row.failure();
        if (!*row) return out;
        out.push_back(static_cast<uint32_t>(stmt.int64(0)));
    }
}

}  // namespace

Status put_view(Db& db, BlobId blob, std::string_view view) {
    auto stmt = db.prepare(
        "INSERT INTO derived(blob, view, indexed) VALUES (?1, ?2, 0) "
        "ON CONFLICT(blob) DO UPDATE SET view=?2");
    if (!stmt) return stmt.failure();
    return stmt->bind(1, blob).bind_blob(2, view).run();
}

Result<std::string> read_view(Db& db, BlobId blob) {
    auto stmt = db.prepare("SELECT view FROM derived WHERE blob=? AND view IS NOT NULL");
    if (!stmt) return stmt.failure();
    auto row = stmt->bind(1, blob).step();
    if (!row) return row.failure();
    if (!*row) return fail(Errc::not_found, "no view for this message");
    return stmt->blob(0);
}

Result<std::vector<PendingBlob>> pending_blobs(Db& db, BlobId after, bool need_view, bool need_text,
                                               std::size_t max_bytes) {
    std::string where = "d.blob IS NULL";
    if (need_view) where += " OR d.view IS NULL";
    if (need_text) where += " OR d.indexed = 0";
    auto stmt = db.prepare(
        "SELECT b.id, b.data, d.view IS NULL, coalesce(d.indexed, 0) FROM blobs b "
        "LEFT JOIN derived d ON d.blob = b.id WHERE b.id > ? AND (" +
        where + ") ORDER BY b.id LIMIT 64");
    if (!stmt) return stmt.failure();
    stmt->bind(1, after);
    std::vector<PendingBlob> out;
    std::size_t bytes = 0;
    while (bytes < max_bytes) {
        auto row = stmt->step();
        if (!row) return row.failure();
        if (!*row) break;
        PendingBlob p;
        p.id = stmt->int64(0);
        p.raw = stmt->blob(1);
        p.needs_view = need_view && stmt->int64(2) != 0;
        p.needs_text = need_text && stmt->int64(3) == 0;
        bytes += p.raw.size();
        out.push_back(std::move(p));
    }
    return out;
}

Status put_derived(Db& db, BlobId blob, const std::optional<std::string>& view,
                   const std::optional<IndexText>& text) {
    // The blob may have been freed since it was read: then nothing is kept.
    auto exists = db.prepare("SELECT 1 FROM blobs WHERE id=?");
    if (!exists) return exists.failure();
    auto row = exists->bind(1, blob).step();
    if (!row) return row.failure();
    if (!*row) return {};
    auto base =
        db.prepare("INSERT OR IGNORE INTO derived(blob, view, indexed) VALUES (?, NULL, 0)");
    if (!base) return base.failure();
    if (auto s = base->bind(1, blob).run(); !s) return s;
    if (view)
        if (auto s = put_view(db, blob, *view); !s) return s;
    if (!text) return {};
    auto del = db.prepare("DELETE FROM blob_text WHERE rowid=?");
    if (!del) return del.failure();
    if (auto s = del->bind(1, blob).run(); !s) return s;
    auto ins = db.prepare("INSERT INTO blob_text(rowid, header, body) VALUES (?, ?, ?)");
    if (!ins) return ins.failure();
    if (auto s = ins->bind(1, blob).bind(2, text->header).bind(3, text->body).run(); !s) return s;
    auto mark = db.prepare("UPDATE derived SET indexed=1 WHERE blob=?");
    if (!mark) return mark.failure();
    return mark->bind(1, blob).run();
}

Status drop_derived(Db& db, BlobId blob) {
    auto text = db.prepare("DELETE FROM blob_text WHERE rowid=?");
    if (!text) return text.failure();
    if (auto s = text->bind(1, blob).run(); !s) return s;
    auto derived = db.prepare("DELETE FROM derived WHERE blob=?");
    if (!derived) return derived.failure();
    return derived->bind(1, blob).run();
}

Result<TextMatches> search_text(Db& db, MailboxId mailbox, TextScope scope,
                                std::string_view needle) {
    if (auto box = get_mailbox(db, mailbox); !box) return box.failure();
    TextMatches out;
    auto pending = db.prepare(
        "SELECT m.uid FROM messages m LEFT JOIN derived d ON d.blob = m.blob "
        "WHERE m.mailbox=? AND coalesce(d.indexed, 0) = 0 ORDER BY m.uid");
    if (!pending) return pending.failure();
    pending->bind(1, mailbox);
    auto unindexed = read_uids(*pending);
    if (!unindexed) return unindexed.failure();
    out.unindexed = std::move(*unindexed);

    // RFC 9051 6.4.4: an empty string is a substring of every text.
    if (needle.empty()) {
        auto all = db.prepare(
            "SELECT m.uid FROM messages m JOIN derived d ON d.blob = m.blob "
            "WHERE m.mailbox=? AND d.indexed = 1 ORDER BY m.uid");
        if (!all) return all.failure();
        all->bind(1, mailbox);
        auto uids = read_uids(*all);
        if (!uids) return uids.failure();
        out.uids = std::move(*uids);
        return out;
    }
    if (utf8_length(needle) >= 3) {
        const std::string columns = scope == TextScope::body ? "{body}" : "{header body}";
        auto stmt = db.prepare(
            "SELECT m.uid FROM blob_text t JOIN messages m ON m.blob = t.rowid "
            "WHERE blob_text MATCH ? AND m.mailbox = ? ORDER BY m.uid");
        if (!stmt) return stmt.failure();
        stmt->bind(1, columns + ": " + fts_phrase(needle)).bind(2, mailbox);
        auto uids = read_uids(*stmt);
        if (!uids) return uids.failure();
        out.uids = std::move(*uids);
        return out;
    }
    // One or two characters: no trigram to look up, so the stored text of
    // the mailbox's messages is compared here (ASCII case folding).
    auto stmt = db.prepare(
        "SELECT m.uid, t.header, t.body FROM messages m JOIN blob_text t ON t.rowid = m.blob "
        "WHERE m.mailbox = ? ORDER BY m.uid");
    if (!stmt) return stmt.failure();
    stmt->bind(1, mailbox);
    const std::string want = to_lower(needle);
    for (;;) {
        auto row = stmt->step();
        if (!row) return row.failure();
        if (!*row) break;
        bool hit = to_lower(stmt->text(2)).find(want) != std::string::npos;
        if (!hit && scope == TextScope::all)
            hit = to_lower(stmt->text(1)).find(want) != std::string::npos;
        if (hit) out.uids.push_back(static_cast<uint32_t>(stmt->int64(0)));
    }
    return out;
}

}  // namespace tern::store::sqlite::ops
