// deliver_local: the one way a message enters local mailboxes, whoever
// accepted it (the SMTP session, `tern sendmail`, later bounces and the API).
//
// It adds the final-delivery trace fields (RFC 5321 4.4: Return-Path; and
// Delivered-To when the message goes to exactly one mailbox, since one stored
// copy is shared by all its recipients), stores the message once for every
// target mailbox (each mailbox once), and returns only when the store says it
// is durable. Blocking: run it on the worker pool.
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"
#include "delivery/router.hpp"
#include "store/store.hpp"

namespace tern::delivery {

struct LocalMessage {
    std::string return_path;           // the envelope sender; empty for the null sender <>
    std::vector<LocalTarget> targets;  // from Router::resolve, possibly with repeats
    std::string content;               // trace fields already added by the caller, then the message
    int64_t internal_date = 0;
};

// Errors: Errc::quota when a target's quota is exceeded, the store's errors
// otherwise. `content` is moved from.
Result<std::vector<store::Appended>> deliver_local(store::Store& store, LocalMessage& message);

}  // namespace tern::delivery
