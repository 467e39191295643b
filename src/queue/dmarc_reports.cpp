#include "queue/dmarc_reports.hpp"

#include <map>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "dns/async_lookup.hpp"
#include "mailauth/dmarc/report.hpp"
#include "mailauth/dmarc/report_rows.hpp"
#include "queue/enqueue.hpp"

namespace tern::queue {

namespace dmarc = mailauth::dmarc;

namespace {

struct Group {
    std::vector<store::DmarcReportRow> rows;
};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// "mailto:rua@example.org" (RFC 6068: percent-encoding, no query used) ->
// "rua@example.org"; "" when it is not a plain mailto: of one address.
std::string mailto_address(std::string_view uri) {
    if (!istarts_with(uri, "mailto:")) return "";
    std::string_view rest = uri.substr(7);
    rest = rest.substr(0, rest.find('?'));
    std::string out;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        char c = rest[i];
        if (c == '%' && i + 2 < rest.size() && hex_value(rest[i + 1]) >= 0 &&
            hex_value(rest[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(rest[i + 1]) * 16 + hex_value(rest[i + 2]));
            i += 2;
            continue;
        }
        out += c;
    }
    auto at = out.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == out.size()) return "";
    for (char c : out)
        if (static_cast<unsigned char>(c) <= 0x20 || c == ',' || c == '<' || c == '>') return "";
    return out;
}

std::string org_of(const DmarcReportContext& ctx, const std::string& domain) {
    return ctx.psl ? ctx.psl->organizational_domain(domain) : domain;
}

// RFC 7489 7.1: may `host` receive reports about `domain`?
enum class Consent { yes, no, unknown };

// By value: a coroutine keeps its parameters, and callers pass temporaries.
net::Task<Consent> external_consent(DmarcReportContext& ctx, std::string domain, std::string host) {
    std::string a = to_lower(org_of(ctx, domain)), b = to_lower(org_of(ctx, host));
    if (a == b) co_return Consent::yes;
    dns::Question q{domain + "._report._dmarc." + host, dns::RecordType::txt};
    auto op = dns::async_lookup(ctx.resolver, std::move(q));
    dns::Answer answer = co_await std::move(op);
    if (answer.rcode == dns::Rcode::servfail || answer.rcode == dns::Rcode::timeout)
        co_return Consent::unknown;
    for (const auto& txt : answer.txt)
        if (dmarc::is_dmarc_record(txt)) co_return Consent::yes;
    co_return Consent::no;
}

}  // namespace

net::Task<DmarcReportRun> send_dmarc_reports(DmarcReportContext& ctx, int64_t before_day,
                                             int64_t now) {
    DmarcReportRun run;
    Result<std::vector<store::DmarcReportRow>> rows = fail(Errc::internal, "not run");
    std::function<void()> load = [&] { rows = ctx.store.dmarc_rows_before(before_day); };
    co_await ctx.blocking.run(load);
    if (!rows) {
        log::warn("dmarc.report_load_failed").kv("error", rows.error().message);
        co_return run;
    }
    std::map<std::pair<int64_t, std::string>, Group> groups;
    for (auto& r : *rows)
        groups[{r.day, r.domain}].rows.push_back(std::move(r));

    const std::string& host = ctx.config.server.hostname;
    std::string org =
        ctx.config.mailauth.dmarc_report_org.empty() ? host : ctx.config.mailauth.dmarc_report_org;
    std::string from = ctx.config.mailauth.dmarc_report_from.empty()
                           ? "noreply-dmarc@" + host
                           : ctx.config.mailauth.dmarc_report_from;
    for (auto& [key, group] : groups) {
        const auto& [day, domain] = key;
        const store::DmarcReportRow& latest = group.rows.back();
        std::vector<dmarc::ReportRow> report_rows;
        for (const auto& r : group.rows)
            if (auto row = dmarc::decode_row(r.key, r.count)) report_rows.push_back(*row);
        auto policy = dmarc::decode_policy(latest.policy, domain);
        dmarc::ReportMeta meta;
        meta.org_name = org;
        meta.email = from;
        meta.report_id = host + "." + domain + "." + std::to_string(day);
        meta.begin = day;
        meta.end = day + 86399;
        std::string xml;
        std::string message;
        std::vector<std::string> to;
        bool unknown = false;
        if (policy && !report_rows.empty()) {
            xml = dmarc::aggregate_xml(meta, *policy, report_rows);
            dmarc::ReportMail mail;
            mail.from = from;
            mail.receiver_domain = host;
            mail.message_id_domain = host;
            mail.date = now;
            // Sized before the recipients are known: only To: changes.
            std::size_t size = dmarc::report_message(mail, meta, *policy, xml).size() + 512;
            for (const auto& uri : dmarc::decode_rua(latest.rua)) {
                std::string address = mailto_address(uri.uri);
                if (address.empty()) continue;
                if (uri.max_size != 0 && uri.max_size < size) {
                    log::info("dmarc.report_too_large").kv("domain", domain).kv("uri", uri.uri);
                    continue;
                }
                auto consent =
                    external_consent(ctx, domain, address.substr(address.rfind('@') + 1));
                Consent c = co_await std::move(consent);
                if (c == Consent::unknown) unknown = true;
                if (c == Consent::yes) to.push_back(address);
            }
            mail.recipients = to;
            if (!to.empty()) message = dmarc::report_message(mail, meta, *policy, xml);
        }
        if (to.empty() && unknown) {
            ++run.deferred;  // DNS trouble: try again next run
            continue;
        }
        Status done;
        std::function<void()> work = [&] {
            if (!message.empty()) {
                store::NewQueued q;
                q.sender = "";  // RFC 3834 3.3: automatic mail, no bounces
                for (const auto& a : to)
                    q.recipients.push_back({a, "", "NEVER"});
                q.raw = message;
                auto id = enqueue(ctx.store, std::move(q), now, ctx.wakeup);
                if (!id) {
                    done = id.failure();
                    return;
                }
            }
            done = ctx.store.delete_dmarc_rows(day, domain);
        };
        co_await ctx.blocking.run(work);
        if (!done) {
            ++run.deferred;
            log::warn("dmarc.report_failed").kv("domain", domain).kv("error", done.error().message);
            continue;
        }
        if (message.empty()) {
            ++run.skipped;
            log::info("dmarc.report_dropped").kv("domain", domain).kv("day", day);
        } else {
            ++run.reports;
            log::info("dmarc.report_queued")
                .kv("domain", domain)
                .kv("day", day)
                .kv("rows", report_rows.size())
                .kv("to", to.size() == 1 ? to[0] : std::to_string(to.size()) + " addresses");
        }
    }
    co_return run;
}

}  // namespace tern::queue
