// The DMARC aggregate report row of one inbound message (RFC 7489 7.2):
// what the report sender (queue/dmarc_reports.hpp) will count, or nothing
// when the From domain asked for no reports (no record, or no rua).
// `disposition` is what the session did: none, quarantine or reject.
#pragma once

#include <cstdint>
#include <optional>

#include "smtp/server/inbound_auth.hpp"
#include "store/store.hpp"

namespace tern::smtp {

std::optional<store::DmarcReportRow> dmarc_report_row(const InboundVerdict& verdict,
                                                      const InboundIdentity& who, int64_t now);

}  // namespace tern::smtp
