// DMARC aggregate reports (RFC 7489 7.2): the XML document of Appendix C,
// and the email that carries it (7.2.1.1).
//
// The collector side keeps one ReportRow per distinct (source IP, From
// domain, results) with a count; aggregate_xml() renders a day's rows for
// one policy domain. Every value comes from untrusted mail, so everything
// is XML-escaped, and characters XML 1.0 cannot carry are dropped.
//
// report_message() wraps the gzipped XML in a multipart/mixed message:
//   Subject: Report Domain: <policy domain> Submitter: <org> Report-ID: <id>
//   attachment <receiver>!<policy domain>!<begin>!<end>.xml.gz as
//   application/gzip, base64 (RFC 7489 7.2.1.1).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tern::mailauth::dmarc {

// One row of <record>: what a group of messages looked like.
struct ReportRow {
    std::string source_ip;
    uint64_t count = 0;
    std::string header_from;    // RFC5322.From domain
    std::string envelope_from;  // RFC5321.MailFrom domain (empty: null path)
    std::string disposition;    // none | quarantine | reject (what we did)
    bool dkim_aligned_pass = false;
    bool spf_aligned_pass = false;
    std::string reason;  // "" or a PolicyOverrideType: sampled_out, forwarded, ...
    struct Dkim {
        std::string domain, selector, result;  // result: none pass fail policy neutral
                                               // temperror permerror
    };
    std::vector<Dkim> dkim;
    std::string spf_domain, spf_scope = "mfrom", spf_result;  // spf_scope: mfrom | helo
};

// <policy_published>: the record as found when the rows were collected.
struct PublishedPolicy {
    std::string domain;
    char adkim = 'r', aspf = 'r';
    std::string p = "none", sp = "none";
    unsigned pct = 100;
};

struct ReportMeta {
    std::string org_name;  // the reporter (us)
    std::string email;     // where to write about the report
    std::string report_id;
    int64_t begin = 0, end = 0;  // UTC seconds covered
};

std::string aggregate_xml(const ReportMeta& meta, const PublishedPolicy& policy,
                          const std::vector<ReportRow>& rows);

struct ReportMail {
    std::string from;                     // our reporting address
    std::vector<std::string> recipients;  // the rua mailto addresses chosen
    std::string receiver_domain;          // our domain, in the file name
    std::string message_id_domain;
    int64_t date = 0;
};

// The whole RFC 5322 message (CRLF) carrying gzipped `xml`.
std::string report_message(const ReportMail& mail, const ReportMeta& meta,
                           const PublishedPolicy& policy, const std::string& xml);

}  // namespace tern::mailauth::dmarc
