// DMARC aggregate reports out (RFC 7489 7.2): once a day, the rows the SMTP
// sessions collected (store.hpp DmarcStore) become one report per policy
// domain and day, gzipped XML mailed to the record's rua mailto: URIs.
//
// Rules applied:
//   - only mailto: URIs (RFC 7489 6.2 names no other scheme we send to);
//   - a URI whose host is in another Organizational Domain than the policy
//     domain is used only if that host publishes
//     "<policy domain>._report._dmarc.<host>" TXT "v=DMARC1" (7.1); a DNS
//     failure skips it this time (the rows stay for the next run);
//   - a size limit ("!10m", 6.2) larger than the message skips that URI;
//   - the report leaves with a null envelope sender (RFC 3834 3.3: no
//     bounces of automatic mail) through queue::enqueue;
//   - rows are deleted once their report is queued, or when no URI is
//     usable (nothing will ever take them).
// The day covered is [day, day + 86399] UTC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "dns/resolver.hpp"
#include "mailauth/dmarc/public_suffix.hpp"
#include "net/blocking.hpp"
#include "net/task.hpp"
#include "queue/wakeup.hpp"
#include "store/store.hpp"

namespace tern::queue {

struct DmarcReportContext {
    store::Store& store;
    net::Blocking& blocking;
    dns::Resolver& resolver;
    const config::Config& config;
    const mailauth::dmarc::PublicSuffixList* psl = nullptr;  // null: compare host names only
    Wakeup* wakeup = nullptr;
};

struct DmarcReportRun {
    std::size_t reports = 0;   // messages queued
    std::size_t skipped = 0;   // (day, domain) groups dropped with no usable URI
    std::size_t deferred = 0;  // groups kept for the next run (DNS or store trouble)
};

// Sends the reports of every day before `before_day` (a UTC midnight).
net::Task<DmarcReportRun> send_dmarc_reports(DmarcReportContext& ctx, int64_t before_day,
                                             int64_t now);

// The UTC midnight at or before `t`.
inline int64_t utc_day(int64_t t) {
    return t - ((t % 86400) + 86400) % 86400;
}

}  // namespace tern::queue
