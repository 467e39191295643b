// The queue's decisions, as pure functions (no I/O, unit-tested): when to try
// again, what a reply means for a recipient, and who asked for which DSN.
//
// RFC 5321 4.5.4.1: retry at least 30 minutes apart by default and give up
// after 4-5 days; we start at queue.retry_initial_seconds and double up to
// queue.retry_max_seconds. RFC 3461 4.1: NOTIFY=NEVER asks for no DSN, a
// NOTIFY list asks for exactly those kinds, and without NOTIFY the MTA sends
// failure notices (and may send delay notices, which Tern does).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace tern::queue {

struct RetryPolicy {
    int64_t initial_seconds = 300;
    int64_t max_seconds = 14400;
    int64_t max_age_seconds = 432000;
    int64_t delay_notice_seconds = 14400;  // 0: never
};

// When to try again after `attempts` failed tries (attempts >= 1).
int64_t next_attempt_after(const RetryPolicy& policy, uint32_t attempts, int64_t now);

// True once a message created at `created_at` is too old to keep trying.
bool expired(const RetryPolicy& policy, int64_t created_at, int64_t now);

// True when a delay notice is due now for a message still pending.
bool delay_notice_due(const RetryPolicy& policy, const store::QueuedMessage& message, int64_t now);

enum class DsnKind { failure, delay, success };
// Whether a recipient's NOTIFY parameter asks for this kind of DSN.
bool wants_dsn(std::string_view notify, DsnKind kind);

// What an SMTP reply code means for a recipient: 2xx delivered, 5xx failed,
// anything else (4xx, or 0 for no reply at all) still pending.
store::QueueRecipient::State state_for_code(int code);

// The RFC 3463 status for a reply: its enhanced code when it has a valid
// one of the same class, else the class default ("5.0.0", "4.0.0").
std::string status_for(int code, std::string_view enhanced);

}  // namespace tern::queue
