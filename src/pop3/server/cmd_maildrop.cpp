// The TRANSACTION state (RFC 1939 5, 7): STAT, LIST, UIDL, RETR, TOP, DELE,
// RSET, NOOP, and QUIT with the UPDATE state that applies deletions.
#include "base/log.hpp"
#include "pop3/proto/multiline.hpp"
#include "pop3/proto/reply.hpp"
#include "pop3/server/session.hpp"

namespace tern::pop3 {
namespace {
// RETR and TOP send a message in pieces of this size, so a large message
// costs its stored copy plus one piece, not a second full copy.
constexpr std::size_t kPiece = 64 * 1024;
}  // namespace

MaildropMessage* Session::message_argument(uint32_t number) {
    MaildropMessage* m = maildrop_->find(number);
    if (!m) {
        error(err("no such message"));
        return nullptr;
    }
    if (m->deleted) {
        // RFC 1939 5: a message marked as deleted may not be referred to.
        error(err("message " + std::to_string(number) + " already deleted"));
        return nullptr;
    }
    return m;
}

net::Task<void> Session::cmd_stat(const Command&) {
    // RFC 1939 5: "+OK nn mm", deleted messages not counted.
    reply(
        ok(std::to_string(maildrop_->live_count()) + " " + std::to_string(maildrop_->live_size())));
    co_return;
}

net::Task<void> Session::cmd_list(const Command& c) {
    if (c.message) {
        if (MaildropMessage* m = message_argument(*c.message))
            reply(ok(std::to_string(*c.message) + " " + std::to_string(m->size)));
        co_return;
    }
    std::string r = ok(std::to_string(maildrop_->live_count()) + " messages (" +
                       std::to_string(maildrop_->live_size()) + " octets)");
    const auto& all = maildrop_->messages();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].deleted) continue;
        r += std::to_string(i + 1) + " " + std::to_string(all[i].size) + "\r\n";
    }
    reply(r + ".\r\n");
}

net::Task<void> Session::cmd_uidl(const Command& c) {
    if (c.message) {
        if (MaildropMessage* m = message_argument(*c.message))
            reply(ok(std::to_string(*c.message) + " " + maildrop_->unique_id(*m)));
        co_return;
    }
    std::string r = ok("unique-id listing follows");
    const auto& all = maildrop_->messages();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].deleted) continue;
        r += std::to_string(i + 1) + " " + maildrop_->unique_id(all[i]) + "\r\n";
    }
    reply(r + ".\r\n");
}

net::Task<void> Session::send_message(uint32_t number, MaildropMessage& m,
                                      std::optional<uint64_t> top_lines) {
    Result<std::string> raw = fail(Errc::internal, "not read");
    if (std::optional<std::string> held = read_ahead_.take(number)) {
        raw = std::move(*held);
    } else {
        // One store job for this message and, when the client reads in
        // order, the next ones (read_ahead.hpp): each job wakes a pool
        // thread and then this session's thread again.
        const std::vector<uint32_t> numbers = read_ahead_.plan(maildrop_->messages(), number);
        std::vector<Result<std::string>> read;
        read.reserve(numbers.size());
        std::function<void()> job = [&] {
            for (uint32_t n : numbers)
                read.push_back(deps_.store.read_blob(maildrop_->find(n)->blob));
        };
        co_await deps_.blocking.run(job);
        raw = std::move(read[0]);
        for (std::size_t i = 1; i < read.size(); ++i)
            if (read[i]) read_ahead_.keep(numbers[i], std::move(*read[i]));
    }
    if (!raw) {
        log::error("pop3.read_failed")
            .kv("sid", conn_.session_id)
            .kv("uid", m.uid)
            .kv("error", raw.error().message);
        reply(err(RespCode::sys_temp, "message cannot be read now"));
        co_return;
    }
    const std::string_view body = top_lines ? top_part(*raw, *top_lines) : std::string_view(*raw);
    reply(top_lines ? ok("top of message follows") : ok(std::to_string(m.size) + " octets"));
    MultilineEncoder encoder;
    for (std::size_t pos = 0; pos < body.size(); pos += kPiece) {
        encoder.encode(body.substr(pos, kPiece), out_);
        if (out_.size() >= kPiece && !co_await flush()) {
            quit_ = true;
            co_return;
        }
    }
    // The terminator stays queued: a pipelined next command's reply can go
    // in the same write.
    encoder.finish(out_);
    if (!top_lines) {
        m.retrieved = true;
        ++retrieved_;
    }
}

net::Task<void> Session::cmd_retr(const Command& c) {
    if (MaildropMessage* m = message_argument(*c.message))
        co_await send_message(*c.message, *m, std::nullopt);
}

net::Task<void> Session::cmd_top(const Command& c) {
    if (MaildropMessage* m = message_argument(*c.message))
        co_await send_message(*c.message, *m, c.lines);
}

net::Task<void> Session::cmd_dele(const Command& c) {
    if (MaildropMessage* m = message_argument(*c.message)) {
        m->deleted = true;  // RFC 1939 5: only marked; removed in UPDATE
        reply(ok("message " + std::to_string(*c.message) + " deleted"));
    }
    co_return;
}

net::Task<void> Session::cmd_rset(const Command&) {
    // RFC 1939 5: unmark every message. Under delete_retrieved, retrieved
    // messages are unmarked as well: RSET undoes all pending deletions.
    maildrop_->undelete_all();
    reply(ok("maildrop has " + std::to_string(maildrop_->live_count()) + " messages (" +
             std::to_string(maildrop_->live_size()) + " octets)"));
    co_return;
}

net::Task<void> Session::cmd_noop(const Command&) {
    reply(ok(""));
    co_return;
}

net::Task<void> Session::cmd_quit(const Command&) {
    quit_ = true;
    if (state_ == State::authorization) {
        // RFC 1939 6: QUIT before login does not enter UPDATE.
        reply(ok("Tern POP3 server signing off"));
        co_return;
    }
    co_await update();
}

net::Task<void> Session::update() {
    state_ = State::update;
    const std::vector<uint32_t> uids = maildrop_->to_expunge(options_.delete_retrieved);
    // Mail read over POP3 shows as read in IMAP. Messages already \Seen at
    // login are left out, and with nothing to change the store is not
    // called at all (no write transaction, no thread hop).
    std::vector<uint32_t> seen;
    for (const auto& m : maildrop_->messages())
        if (m.retrieved && !m.seen && !m.deleted && !options_.delete_retrieved)
            seen.push_back(m.uid);
    Result<std::vector<uint32_t>> removed = std::vector<uint32_t>{};
    std::function<void()> job = [&] {
        if (!uids.empty()) removed = deps_.store.expunge(maildrop_->mailbox(), uids);
        // A failure here loses nothing.
        if (!seen.empty())
            (void)deps_.store.store_flags(maildrop_->mailbox(), seen, store::FlagOp::add,
                                          {"\\Seen"}, std::nullopt);
    };
    if (!uids.empty() || !seen.empty()) co_await deps_.blocking.run(job);
    if (!removed) {
        log::error("pop3.update_failed")
            .kv("sid", conn_.session_id)
            .kv("error", removed.error().message);
        // RFC 1939 6: -ERR when some deleted messages could not be removed.
        reply(err(RespCode::sys_temp, "some deleted messages not removed"));
        co_return;
    }
    log::info("pop3.update")
        .kv("sid", conn_.session_id)
        .kv("user", account_->address)
        .kv("deleted", static_cast<uint64_t>(removed->size()));
    reply(
        ok("Tern POP3 server signing off (" + std::to_string(uids.size()) + " messages deleted)"));
}

}  // namespace tern::pop3
