// IDLE (RFC 2177, RFC 9051 6.3.13): "+ idling", then untagged updates as
// the selected mailbox changes, until the client sends DONE.
//
// How changes are noticed without polling: the store's change callback
// (subscribe_changes(), cmd_auth.cpp) sets the changed flag and, while this
// session idles on that mailbox, calls the stream's waker. The pending read
// then ends with IoStatus::woken, the updates are sent, and the session
// waits again. Between changes nothing runs: no timer fires but the
// autologout. New mail is told as soon as the store has made it durable.
//
// The autologout timer (imap.idle_timeout_seconds, RFC 9051 5.4) bounds the
// whole IDLE, however many wake-ups came: a client must re-issue IDLE before
// it runs out (RFC 2177 3).
#include <chrono>

#include "base/log.hpp"
#include "imap/server/session.hpp"

namespace tern::imap {
namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

net::Task<void> Session::cmd_idle(const Command& c) {
    reply(continuation("idling"));
    const bool on_mailbox = state_ == State::selected;
    // Clears the idling mark however the command ends.
    struct Idling {
        std::atomic<bool>& flag;
        ~Idling() { flag.store(false); }
    } idling{idle_wake_->idling};
    if (on_mailbox) {
        // Mark first, look second: a change made after the look wakes the
        // read, one made before it is in the flag the look reads.
        idle_wake_->mailbox.store(selected_->id);
        idle_wake_->idling.store(true);
        // Anything already pending is sent at once (RFC 2177 3).
        std::string updates;
        co_await sync_into(updates, true);
        reply(updates);
    }
    const auto idle_limit = std::chrono::seconds(config_->imap.idle_timeout_seconds);
    const Clock::time_point deadline = Clock::now() + idle_limit;
    for (;;) {
        if (!co_await flush()) {
            state_ = State::logout;
            co_return;
        }
        // A compressor is ~270 KiB; an idle session needs none until it
        // has something to say (RFC 4978 4 lets the sender choose).
        if (deflate_) deflate_->trim();
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            reply(untagged_status(Condition::bye, "autologout: idle for too long"));
            state_ = State::logout;
            co_return;
        }
        stream().set_timeout(left);
        Item item = co_await next_item(true, true);
        stream().set_timeout(idle_limit);
        if (const auto* st = std::get_if<net::IoStatus>(&item)) {
            if (*st == net::IoStatus::woken) {
                if (on_mailbox && changed_->load()) {
                    std::string updates;
                    co_await sync_into(updates, true);
                    reply(updates);
                }
                continue;
            }
            if (*st == net::IoStatus::timeout) {
                // RFC 9051 5.4: the autologout timer; BYE before closing.
                reply(untagged_status(Condition::bye, "autologout: idle for too long"));
            } else if (*st == net::IoStatus::shutdown) {
                reply(untagged_status(Condition::bye, "server shutting down"));
            }
            state_ = State::logout;
            co_return;
        }
        const auto& ri = std::get<ReaderItem>(item);
        const auto* raw = std::get_if<RawCommand>(&ri);
        if (raw && is_idle_done(raw->text)) {
            ok(c, "IDLE terminated");
        } else {
            bad(c, "expected DONE");  // RFC 2177 3: anything else ends IDLE with BAD
        }
        co_return;
    }
}

}  // namespace tern::imap
