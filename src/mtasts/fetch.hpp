// Fetching an MTA-STS policy over HTTPS (RFC 8461 3.3).
//
// fetch_policy() connects to opts.ip:opts.port, does TLS verified against
// the name "mta-sts.<domain>" (RFC 8461 3.3: RFC 6125 identity checks, a
// chain to a trusted root: opts.ca_file, or the system store when empty),
// sends "GET /.well-known/mta-sts.txt" and returns the policy text for
// parse_policy(). Only a 200 answer with media type text/plain counts;
// redirects are not followed (RFC 8461 3.3); the body may be at most
// kMaxPolicyBytes; Content-Length, chunked and close-delimited bodies are
// read. The whole fetch, from connect to the last byte, ends within
// opts.timeout (RFC 8461 3.3 suggests at least one minute, the default).
//
// Errors (the message always names mta-sts.<domain>):
//   Errc::timeout   no complete answer within opts.timeout
//   Errc::io        cannot connect, TLS failed, connection cut short
//   Errc::denied    the certificate does not verify for mta-sts.<domain>
//   Errc::not_found HTTP 404 or 410
//   Errc::busy      HTTP 5xx
//   Errc::limit     the body is over kMaxPolicyBytes
//   Errc::invalid   another status (3xx: "redirects are not followed"), a
//                   media type other than text/plain, a malformed response,
//                   opts.ip not an address
//
// fetch_policy_resolved() finds the addresses of mta-sts.<domain> itself
// (A, then AAAA, asked together) and tries them in turn within one
// opts.timeout; opts.ip is ignored. Errc::not_found when the name has no
// address; otherwise the error of the last address tried.
//
// Executors: as net::connect_tcp, the calling coroutine's executor must run
// on one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/result.hpp"
#include "dns/resolver.hpp"
#include "net/task.hpp"

namespace tern::mtasts {

// The policy body limit: real policies are a few hundred bytes.
inline constexpr std::size_t kMaxPolicyBytes = 64 * 1024;

struct FetchOptions {
    std::string ip;  // the address of mta-sts.<domain>, resolved by the caller
    uint16_t port = 443;
    std::string ca_file;  // PEM roots to trust; empty: the system store
    std::chrono::milliseconds timeout{60000};
};

// `domain` is the policy domain (the recipient's domain), not the host name.
net::Task<Result<std::string>> fetch_policy(std::string domain, FetchOptions opts);

net::Task<Result<std::string>> fetch_policy_resolved(dns::Resolver& resolver, std::string domain,
                                                     FetchOptions opts);

}  // namespace tern::mtasts
