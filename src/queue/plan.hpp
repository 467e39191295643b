// Where one destination's mail goes and with what TLS: the connection plan.
//
// plan_for() turns a destination (a recipient domain, or "[smarthost]") into
// targets to try in order, each an address with the TLS level its host
// requires (tls_policy.hpp), or an outcome for every recipient when there is
// no route. The order of decisions:
//   1. the [[transport]] table for the domain (transport.hpp), else the
//      smarthost for "[smarthost]", else the domain's MX records;
//   2. a transport's `tls` other than "standard" sets the level for all
//      its hosts;
//   3. otherwise, per host: DANE (RFC 7672) when the MX answer and the
//      host's addresses were DNSSEC-validated and `_port._tcp.host` has
//      validated TLSA records; else the domain's MTA-STS policy (RFC 8461,
//      not for relays): enforce drops MX hosts it does not list (4.1) and
//      requires a verified certificate (4.2), testing only checks; else
//      opportunistic TLS (RFC 7435).
// Hosts whose TLSA lookup failed are left out (RFC 7672 2.2). When nothing
// is left, the outcome is a temporary failure that says why.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "dns/resolver.hpp"
#include "net/task.hpp"
#include "queue/job.hpp"
#include "queue/tls_policy.hpp"

namespace tern::mtasts {
class PolicyCache;
}

namespace tern::queue {

struct Target {
    std::string host;  // the MX (or relay) name: SNI, certificate checks, Remote-MTA
    std::string ip;
    uint16_t port = 25;
    HostTls tls;
};

struct Plan {
    std::vector<Target> targets;
    std::optional<Outcome> none;  // no route: this outcome for every recipient
    std::string auth_user;        // AUTH after verified STARTTLS (smarthost, transport)
    std::string password_file;
    std::string next_hop;  // the recipient domain: a DANE-TA reference identifier too
};

struct PlanContext {
    dns::Resolver& resolver;
    std::mt19937& random;
    const config::Config& config;
    mtasts::PolicyCache* sts = nullptr;  // null: MTA-STS off
};

net::Task<Plan> plan_for(PlanContext& ctx, std::string destination);

// Outcome helper shared with transfer.cpp: our own reason, not a remote reply.
Outcome own_outcome(store::QueueRecipient::State state, std::string status, std::string reason);

}  // namespace tern::queue
