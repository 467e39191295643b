// How aggregate report data is kept between the message and the report:
// a verdict becomes a ReportRow (report_row()), the row is encoded as the
// store's opaque key (store.hpp DmarcReportRow), and the report sender
// decodes it again. The published policy and the rua URIs of the record
// travel the same way.
//
// Encoding: fields separated by TAB, DKIM results by SPACE as
// domain/selector/result. Values come from untrusted mail, so TAB, SPACE,
// '/' and control characters are removed from them first: no value can
// shift the fields of another. decode_row() refuses anything it did not
// write (a damaged row is skipped by the sender, never guessed at).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/dkim/verifier.hpp"
#include "mailauth/dmarc/evaluator.hpp"
#include "mailauth/dmarc/report.hpp"
#include "mailauth/spf/evaluator.hpp"

namespace tern::mailauth::dmarc {

struct RowSource {
    std::string client_ip;
    std::string mail_from_domain;  // RFC5321.MailFrom domain, "" for <>
    std::string helo;
    std::optional<spf::SpfVerdict> spf;
    std::vector<dkim::SignatureResult> dkim;
    DmarcVerdict verdict;
    std::string disposition;  // what was done: none | quarantine | reject
};

// Nullopt when there is nothing to report: no record, or a record without
// rua (RFC 7489 7.2: reports go only where the Domain Owner asked).
std::optional<ReportRow> report_row(const RowSource& source);

std::string encode_row(const ReportRow& row);  // without the count
std::optional<ReportRow> decode_row(std::string_view key, uint64_t count);

std::string encode_policy(const DmarcVerdict& verdict);  // of verdict.record
std::optional<PublishedPolicy> decode_policy(std::string_view text, std::string domain);

std::string encode_rua(const std::vector<ReportUri>& uris);
std::vector<ReportUri> decode_rua(std::string_view text);

}  // namespace tern::mailauth::dmarc
