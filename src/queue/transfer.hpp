// One outbound connection's work: find where a destination's mail goes, open
// a session (the next MX when one cannot be reached: RFC 5321 5.1), and send
// the destination's waiting jobs over it one after the other.
//
// Outcomes per recipient (RFC 5321 4.2.1, 4.5.4.1): 2xx delivered, 5xx
// failed (bounced), 4xx or no answer pending (retried later); a null MX
// (RFC 7505) or a domain that does not exist fails at once; a DNS failure
// or no reachable host leaves every recipient pending.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include "config/config.hpp"
#include "dns/resolver.hpp"
#include "net/blocking.hpp"
#include "net/stream.hpp"
#include "queue/dkim_keys.hpp"
#include "queue/job.hpp"
#include "store/store.hpp"

namespace tern::mtasts {
class PolicyCache;
}

namespace tern::queue {

struct TransferContext {
    dns::Resolver& resolver;
    std::mt19937& random;
    std::shared_ptr<const config::Config> config;
    net::Blocking& blocking;
    store::Store& store;
    const std::atomic<bool>& stopping;
    std::shared_ptr<const DkimKeyring> dkim;       // signs messages as they are loaded
    mtasts::PolicyCache* sts = nullptr;            // MTA-STS policies; null: not used
    std::function<std::optional<Job>()> next_job;  // the destination's next job, if any
    std::function<void(Job&)> job_done;            // outcomes filled for its recipients
    // Like job_done, then waits until the message's attempt is recorded when
    // this was its last job: a connection sends its next message only after
    // that, so a crash can repeat at most one message per connection.
    std::function<net::Task<void>(Job&)> job_recorded;
    // Open streams are registered so that stop() can close them.
    std::function<void(net::Stream*)> opened;
    std::function<void(net::Stream*)> closed;
};

// Delivers jobs of `destination` (a domain, lower-case) until none is left
// or the session cannot go on. Every job taken is handed back through
// job_done, with an outcome for each of its recipients.
net::Task<void> run_connection(TransferContext& ctx, std::string destination);

}  // namespace tern::queue
