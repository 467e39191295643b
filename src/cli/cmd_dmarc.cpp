// `tern dmarc pending` and `tern dmarc send [--include-today]`: the DMARC
// aggregate report data the server collected (RFC 7489 7.2), and sending
// it now instead of waiting for the server's hourly run. The reports are
// queued; the running server delivers them (within queue.scan_interval_seconds).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <map>

#include "base/time.hpp"
#include "cli/admin.hpp"
#include "dns/cares_resolver.hpp"
#include "mailauth/dmarc/public_suffix.hpp"
#include "net/blocking.hpp"
#include "queue/dmarc_reports.hpp"

namespace tern::cli::detail {

int dmarc_pending(const config::Config& config, const Args&) {
    auto store = open_or_report(config);
    if (!store) return 1;
    // Every day up to the end of today.
    auto rows = store->dmarc_rows_before(queue::utc_day(unix_now()) + 86400);
    if (!rows) return failed(rows.error().message, kStoreTodo);
    if (rows->empty()) {
        std::cout << "no report data waiting\n";
        return 0;
    }
    struct Sum {
        std::size_t rows = 0;
        uint64_t messages = 0;
    };
    std::map<std::pair<int64_t, std::string>, Sum> sums;
    for (const auto& r : *rows) {
        Sum& s = sums[{r.day, r.domain}];
        ++s.rows;
        s.messages += r.count;
    }
    std::cout << "DAY (UTC)   DOMAIN  ROWS  MESSAGES\n";
    for (const auto& [key, s] : sums) {
        std::string day = rfc5322_date(key.first);  // "Mon, 30 Nov 2026 00:00:00 +0000"
        std::cout << day.substr(5, 11) << "  " << key.second << "  " << s.rows << "  " << s.messages
                  << "\n";
    }
    return 0;
}

int dmarc_send(const config::Config& config, const Args& args) {
    auto store = open_or_report(config);
    if (!store) return 1;
    boost::asio::io_context io;
    dns::CaresOptions options;
    options.nameservers = config.dns.nameservers;
    options.timeout = std::chrono::milliseconds(config.dns.timeout_ms);
    auto resolver = dns::CaresResolver::create(io, options);
    if (!resolver)
        return failed(resolver.error().message, "Check [dns] nameservers in the configuration");
    auto psl = mailauth::dmarc::PublicSuffixList::load(config.mailauth.public_suffix_list);
    if (!psl)
        std::cerr << "tern: warning: " << psl.error().message
                  << "; organizational domains are taken as the host names\n";
    net::Blocking blocking(1);
    queue::DmarcReportContext ctx{*store, blocking, **resolver, config, psl ? &*psl : nullptr,
                                  nullptr};
    int64_t now = unix_now();
    int64_t before = queue::utc_day(now) + (args.include_today ? 86400 : 0);
    queue::DmarcReportRun run;
    auto task = [&]() -> net::Task<void> {
        auto op = queue::send_dmarc_reports(ctx, before, now);
        run = co_await std::move(op);
    };
    boost::asio::co_spawn(io, task(), boost::asio::detached);
    io.run();
    std::cout << run.reports << " report(s) queued, " << run.skipped
              << " dropped (no usable rua address), " << run.deferred
              << " kept for later (DNS or store trouble)\n";
    return run.deferred > 0 ? 1 : 0;
}

}  // namespace tern::cli::detail
