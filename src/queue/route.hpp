// Routing: where mail for a domain goes (RFC 5321 5.1), as a list of hosts
// with their addresses in the order the delivery agent should try them.
//
// find_route(resolver, domain, random, prefer_ipv6):
//   - "[192.0.2.1]" or "[IPv6:2001:db8::1]" (RFC 5321 4.1.3 address literal)
//     routes to that address, no DNS; a malformed literal is no_such_domain;
//   - MX records sorted by preference, the order among equal preferences
//     shuffled with `random` (RFC 5321 5.1: spread the load), each host's
//     A and AAAA looked up (all at once): IPv4 first unless prefer_ipv6
//     (RFC 6724 prefers IPv6, but many hosts and test zones have no v6 route);
//   - no MX records: the domain itself, preference 0 (implicit MX, 5.1);
//   - a single MX "." : null_mx (RFC 7505 3, status 5.1.10);
//   - NXDOMAIN for the domain: no_such_domain (5.1.2); for an implicit MX
//     whose name has no A/AAAA either: no_such_domain too;
//   - SERVFAIL or timeout: temp_failure (4.4.3);
//   - MX hosts that resolve to nothing are skipped; when none is left:
//     no_such_domain if every host was NXDOMAIN (or unusable), else
//     temp_failure;
//   - MX targets that are IP addresses (RFC 5321 5.1 "MUST NOT") or "."
//     next to other MX records are unusable and skipped;
//   - at most kMaxMxHosts hosts are kept (a hostile zone cannot make us send
//     hundreds of queries); a host named twice keeps its best preference.
// Route::error explains a failure in words for the DSN; Route::status is the
// RFC 3463 code for it. Never throws for DNS failures (they are answers).
// `domain` must be ASCII (an A-label, RFC 5890); a non-ASCII domain is
// no_such_domain. The resolver and the engine must outlive the coroutine.
//
// RFCs: RFC 5321 4.1.3, 5.1; RFC 7505 3, 4; RFC 3463 (status codes); RFC 6724.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "dns/ip_address.hpp"
#include "dns/resolver.hpp"

namespace tern::queue {

inline constexpr std::size_t kMaxMxHosts = 10;

struct RouteHost {
    std::string name;  // the MX host (or the domain, or the literal "[192.0.2.1]")
    uint16_t preference = 0;
    std::vector<dns::IpAddress> addresses;
    // Every answer that gave addresses had the AD bit (RFC 7672 2.2.2: DANE
    // needs secure address records too).
    bool authenticated = false;
};

struct Route {
    enum class Kind { hosts, null_mx, no_such_domain, temp_failure } kind = Kind::hosts;
    std::vector<RouteHost> hosts;   // in the order to try
    std::string error;              // for null_mx / no_such_domain / temp_failure: why (for DSN)
    std::string status;             // RFC 3463 code when kind != hosts: "5.1.10", "5.1.2", "4.4.3"
    bool mx_authenticated = false;  // the MX answer had the AD bit (DANE needs it)
};

boost::asio::awaitable<Route> find_route(dns::Resolver& resolver, std::string domain,
                                         std::mt19937& random, bool prefer_ipv6 = false);

// One host and its addresses, no MX lookup (a "[host]" relay, the
// smarthost): an IP literal as is, else its A and AAAA records. NXDOMAIN
// or no address: no_such_domain (5.4.4); SERVFAIL/timeout: temp_failure.
// mx_authenticated is set from the address answers (there is no MX).
boost::asio::awaitable<Route> find_host(dns::Resolver& resolver, std::string host,
                                        bool prefer_ipv6 = false);

}  // namespace tern::queue
