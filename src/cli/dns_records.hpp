// The DNS records a mail domain should publish, as zone-file text (RFC 1035
// 5.1), for `tern dns records DOMAIN`: MX, the host's A/AAAA, SPF (RFC 7208),
// DKIM keys (RFC 6376 3.6.1, RFC 8463), DMARC (RFC 7489), MTA-STS (RFC 8461),
// TLS-RPT (RFC 8460), the client autoconfiguration SRV records (RFC 6186,
// RFC 8314) and the PTR to ask the hosting provider for.
//
// Promises: pure functions, no I/O, never throw. Every record is one line,
// "<absolute name> 3600 IN <TYPE> <rdata>", names with a trailing dot; lines
// starting with ';' are comments saying what a record is for or what to do.
// The caller validates its inputs (domain syntax, IP literals).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace tern::cli {

// One DKIM key made by `tern dkim keygen`: its selector and the TXT record
// text (mailauth::dkim::key_record_text()).
struct DkimRecord {
    std::string selector;
    std::string text;
};

struct DnsRecordsInput {
    std::string domain;    // lower case, no trailing dot
    std::string hostname;  // server.hostname: the MX target
    std::string ipv4;      // the host's addresses; empty: unknown
    std::string ipv6;
    std::vector<config::Listener> listeners;  // decide the SRV ports
    std::vector<DkimRecord> dkim;             // in the order to print
    std::string sts_id;                       // MTA-STS policy id, e.g. yyyymmddhhmmss
};

// The whole zone-file text, one record or comment per line, ending in "\n".
std::string dns_records(const DnsRecordsInput& input);

// A TXT value as zone-file character-strings: `"abc" "def"`, each of at most
// 255 octets (RFC 1035 3.3.14); '"' and '\' are escaped (RFC 1035 5.1).
std::string zone_txt_strings(std::string_view text);

// The reverse-lookup name of an IPv4 or IPv6 literal, with trailing dot
// (RFC 1035 3.5 in-addr.arpa, RFC 3596 2.5 ip6.arpa); empty when `ip` is not
// a valid literal.
std::string reverse_name(std::string_view ip);

}  // namespace tern::cli
