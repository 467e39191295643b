// DMARC aggregate report rows (store.hpp DmarcStore) in SQLite: one row per
// (day, policy domain, key) with a count, so a day of mail from one source
// costs one row, however many messages it was.
#include "store/sqlite/ops.hpp"

namespace tern::store::sqlite::ops {

Status add_dmarc_rows(Db& db, const std::vector<DmarcReportRow>& rows) {
    auto stmt = db.prepare(
        "INSERT INTO dmarc_rows(day, domain, key, count, policy, rua) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT(day, domain, key) DO UPDATE SET count=count+excluded.count, "
        "policy=excluded.policy, rua=excluded.rua");
    if (!stmt) return stmt.failure();
    for (const DmarcReportRow& r : rows) {
        if (r.count == 0) continue;
        auto s = stmt->bind(1, r.day)
                     .bind(2, std::string_view(r.domain))
                     .bind(3, std::string_view(r.key))
                     .bind(4, static_cast<int64_t>(r.count))
                     .bind(5, std::string_view(r.policy))
                     .bind(6, std::string_view(r.rua))
                     .run();
        if (!s) return s;
    }
    return {};
}

Result<std::vector<DmarcReportRow>> dmarc_rows_before(Db& db, int64_t day) {
    auto stmt = db.prepare(
        "SELECT day, domain, key, count, policy, rua FROM dmarc_rows WHERE day < ? "
        "ORDER BY day, domain, key");
    if (!stmt) return stmt.failure();
    stmt->bind(1, day);
    std::vector<DmarcReportRow> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return row.failure();
        if (!*row) return out;
        DmarcReportRow r;
        r.day = stmt->int64(0);
        r.domain = stmt->text(1);
        r.key = stmt->text(2);
        r.count = static_cast<uint64_t>(stmt->int64(3));
        r.policy = stmt->text(4);
        r.rua = stmt->text(5);
        out.push_back(std::move(r));
    }
}

Status delete_dmarc_rows(Db& db, int64_t day, std::string_view domain) {
    auto stmt = db.prepare("DELETE FROM dmarc_rows WHERE day=? AND domain=?");
    if (!stmt) return stmt.failure();
    return stmt->bind(1, day).bind(2, domain).run();
}

}  // namespace tern::store::sqlite::ops
