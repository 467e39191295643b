// enqueue: the single way into the outbound queue (DESIGN.md "queue/"): mail
// a user submits to other domains, `tern sendmail`, forwarding to external
// alias targets, and bounces (DSNs) to remote senders all pass here.
//
// Promise: when it returns a QueueId the message and its envelope are
// durable (this is what the SMTP `250` for relayed mail stands on); the
// runner is woken and tries at once. Blocking: run it on the worker pool.
#pragma once

#include <cstdint>

#include "base/result.hpp"
#include "queue/wakeup.hpp"
#include "store/store.hpp"

namespace tern::queue {

// Stores `message` (created_at and next_attempt default to `now` when 0).
// Errors: Errc::invalid without recipients or with a recipient that is not a
// plain address; the store's errors.
Result<store::QueueId> enqueue(store::Store& store, store::NewQueued message, int64_t now,
                               Wakeup* wakeup);

// True when the message needs SMTPUTF8 to travel (RFC 6531 3.4): a non-ASCII
// envelope address, or raw UTF-8 in its header section.
bool needs_smtputf8(const store::NewQueued& message);

}  // namespace tern::queue
