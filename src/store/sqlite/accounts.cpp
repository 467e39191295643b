// Domains and accounts (store.hpp AccountStore), and the quota bookkeeping
// the message code uses. Aliases are in aliases.cpp.
#include <ctime>

#include "store/normalize.hpp"
#include "store/sqlite/ops.hpp"

namespace tern::store::sqlite::ops {
namespace {

constexpr const char* kAccountColumns =
    "SELECT id, address, password_hash, quota_bytes, used_bytes, disabled, created_at "
    "FROM accounts ";

Account read_account(const Stmt& s) {
    Account a;
    a.id = s.int64(0);
    a.address = s.text(1);
    a.password_hash = s.text(2);
    a.quota_bytes = static_cast<uint64_t>(s.int64(3));
    a.used_bytes = static_cast<uint64_t>(s.int64(4));
    a.disabled = s.int64(5) != 0;
    a.created_at = s.int64(6);
    return a;
}

Result<Account> one_account(Db& db, std::string_view where, auto bind) {
    auto stmt = db.prepare(std::string(kAccountColumns) + std::string(where));
    if (!stmt) return stmt.failure();
    bind(*stmt);
    auto row = stmt->step();
    if (!row) return row.failure();
    if (!*row) return fail(Errc::not_found, "no such account");
    return read_account(*stmt);
}

// Runs an UPDATE on the account with this address; not_found if none.
Status update_account(Db& db, std::string_view sql, std::string_view address, auto bind) {
    auto key = normalize_address(address, false);
    if (!key) return fail(Errc::not_found, "no such account");
    auto stmt = db.prepare(sql);
    if (!stmt) return stmt.failure();
    bind(*stmt);
    stmt->bind(2, key->key);
    if (auto s = stmt->run(); !s) return s;
    if (db.changes() == 0) return fail(Errc::not_found, "no such account");
    return {};
}

}  // namespace

Status add_domain(Db& db, std::string_view domain) {
    auto name = normalize_domain(domain);
    if (!name) return name.failure();
    auto stmt = db.prepare("INSERT INTO domains(name) VALUES (?)");
    if (!stmt) return stmt.failure();
    stmt->bind(1, *name);
    if (auto s = stmt->run(); !s) {
        if (s.error().code == Errc::exists) return fail(Errc::exists, "domain exists: " + *name);
        return s;
    }
    return {};
}

Status remove_domain(Db& db, std::string_view domain) {
    auto name = normalize_domain(domain);
    if (!name) return name.failure();
    auto present = has_domain(db, *name);
    if (!present) return present.failure();
    if (!*present) return fail(Errc::not_found, "no such domain: " + *name);
    auto count = db.prepare("SELECT count(*) FROM accounts WHERE domain=?");
    if (!count) return count.failure();
    count->bind(1, *name);
    auto row = count->step();
    if (!row) return row.failure();
    if (count->int64(0) > 0) return fail(Errc::invalid, "domain still has accounts: " + *name);
    // Aliases of the domain go with it (they could never be delivered).
    auto aliases = db.prepare("DELETE FROM aliases WHERE domain=?");
    if (!aliases) return aliases.failure();
    if (auto s = aliases->bind(1, *name).run(); !s) return s;
    auto stmt = db.prepare("DELETE FROM domains WHERE name=?");
    if (!stmt) return stmt.failure();
    return stmt->bind(1, *name).run();
}

Result<std::vector<std::string>> list_domains(Db& db) {
    auto stmt = db.prepare("SELECT name FROM domains ORDER BY name");
    if (!stmt) return stmt.failure();
    std::vector<std::string> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return row.failure();
        if (!*row) return out;
        out.push_back(stmt->text(0));
    }
}

Result<bool> has_domain(Db& db, std::string_view domain) {
    auto name = normalize_domain(domain);
    if (!name) return false;
    auto stmt = db.prepare("SELECT 1 FROM domains WHERE name=?");
    if (!stmt) return stmt.failure();
    return stmt->bind(1, *name).step();
}

