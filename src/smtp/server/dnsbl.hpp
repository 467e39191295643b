// DNS blocklists (RFC 5782) and forward-confirmed reverse DNS, checked when
// a client connects to the MX listener (port 25; never submission), and
// domain blocklists for the sender, checked at MAIL FROM.
//
// check_client() asks, all at once (dns::async_lookup_all), the A record of
// <reversed client address>.<zone> for every configured zone together with
// the client's PTR record, then the A or AAAA records of the PTR names. It
// never fails: DNS trouble is reported per zone and the client is treated
// as not listed (fail open), because a blocklist's outage must not stop
// mail. It resumes on the caller's executor whatever thread the resolver
// answers on (async_lookup's promise).
//
// Rules enforced (see the .cpp for the sections):
//   - RFC 5782 2.1: an IPv4 address a.b.c.d is looked up as d.c.b.a.<zone>;
//     RFC 5782 2.4: IPv6 as 32 reversed nibbles. An IPv4-mapped IPv6 client
//     (RFC 4291 2.5.5.2) is looked up as the IPv4 address it carries.
//   - RFC 5782 2.1/2.3: an A answer in 127.0.0.0/8 lists the client; NXDOMAIN
//     or no A record means not listed.
//   - RFC 5782 5: 127.0.0.1 is never a listing (reserved for tests/errors);
//     127.255.255.252-255 are Spamhaus's error codes ("query refused",
//     "typing error", ...), and any answer outside 127.0.0.0/8 is a broken
//     or hijacked zone: all errors, not listings.
//
// check_client() asks the PTR record only when `reverse` is true (config
// mailauth.iprev; the outcome becomes RFC 8601 2.7.3 iprev); with no zones
// and no reverse check it asks nothing.
//
// Domain lists (RHSBL/DBL, RFC 5782 3): check_sender_domain() asks every
// zone of mailauth.dnsbl_domain_zones, all at once, for the A record of
// <domain>.<zone>, where domain is the MAIL FROM domain and also its
// organizational domain (the Public Suffix List, RFC 7489 3.2) when that
// differs, so a spammer cannot dodge a listed example.com by sending from
// x.example.com. Names are compared as A-labels (RFC 5891), lower case, no
// trailing dot. The answers are read as for IP lists (classify_answer()).
// A domain that is not a DNS name (an address literal) or whose query name
// would pass 253 characters (RFC 1035 2.3.4) is simply not listed: no query.
// Answers are kept in a per-session DomainListCache, so a session sending
// many messages from one domain asks once; answers with a DNS error are not
// kept (the next transaction asks again). It never fails (fail open).
//
// parse_zones() reads config mailauth.dnsbl_zones (and dnsbl_domain_zones):
// comma-separated DNS names, spaces around them and a trailing dot ignored,
// lower-cased, each kept once. Errors: Errc::invalid naming the first bad
// zone.
#pragma once

#include <map>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "dns/resolver.hpp"
#include "mailauth/dmarc/public_suffix.hpp"
#include "net/task.hpp"

namespace tern::smtp {

Result<std::vector<std::string>> parse_zones(std::string_view text);

// RFC 5782 2.1/2.4: the labels that precede the zone, e.g. "4.3.2.1".
std::string dnsbl_labels(const dns::IpAddress& client);
std::string dnsbl_query_name(const dns::IpAddress& client, std::string_view zone);

enum class Listing { not_listed, listed, error };
std::string_view to_string(Listing listing);

struct ZoneResult {
    std::string zone;
    Listing listing = Listing::not_listed;
    // Why: the return codes ("127.0.0.2,127.0.0.4"), or the failing rcode
    // ("SERVFAIL", "TIMEOUT").
    std::string detail;
};

// Classifies the A answer for one zone.
ZoneResult classify_answer(std::string_view zone, const dns::Answer& answer);

// Outcome of forward-confirmed reverse DNS; none: no PTR name at all.
enum class Fcrdns { pass, fail, none, temperror };
std::string_view to_string(Fcrdns result);
// RFC 8601 2.7.3: the iprev result for it: pass, fail, temperror, and
// permerror for none (no PTR data published; iprev has no "none").
std::string_view iprev_result(Fcrdns result);

struct ClientCheck {
    std::vector<ZoneResult> zones;  // in configuration order
    // The first zone that lists the client, if any.
    std::optional<std::string> listed_by;
    bool reverse_checked = false;  // false: fcrdns was not asked (iprev off)
    Fcrdns fcrdns = Fcrdns::none;
    std::string fcrdns_name;  // the confirmed name (pass) or the first PTR name
};

// At most this many PTR names are followed (RFC 7208 4.6.4 uses the same
// bound for its PTR lookups), so a hostile reverse zone cannot make one
// connection cost hundreds of queries.
inline constexpr std::size_t kMaxPtrNames = 10;

net::Task<ClientCheck> check_client(dns::IpAddress client, std::vector<std::string> zones,
                                    bool reverse, dns::Resolver& resolver);

// The pure half of the forward confirmation: given the PTR answer and the
// forward answers for its first names (in order), the outcome and the name.
Fcrdns confirm_forward(const dns::IpAddress& client, const dns::Answer& ptr,
                       const std::vector<dns::Answer>& forward, std::string& name);

// RFC 5782 3: "<domain>.<zone>" for an already normalized domain; nullopt
// when the name would be longer than a DNS name may be.
std::optional<std::string> domain_query_name(std::string_view domain, std::string_view zone);

// The names a domain list is asked for: the normalized sender domain, then
// its organizational domain when different. Empty for an unusable domain.
std::vector<std::string> sender_domain_names(std::string_view domain,
                                             const mailauth::dmarc::PublicSuffixList& psl);

// Per session: queried domain -> its answers, one per zone in order.
using DomainListCache = std::map<std::string, std::vector<ZoneResult>>;

struct DomainCheck {
    // Every (domain, zone) answer, domains in sender_domain_names() order.
    std::vector<std::pair<std::string, ZoneResult>> results;
    // The first listing, in that order.
    std::optional<std::string> listed_domain;
    std::optional<std::string> listed_by;
    std::string listed_detail;  // its return codes
};

// The cache must outlive the task.
net::Task<DomainCheck> check_sender_domain(std::string domain, std::vector<std::string> zones,
                                           const mailauth::dmarc::PublicSuffixList& psl,
                                           DomainListCache& cache, dns::Resolver& resolver);

}  // namespace tern::smtp
