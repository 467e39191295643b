// IDLE (RFC 2177, RFC 9051 6.3.13): "+ idling", then untagged updates as
// the selected mailbox changes, until the client sends DONE.
//
// How changes are noticed: the store's change callback (registered at
// login) sets an atomic flag; the session cannot be woken from its pending
// read through the generic Stream interface, so while idling it reads with a
// short timeout (kPoll) and looks at the flag each time the read times out.
// New mail is therefore announced within kPoll of its delivery. A stream
// wake-up call (net::Stream has none yet) would remove the polling.
// The autologout timer (imap.idle_timeout_seconds, RFC 9051 5.4) still
// applies: a client must re-issue IDLE before it runs out (RFC 2177 3).
#include "base/log.hpp"
#include "imap/server/session.hpp"

namespace tern::imap {
namespace {
constexpr std::chrono::milliseconds kPoll{500};
}  // namespace

net::Task<void> Session::cmd_idle(const Command& c) {
    reply(continuation("idling"));
    // Anything already pending is sent at once (RFC 2177 3).
    if (state_ == State::selected) {
        std::string updates;
        co_await sync_into(updates, true);
        reply(updates);
    }
    const auto idle_limit = std::chrono::seconds(config_->imap.idle_timeout_seconds);
    std::chrono::milliseconds idled{0};
    for (;;) {
        if (!co_await flush()) {
            state_ = State::logout;
            co_return;
        }
        conn_.stream.set_timeout(kPoll);
        Item item = co_await next_item(true);
        conn_.stream.set_timeout(idle_limit);
        if (const auto* st = std::get_if<net::IoStatus>(&item)) {
            if (*st == net::IoStatus::timeout) {
                idled += kPoll;
                if (idled >= idle_limit) {
                    reply(untagged_status(Condition::bye, "autologout: idle for too long"));
                    state_ = State::logout;
                    co_return;
                }
                if (state_ == State::selected && changed_->load()) {
                    std::string updates;
                    co_await sync_into(updates, true);
                    reply(updates);
                }
                continue;
            }
            if (*st == net::IoStatus::shutdown)
                reply(untagged_status(Condition::bye, "server shutting down"));
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