Result<Account> add_account(Db& db, Changes& changes, std::string_view address,
                            std::string_view password_hash, uint64_t quota_bytes) {
    auto norm = normalize_address(address, false);
    if (!norm) return norm.failure();
    auto present = has_domain(db, norm->domain);
    if (!present) return present.failure();
    if (!*present) return fail(Errc::not_found, "no such domain: " + norm->domain);
    auto stmt = db.prepare(
        "INSERT INTO accounts(address, address_key, domain, password_hash, quota_bytes, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (!stmt) return stmt.failure();
    stmt->bind(1, norm->address).bind(2, norm->key).bind(3, norm->domain);
    stmt->bind(4, password_hash).bind(5, static_cast<int64_t>(quota_bytes));
    stmt->bind(6, static_cast<int64_t>(std::time(nullptr)));
    if (auto s = stmt->run(); !s) {
        if (s.error().code == Errc::exists)
            return fail(Errc::exists, "account exists: " + norm->address);
        return s.failure();
    }
    const AccountId id = db.last_insert_rowid();
    // RFC 6154 2: the special-use attributes of the standard mailboxes.
    static constexpr std::pair<const char*, const char*> kDefaults[] = {
        {"INBOX", ""},      {"Drafts", "\\Drafts"}, {"Sent", "\\Sent"},
        {"Junk", "\\Junk"}, {"Trash", "\\Trash"},   {"Archive", "\\Archive"},
    };
    for (const auto& [name, use] : kDefaults) {
        auto box = create_mailbox(db, changes, id, name, use, true);
        if (!box) return box.failure();
    }
    return get_account(db, id);
}

Status remove_account(Db& db, Changes& changes, std::string_view address) {
    auto account = find_account(db, address);
    if (!account) return account.failure();
    auto boxes = list_mailboxes(db, account->id);
    if (!boxes) return boxes.failure();
    for (const auto& box : *boxes)
        if (auto s = purge_mailbox(db, changes, box); !s) return s;
    auto key = normalize_address(account->address, false);
    if (!key) return key.failure();
    auto aliases = db.prepare("DELETE FROM aliases WHERE source_key=?");
    if (!aliases) return aliases.failure();
    if (auto s = aliases->bind(1, key->key).run(); !s) return s;
    auto stmt = db.prepare("DELETE FROM accounts WHERE id=?");
    if (!stmt) return stmt.failure();
    return stmt->bind(1, account->id).run();
}

Result<Account> find_account(Db& db, std::string_view address) {
    auto norm = normalize_address(address, false);
    if (!norm) return fail(Errc::not_found, "no such account");
    return one_account(db, "WHERE address_key=?", [&](Stmt& s) { s.bind(1, norm->key); });
}

Result<Account> get_account(Db& db, AccountId id) {
    return one_account(db, "WHERE id=?", [&](Stmt& s) { s.bind(1, id); });
}

Status set_password_hash(Db& db, std::string_view address, std::string_view hash) {
    return update_account(db, "UPDATE accounts SET password_hash=? WHERE address_key=?", address,
                          [&](Stmt& s) { s.bind(1, hash); });
}

Status set_quota(Db& db, std::string_view address, uint64_t quota_bytes) {
    return update_account(db, "UPDATE accounts SET quota_bytes=? WHERE address_key=?", address,
                          [&](Stmt& s) { s.bind(1, static_cast<int64_t>(quota_bytes)); });
}

Status set_disabled(Db& db, std::string_view address, bool disabled) {
    return update_account(db, "UPDATE accounts SET disabled=? WHERE address_key=?", address,
                          [&](Stmt& s) { s.bind(1, int64_t{disabled ? 1 : 0}); });
}

Result<std::vector<Account>> list_accounts(Db& db, std::string_view domain) {
    std::string filter;
    if (!domain.empty()) {
        auto name = normalize_domain(domain);
        if (!name) return name.failure();
        filter = *name;
    }
    auto stmt = db.prepare(std::string(kAccountColumns) +
                           "WHERE ?1 = '' OR domain = ?1 ORDER BY address_key");
    if (!stmt) return stmt.failure();
    stmt->bind(1, filter);
    std::vector<Account> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return row.failure();
        if (!*row) return out;
        out.push_back(read_account(*stmt));
    }
}

Status adjust_used(Db& db, AccountId account, int64_t delta) {
    if (delta == 0) return {};
    auto stmt = db.prepare("UPDATE accounts SET used_bytes = max(0, used_bytes + ?) WHERE id=?");
    if (!stmt) return stmt.failure();
    return stmt->bind(1, delta).bind(2, account).run();
}

Status check_quota(Db& db, AccountId account, uint64_t bytes) {
    auto a = get_account(db, account);
    if (!a) return a.failure();
    if (a->quota_bytes > 0 && a->used_bytes + bytes > a->quota_bytes)
        return fail(Errc::quota, "quota exceeded for " + a->address);
    return {};
}

}  // namespace tern::store::sqlite::ops
