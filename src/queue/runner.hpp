// Runner: the outbound queue at work inside `tern serve`.
//
// It claims due messages from the store (a lease, so other processes and
// nodes never deliver the same message at the same time), splits their
// pending recipients by destination domain, and delivers with at most
// queue.max_deliveries connections overall and queue.max_per_destination
// per domain; one connection carries every waiting message of its domain in
// turn. When all of a message's recipients have an outcome for this attempt
// it records them: delivered and failed recipients are final, failures and
// expiry (queue.max_age_seconds) bounce to the sender (RFC 3464, as
// requested by NOTIFY), a delay notice goes out once after
// queue.delay_notice_seconds, and pending recipients are retried with
// exponential backoff.
//
// Threads: the runner has its own thread and io_context (DNS with c-ares,
// outbound connections); store calls go through net::Blocking. start() and
// stop() are called by the composition root only; Wakeup::notify() from any
// thread makes it look at the queue at once.
//
// DMARC aggregate reports (dmarc_reports.hpp) are sent from here too: a
// minute after start, then every hour, the reports of the days before
// today that are still in the store leave through the queue.
//
// Crash safety: nothing is removed from the queue before the remote 250 was
// read and recorded; a crash between the two sends that recipient again
// (RFC 5321 6.1 allows duplicates, never loss). A restart releases the
// claims this host held.
#pragma once

#include <memory>
#include <string>

#include "base/result.hpp"
#include "config/holder.hpp"
#include "dns/resolver.hpp"
#include "mailauth/dmarc/public_suffix.hpp"
#include "net/blocking.hpp"
#include "queue/wakeup.hpp"
#include "store/store.hpp"

namespace tern::queue {

struct RunnerDeps {
    store::Store& store;
    net::Blocking& blocking;
    config::ConfigHolder& config;
    Wakeup& wakeup;
    // The resolver to use (serve passes the shared dns::ResolverThread;
    // answers may arrive on any thread); null: the runner makes its own
    // c-ares resolver from config [dns].
    dns::Resolver* resolver = nullptr;
    // For DMARC aggregate reports (RFC 7489 7.1 compares Organizational
    // Domains); null: host names are compared as they are.
    const mailauth::dmarc::PublicSuffixList* psl = nullptr;
};

class Runner {
  public:
    explicit Runner(RunnerDeps deps);
    ~Runner();  // stops
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    // Errors: the resolver cannot start (bad dns.nameservers).
    Status start();
    // Stops claiming, closes open connections, waits for the deliveries
    // under way to record what they know, and joins the thread.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tern::queue
