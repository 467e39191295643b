#include "smtp/server/dmarc_collect.hpp"

#include "mailauth/dmarc/report_rows.hpp"

namespace tern::smtp {

namespace dmarc = mailauth::dmarc;

std::optional<store::DmarcReportRow> dmarc_report_row(const InboundVerdict& verdict,
                                                      const InboundIdentity& who, int64_t now) {
    if (!verdict.dmarc || !verdict.dmarc->record) return std::nullopt;
    dmarc::RowSource src;
    src.client_ip = who.client_ip;
    auto at = who.mail_from.rfind('@');
    src.mail_from_domain = at == std::string::npos ? "" : who.mail_from.substr(at + 1);
    src.helo = who.helo;
    src.spf = verdict.spf;
    if (verdict.dkim) src.dkim = *verdict.dkim;
    src.verdict = *verdict.dmarc;
    src.disposition = verdict.action == InboundAction::reject       ? "reject"
                      : verdict.action == InboundAction::quarantine ? "quarantine"
                                                                    : "none";
    auto row = dmarc::report_row(src);
    if (!row) return std::nullopt;
    store::DmarcReportRow out;
    out.day = now - ((now % 86400) + 86400) % 86400;  // the UTC day it arrived
    // RFC 7489 7.2.1.1: reports are per policy domain, where the record was found.
    out.domain = verdict.dmarc->record_domain.empty() ? verdict.dmarc->from_domain
                                                      : verdict.dmarc->record_domain;
    out.key = dmarc::encode_row(*row);
    out.count = 1;
    out.policy = dmarc::encode_policy(*verdict.dmarc);
    out.rua = dmarc::encode_rua(verdict.dmarc->record->aggregate_uris);
    return out;
}

}  // namespace tern::smtp
