// Authentication-Results header field builder (RFC 8601 2.2), for the
// results of SPF, DKIM, DMARC and ARC that Tern adds to inbound mail.
//
// AuthResultsBuilder collects one resinfo per check and field() renders
//
//   Authentication-Results: mx.example.org;
//   	spf=pass smtp.mailfrom=alice@example.com;
//   	dkim=pass header.d=example.com header.s=sel header.b=AbCd1234;
//   	dmarc=pass header.from=example.com
//
// or, with the client's reverse DNS (RFC 8601 2.7.3, iprev first):
//
//   Authentication-Results: mx.example.org;
//   	iprev=pass policy.iprev=192.0.2.1 (mail.example.com);
//   	spf=pass ...
//
// with every line at most 78 characters where a word boundary allows
// (RFC 5322 2.1.1; a single longer word stays whole on its own line) and
// CRLF line endings, the field ending in CRLF. With no results it renders
// the RFC 8601 2.2 no-result form "authserv-id; none".
//
// Quoting (RFC 8601 2.2 uses the RFC 2045 5.1 value syntax): the
// authserv-id, reason and property values are written as a token when they
// are one, else as a quoted-string with '"' and '\' escaped. A property
// value of the form local-part@domain (dot-atom text) is written bare, as
// RFC 8601 2.2 pvalue allows. CR, LF and other control characters in values
// (which come from untrusted mail) are dropped, so a value can never start
// a new header field. A comment (RFC 5322 3.2.2) after a resinfo's
// properties carries free text such as the PTR name: '(', ')' and '\' in
// it are escaped as quoted-pairs, non-ASCII bytes become '?'. Method and
// result names are keywords chosen by Tern's code; anything not a keyword
// is replaced by "permerror"/"unknown" rather than written.
//
// RFCs: RFC 8601 2.2, 2.7 (2.7.3 iprev); RFC 6008 (header.b); RFC 7489
// 11.2 (dmarc); RFC 8617 (arc); RFC 2045 5.1 (token, tspecials); RFC 5322
// 2.2.3 (folding).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tern::mailauth::results {

struct ResInfo {
    std::string method;  // "spf", "dkim", ...
    std::string result;  // "pass", "fail", ...
    std::string reason;  // optional: reason="..."
    // ptype.property = value, e.g. {"header.d", "example.com"}.
    std::vector<std::pair<std::string, std::string>> properties;
    // Optional: rendered as "(comment)" after the properties.
    std::string comment = {};
};

class AuthResultsBuilder {
  public:
    explicit AuthResultsBuilder(std::string authserv_id);

    // RFC 7208 9.1 / RFC 8601 2.7.2: smtp.mailfrom is the checked address
    // (or domain); for a HELO check pass helo and leave mailfrom empty.
    AuthResultsBuilder& add_spf(std::string_view result, std::string_view mailfrom,
                                std::string_view helo = {});
    // RFC 8601 2.7.1, RFC 6008: header.b is the first 8 characters of b=.
    AuthResultsBuilder& add_dkim(std::string_view result, std::string_view domain,
                                 std::string_view selector, std::string_view signature_b);
    // RFC 7489 11.2: dmarc=<result> header.from=<RFC5322.From domain>.
    AuthResultsBuilder& add_dmarc(std::string_view result, std::string_view from_domain);
    // RFC 8601 2.7.3: iprev=<result> policy.iprev=<client IP>, the name
    // that was checked (the PTR name) as a comment when not empty.
    AuthResultsBuilder& add_iprev(std::string_view result, std::string_view client_ip,
                                  std::string_view ptr_name = {});
    // RFC 8617 10.2: arc=<result>.
    AuthResultsBuilder& add_arc(std::string_view result);
    AuthResultsBuilder& add(ResInfo info);

    // "Authentication-Results: ...\r\n", folded.
    std::string field() const;

  private:
    std::string authserv_id_;
    std::vector<ResInfo> results_;
};

}  // namespace tern::mailauth::results
