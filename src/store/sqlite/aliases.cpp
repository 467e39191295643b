// Aliases (store.hpp AccountStore): one row per (source, target), in the
// order targets were added. Sources compare case-insensitively through
// source_key, like account addresses; "@domain" is the domain's catch-all.
#include <map>

#include "store/normalize.hpp"
#include "store/sqlite/ops.hpp"

namespace tern::store::sqlite::ops {
namespace {

Result<std::vector<Alias>> collect(Stmt& stmt) {
    std::vector<Alias> out;
    std::string last_key;
    for (;;) {
        auto row = stmt.step();
        if (!row) return row.failure();
        if (!*row) return out;
        std::string key = stmt.text(0);
        if (out.empty() || key != last_key) {
            out.push_back(Alias{stmt.text(1), {}});
            last_key = std::move(key);
        }
        out.back().targets.push_back(stmt.text(2));
    }
}

}  // namespace

Status add_alias(Db& db, std::string_view source, const std::vector<std::string>& targets) {
    auto src = normalize_address(source, true);
    if (!src) return src.failure();
    if (targets.empty()) return fail(Errc::invalid, "alias without targets");
    auto present = has_domain(db, src->domain);
    if (!present) return present.failure();
    if (!*present) return fail(Errc::not_found, "no such domain: " + src->domain);
    // Keep the spelling the alias was first created with.
    auto existing = find_alias(db, source);
    const std::string spelled = existing ? existing->source : src->address;
    auto stmt = db.prepare(
        "INSERT INTO aliases(source, source_key, domain, target) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(source_key, target) DO NOTHING");
    if (!stmt) return stmt.failure();
    for (const auto& target : targets) {
        auto t = normalize_address(target, false);
        if (!t) return fail(Errc::invalid, "bad alias target: " + target);
        stmt->bind(1, spelled).bind(2, src->key).bind(3, src->domain).bind(4, t->address);
        if (auto s = stmt->run(); !s) return s;
    }
    return {};
}

Status remove_alias(Db& db, std::string_view source, std::string_view target) {
    auto src = normalize_address(source, true);
    if (!src) return fail(Errc::not_found, "no such alias");
    if (target.empty()) {
        auto stmt = db.prepare("DELETE FROM aliases WHERE source_key=?");
        if (!stmt) return stmt.failure();
        if (auto s = stmt->bind(1, src->key).run(); !s) return s;
    } else {
        auto t = normalize_address(target, false);
        if (!t) return fail(Errc::not_found, "no such alias target");
        auto stmt = db.prepare("DELETE FROM aliases WHERE source_key=? AND target=?");
        if (!stmt) return stmt.failure();
        if (auto s = stmt->bind(1, src->key).bind(2, t->address).run(); !s) return s;
    }
    if (db.changes() == 0) return fail(Errc::not_found, "no such alias or target");
    return {};
}

Result<Alias> find_alias(Db& db, std::string_view source) {
    auto src = normalize_address(source, true);
    if (!src) return fail(Errc::not_found, "no such alias");
    auto stmt =
        db.prepare("SELECT source_key, source, target FROM aliases WHERE source_key=? ORDER BY id");
    if (!stmt) return stmt.failure();
    stmt->bind(1, src->key);
    auto all = collect(*stmt);
    if (!all) return all.failure();
    if (all->empty()) return fail(Errc::not_found, "no such alias: " + src->address);
    return std::move(all->front());
}

Result<std::vector<Alias>> list_aliases(Db& db, std::string_view domain) {
    std::string filter;
    if (!domain.empty()) {
        auto name = normalize_domain(domain);
        if (!name) return name.failure();
        filter = *name;
    }
    auto stmt = db.prepare(
        "SELECT source_key, source, target FROM aliases WHERE ?1 = '' OR domain = ?1 "
        "ORDER BY source_key, id");
    if (!stmt) return stmt.failure();
    stmt->bind(1, filter);
    return collect(*stmt);
}

}  // namespace tern::store::sqlite::ops
