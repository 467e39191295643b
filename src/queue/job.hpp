// What the runner and its connections share about a message being delivered
// (internal to src/queue).
//
// A claimed message becomes one Inflight; its pending recipients are split by
// destination (the domain, or the smarthost) into Jobs. Each connection takes
// Jobs of its destination one after the other (one connection carries many
// messages), fills in an Outcome for each recipient, and hands the Job back.
// When a message's last Job is back, the runner records the attempt.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace tern::queue {

struct Outcome {
    store::QueueRecipient::State state = store::QueueRecipient::State::pending;
    std::string reply;         // "550 5.1.1 no such user" or our own reason
    std::string status;        // RFC 3463 "5.1.1"
    std::string remote_mta;    // the host that answered, empty when none did
    bool from_remote = false;  // reply came from the remote server (DSN Diagnostic-Code: smtp)
    // Delivered to a server that does not offer DSN, so NOTIFY=SUCCESS
    // could not be passed on: we send the "relayed" notice (RFC 3461 4.2).
    bool relayed_without_dsn = false;
};

struct Inflight {
    store::QueuedMessage message;
    std::shared_ptr<const std::string> raw;        // loaded by the first connection that needs it
    std::vector<std::optional<Outcome>> outcomes;  // per recipient index, this attempt only
    unsigned jobs_left = 0;
};

struct Job {
    std::shared_ptr<Inflight> message;
    std::vector<std::size_t> recipients;  // indexes into message->message.recipients
};

}  // namespace tern::queue
