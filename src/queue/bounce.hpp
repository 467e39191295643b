// send_dsn: tells a message's sender what happened to some of its recipients
// (RFC 3464 delivery status notification: failed, or delayed).
//
// Where the DSN goes: nowhere for the null sender <> (RFC 5321 4.5.5: never
// answer a bounce with a bounce); into the sender's INBOX when the sender is
// a local address; otherwise into the outbound queue with the null sender.
// Blocking (store calls): run it on the worker pool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "queue/dsn.hpp"
#include "queue/wakeup.hpp"
#include "store/store.hpp"

namespace tern::queue {

struct BounceContext {
    store::Store& store;
    std::string hostname;  // Reporting-MTA and the MAILER-DAEMON domain
    Wakeup* wakeup = nullptr;
};

Status send_dsn(const BounceContext& ctx, const store::QueuedMessage& message,
                const std::string& raw, std::vector<DsnRecipient> recipients, int64_t now);

}  // namespace tern::queue
