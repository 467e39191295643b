// MTA-STS discovery (RFC 8461 3 and 5.1): which policy, if any, applies to
// mail for a domain right now.
//
// discover() asks for the TXT record at _mta-sts.<domain> and consults the
// PolicyCache:
//   - TXT id equals the cached (unexpired) entry's id: the cached policy,
//     no fetch (RFC 8461 5.1);
//   - TXT missing, malformed or failing, with a cached unexpired policy:
//     the cached policy (RFC 8461 5.1: removing the record does not remove
//     the protection before max_age; RFC 8461 10.2);
//   - a new or changed id: the policy is fetched (fetch_policy_resolved),
//     parsed, cached under the TXT id, and used;
//   - the fetch or the parse fails: the cached unexpired policy if any,
//     otherwise no policy (RFC 8461 5.1: deliver as though the domain had
//     no MTA-STS). That is never a delivery failure.
// `note` says in a few words what happened, for logs and DSN diagnostics.
// A policy in mode none is returned (and cached) like any other; callers
// treat it as no policy (RFC 8461 5: "none" asks for nothing).
//
// Errors: none; every failure is a Lookup without a policy and a note. One
// log line per call (mtasts.discover).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "dns/resolver.hpp"
#include "mtasts/cache.hpp"
#include "mtasts/fetch.hpp"
#include "mtasts/policy.hpp"
#include "net/task.hpp"

namespace tern::mtasts {

struct Lookup {
    std::optional<Policy> policy;
    bool from_cache = false;
    std::string id;  // the policy's id (from TXT, or the cached entry's)
    std::string note;
};

// `now` is Unix seconds (the injected clock: STYLE.md 9). opts.ip is not
// used: the address of mta-sts.<domain> is resolved with `resolver`.
net::Task<Lookup> discover(dns::Resolver& resolver, PolicyCache& cache, std::string domain,
                           FetchOptions opts, int64_t now);

}  // namespace tern::mtasts
