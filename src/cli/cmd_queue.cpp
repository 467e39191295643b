// `tern queue list|show|flush|retry|delete|bounce`: the outbound queue for
// operators, like Postfix's mailq, postqueue -f and postsuper -d.
//
// Commands change the store only; a running server picks the change up on
// its next scan (queue.scan_interval_seconds).
#include <ctime>
#include <iostream>

#include "base/time.hpp"
#include "cli/admin.hpp"
#include "queue/bounce.hpp"

namespace tern::cli::detail {
namespace {

const char* state_name(store::QueueRecipient::State s) {
    switch (s) {
        case store::QueueRecipient::State::pending:
            return "pending";
        case store::QueueRecipient::State::delivered:
            return "delivered";
        case store::QueueRecipient::State::failed:
            return "failed";
    }
    return "?";
}

std::string age(int64_t since, int64_t now) {
    int64_t s = now > since ? now - since : 0;
    if (s < 120) return std::to_string(s) + "s";
    if (s < 7200) return std::to_string(s / 60) + "m";
    if (s < 172800) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 86400) + "d";
}

void print_message(const store::QueuedMessage& m, int64_t now, bool details) {
    std::cout << m.id << "  " << m.size << " bytes  age " << age(m.created_at, now) << "  from <"
              << m.sender << ">";
    if (m.next_attempt > now)
        std::cout << "  next try in " << age(now, m.next_attempt);
    else
        std::cout << "  due now";
    std::cout << "\n";
    for (const auto& r : m.recipients) {
        if (!details && r.state != store::QueueRecipient::State::pending) continue;
        std::cout << "    " << r.address << "  " << state_name(r.state) << ", " << r.attempts
                  << (r.attempts == 1 ? " attempt" : " attempts");
        if (!r.last_reply.empty()) std::cout << ": " << r.last_reply;
        std::cout << "\n";
        if (details && !r.remote_mta.empty()) std::cout << "      remote: " << r.remote_mta << "\n";
    }
    if (details) {
        if (!m.envid.empty()) std::cout << "  envid: " << m.envid << "\n";
        if (!m.ret.empty()) std::cout << "  ret: " << m.ret << "\n";
        std::cout << "  flags:" << (m.eight_bit ? " 8BITMIME" : "")
                  << (m.smtputf8 ? " SMTPUTF8" : "") << (m.requiretls ? " REQUIRETLS" : "") << "\n";
    }
}

int no_such(store::QueueId id) {
    return failed("no queued message " + std::to_string(id),
                  "See `tern queue list`; it may have been delivered meanwhile");
}

}  // namespace

int queue_list(const config::Config& config, const Args&) {
    auto store = open_or_report(config);
    if (!store) return 1;
    auto all = store->list_queue();
    if (!all) return failed("cannot read the queue: " + all.error().message, kStoreTodo);
    if (all->empty()) {
        std::cout << "queue is empty\n";
        return 0;
    }
    int64_t now = unix_now();
    std::size_t rcpts = 0;
    for (const auto& m : *all) {
        print_message(m, now, false);
        for (const auto& r : m.recipients)
            if (r.state == store::QueueRecipient::State::pending) ++rcpts;
    }
    std::cout << all->size() << (all->size() == 1 ? " message, " : " messages, ") << rcpts
              << (rcpts == 1 ? " recipient" : " recipients") << " waiting\n";
    return 0;
}

int queue_show(const config::Config& config, const Args& args) {
    auto store = open_or_report(config);
    if (!store) return 1;
    auto m = store->get_queued(args.queue_id);
    if (!m) return no_such(args.queue_id);
    print_message(*m, unix_now(), true);
    if (args.with_message) {
        auto raw = store->read_queued(args.queue_id);
        if (!raw) return no_such(args.queue_id);
        std::cout << "\n";
        std::cout.write(raw->data(), static_cast<std::streamsize>(raw->size()));
    }
    return 0;
}

int queue_flush(const config::Config& config, const Args&) {
    auto store = open_or_report(config);
    if (!store) return 1;
    auto n = store->reschedule(0, unix_now());
    if (!n) return failed("cannot change the queue: " + n.error().message, kStoreTodo);
    std::cout << *n << (*n == 1 ? " message" : " messages")
              << " due now; a running server tries them within queue.scan_interval_seconds\n";
    return 0;
}

int queue_retry(const config::Config& config, const Args& args) {
    auto store = open_or_report(config);
    if (!store) return 1;
    auto n = store->reschedule(args.queue_id, unix_now());
    if (!n) return no_such(args.queue_id);
    std::cout << "message " << args.queue_id << " due now\n";
    return 0;
}

int queue_delete(const config::Config& config, const Args& args) {
    auto store = open_or_report(config);
    if (!store) return 1;
    if (auto s = store->delete_queued(args.queue_id); !s) return no_such(args.queue_id);
    std::cout << "deleted message " << args.queue_id << " (no bounce sent)\n";
    return 0;
}

int queue_bounce(const config::Config& config, const Args& args) {
    auto store = open_or_report(config);
    if (!store) return 1;
    auto m = store->get_queued(args.queue_id);
    if (!m) return no_such(args.queue_id);
    auto raw = store->read_queued(args.queue_id);
    if (!raw) return no_such(args.queue_id);
    int64_t now = unix_now();
    const std::string reason = "returned to the sender by the postmaster";
    std::vector<store::RecipientUpdate> updates;
    std::vector<queue::DsnRecipient> dsn;
    for (const auto& r : m->recipients) {
        if (r.state != store::QueueRecipient::State::pending) continue;
        updates.push_back({r.address, store::QueueRecipient::State::failed, reason, ""});
        queue::DsnRecipient d;
        d.final_recipient = r.address;
        d.original_recipient = r.orcpt;
        d.action = queue::DsnRecipient::Action::failed;
        d.status = "5.0.0";
        d.diagnostic = reason + (r.last_reply.empty() ? "" : "; last error: " + r.last_reply);
        d.diagnostic_is_smtp = false;
        d.last_attempt = r.updated_at;
        dsn.push_back(std::move(d));
    }
    queue::BounceContext bc{*store, config.server.hostname, nullptr};
    if (auto s = queue::send_dsn(bc, *m, *raw, std::move(dsn), now); !s)
        return failed("cannot send the bounce: " + s.error().message, kStoreTodo);
    if (auto s = store->record_attempt(args.queue_id, updates, now); !s)
        return failed("cannot update the queue: " + s.error().message, kStoreTodo);
    std::cout << "bounced message " << args.queue_id << " to <" << m->sender << ">\n";
    return 0;
}

}  // namespace tern::cli::detail
