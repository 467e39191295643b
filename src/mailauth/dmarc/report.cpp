#include "mailauth/dmarc/report.hpp"

#include "base/gzip.hpp"
#include "base/random_id.hpp"
#include "base/strings.hpp"
#include "base/time.hpp"

namespace tern::mailauth::dmarc {

namespace {

// XML 1.0 2.2: only these characters may appear; everything else from
// untrusted input is dropped (UTF-8 sequences pass through whole).
std::string xml_escape(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (char ch : in) {
        auto c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
                if (c == 0x7f) break;
                out += ch;
        }
    }
    return out;
}

void element(std::string& out, int depth, std::string_view name, std::string_view value) {
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
    out += "<" + std::string(name) + ">" + xml_escape(value) + "</" + std::string(name) + ">\n";
}

void open(std::string& out, int depth, std::string_view name) {
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
    out += "<" + std::string(name) + ">\n";
}

void close(std::string& out, int depth, std::string_view name) {
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
    out += "</" + std::string(name) + ">\n";
}

// Header field values we write must stay on one line and printable.
std::string header_safe(std::string_view in) {
    std::string out;
    for (char c : in)
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
    return out;
}

std::string wrap76(const std::string& b64) {
    std::string out;
    for (std::size_t i = 0; i < b64.size(); i += 76)
        out += b64.substr(i, 76) + "\r\n";
    return out;
}

}  // namespace

std::string aggregate_xml(const ReportMeta& meta, const PublishedPolicy& policy,
                          const std::vector<ReportRow>& rows) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>\n";
    open(out, 1, "report_metadata");
    element(out, 2, "org_name", meta.org_name);
    element(out, 2, "email", meta.email);
    element(out, 2, "report_id", meta.report_id);
    open(out, 2, "date_range");
    element(out, 3, "begin", std::to_string(meta.begin));
    element(out, 3, "end", std::to_string(meta.end));
    close(out, 2, "date_range");
    close(out, 1, "report_metadata");
    open(out, 1, "policy_published");
    element(out, 2, "domain", policy.domain);
    element(out, 2, "adkim", std::string(1, policy.adkim));
    element(out, 2, "aspf", std::string(1, policy.aspf));
    element(out, 2, "p", policy.p);
    element(out, 2, "sp", policy.sp);
    element(out, 2, "pct", std::to_string(policy.pct));
    close(out, 1, "policy_published");
    for (const ReportRow& r : rows) {
        open(out, 1, "record");
        open(out, 2, "row");
        element(out, 3, "source_ip", r.source_ip);
        element(out, 3, "count", std::to_string(r.count));
        open(out, 3, "policy_evaluated");
        element(out, 4, "disposition", r.disposition);
        element(out, 4, "dkim", r.dkim_aligned_pass ? "pass" : "fail");
        element(out, 4, "spf", r.spf_aligned_pass ? "pass" : "fail");
        if (!r.reason.empty()) {
            open(out, 4, "reason");
            element(out, 5, "type", r.reason);
            close(out, 4, "reason");
        }
        close(out, 3, "policy_evaluated");
        close(out, 2, "row");
        open(out, 2, "identifiers");
        element(out, 3, "header_from", r.header_from);
        close(out, 2, "identifiers");
        open(out, 2, "auth_results");
        for (const auto& d : r.dkim) {
            open(out, 3, "dkim");
            element(out, 4, "domain", d.domain);
            if (!d.selector.empty()) element(out, 4, "selector", d.selector);
            element(out, 4, "result", d.result);
            close(out, 3, "dkim");
        }
        // RFC 7489 Appendix C: one spf element is required.
        open(out, 3, "spf");
        element(out, 4, "domain", r.spf_domain);
        element(out, 4, "scope", r.spf_scope);
        element(out, 4, "result", r.spf_result.empty() ? "none" : r.spf_result);
        close(out, 3, "spf");
        close(out, 2, "auth_results");
        close(out, 1, "record");
    }
    out += "</feedback>\n";
    return out;
}

std::string report_message(const ReportMail& mail, const ReportMeta& meta,
                           const PublishedPolicy& policy, const std::string& xml) {
    // RFC 7489 7.2.1.1: receiver "!" policy-domain "!" begin "!" end.
    std::string file = header_safe(mail.receiver_domain) + "!" + header_safe(policy.domain) + "!" +
                       std::to_string(meta.begin) + "!" + std::to_string(meta.end) + ".xml.gz";
    std::string boundary = "=_tern_dmarc_" + random_id(12, kSessionIdAlphabet);
    std::string to;
    for (const auto& r : mail.recipients)
        to += (to.empty() ? "<" : ", <") + header_safe(r) + ">";
    std::string m;
    m += "From: <" + header_safe(mail.from) + ">\r\n";
    m += "To: " + to + "\r\n";
    m += "Date: " + rfc5322_date(mail.date) + "\r\n";
    m += "Message-ID: <dmarc." + random_id(12, kSessionIdAlphabet) + "@" +
         header_safe(mail.message_id_domain) + ">\r\n";
    // RFC 7489 7.2.1.1: the Subject names the domain, submitter and report id.
    m += "Subject: Report Domain: " + header_safe(policy.domain) +
         " Submitter: " + header_safe(meta.org_name) + " Report-ID: <" +
         header_safe(meta.report_id) + ">\r\n";
    m += "Auto-Submitted: auto-generated\r\n";  // RFC 3834 5
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
    m += "--" + boundary + "\r\n";
    m += "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
    m += "This is a DMARC aggregate report for " + header_safe(policy.domain) + " from " +
         header_safe(meta.org_name) + " (RFC 7489 7.2).\r\n\r\n";
    m += "--" + boundary + "\r\n";
    m += "Content-Type: application/gzip; name=\"" + file + "\"\r\n";
    m += "Content-Transfer-Encoding: base64\r\n";
    m += "Content-Disposition: attachment; filename=\"" + file + "\"\r\n\r\n";
    m += wrap76(base64_encode(gzip(xml)));
    m += "\r\n--" + boundary + "--\r\n";
    return m;
}

}  // namespace tern::mailauth::dmarc
