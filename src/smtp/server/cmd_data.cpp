// DATA (RFC 5321 4.1.1.4) and BDAT (RFC 3030), then local delivery: the
// message is stored once for all its local recipients, and 250 is sent only
// after the store says it is durable (DESIGN.md rule 3).
#include <algorithm>

#include "base/log.hpp"
#include "base/random_id.hpp"
#include "base/strings.hpp"
#include "base/time.hpp"
#include "delivery/local_delivery.hpp"
#include "smtp/proto/reply.hpp"
#include "smtp/server/data_decoder.hpp"
#include "smtp/server/headers.hpp"
#include "smtp/server/session.hpp"

namespace tern::smtp {

net::Task<void> Session::cmd_data(const Command&) {
    const auto& cfg = *config_;
    if (bdat_active_) {
        error(503, "5.5.1", "Error: DATA not allowed after BDAT");  // RFC 3030 3
        co_return;
    }
    if (!envelope_) {
        error(503, "5.5.1", "Error: need MAIL command");
        co_return;
    }
    if (envelope_->recipients.empty()) {
        error(554, "5.5.1", "Error: no valid recipients");
        co_return;
    }
    reply(354, "", "End data with <CR><LF>.<CR><LF>");
    if (!co_await flush()) {
        quit_ = true;
        co_return;
    }
    DataDecoder decoder(cfg.smtp.max_message_size);
    for (;;) {
        // Lines may exceed the 1000-octet limit of RFC 5321 4.5.3.1.6 in
        // real mail; the size limit bounds them instead.
        net::Line line = co_await reader_.read_line(cfg.smtp.max_message_size + 3);
        if (line.status != net::IoStatus::ok) {
            // The client vanished or idled mid-message: nothing is stored.
            if (line.status == net::IoStatus::timeout)
                reply(421, "4.4.2", cfg.server.hostname + " Error: timeout exceeded");
            quit_ = true;
            co_return;
        }
        if (line.too_long) {
            decoder.line_dropped();
            continue;
        }
        if (decoder.feed_line(line.raw)) break;
    }
    if (decoder.too_big()) {
        reset_transaction();
        reply(552, "5.3.4", "Error: message size exceeds fixed maximum message size");
        co_return;
    }
    if (decoder.saw_bare_lf())
        log::info("smtp.bare_lf").kv("sid", conn_.session_id).kv("ip", conn_.remote_ip);
    co_await deliver(decoder.content());
}

net::Task<void> Session::cmd_bdat(const Command& c) {
    const auto& cfg = *config_;
    // RFC 3030 2: the chunk is always read, even when the command is refused,
    // so the session stays in step with the client.
    bool accept = envelope_ && !envelope_->recipients.empty() && !bdat_failed_;
    std::string refused;
    if (!envelope_)
        refused = "need MAIL command";
    else if (envelope_->recipients.empty())
        refused = "no valid recipients";
    bool too_big = bdat_body_.size() + c.bdat_size > cfg.smtp.max_message_size;
    if (accept && too_big) {
        bdat_failed_ = true;
        bdat_body_.clear();
        bdat_body_.shrink_to_fit();
    }
    std::string sink;
    std::string& target = (accept && !bdat_failed_) ? bdat_body_ : sink;
    uint64_t left = c.bdat_size;
    while (left > 0) {
        // Discarded chunks are read in pieces so they cost no memory.
        std::size_t piece = static_cast<std::size_t>(std::min<uint64_t>(left, 1 << 20));
        if (&target == &sink) sink.clear();
        if (co_await reader_.read_exact(piece, target) != net::IoStatus::ok) {
            quit_ = true;
            co_return;
        }
        left -= piece;
    }
    if (!accept) {
        error(503, "5.5.1", "Error: " + refused);
        co_return;
    }
    bdat_active_ = true;
    if (!c.bdat_last) {
        if (bdat_failed_)
            reply(552, "5.3.4", "Error: message size exceeds fixed maximum message size");
        else
            reply(250, "2.0.0", std::to_string(c.bdat_size) + " octets received");
        co_return;
    }
    if (bdat_failed_) {
        reset_transaction();
        reply(552, "5.3.4", "Error: message size exceeds fixed maximum message size");
        co_return;
    }
    std::string body = std::move(bdat_body_);
    co_await deliver(body);
}

net::Task<void> Session::deliver(std::string& body) {
    const auto& cfg = *config_;
    Envelope& env = *envelope_;
    HeaderScan scan = scan_headers(body);
    if (scan.eight_bit && !env.params.smtputf8) {
        // RFC 6532 3 / issue 3: raw UTF-8 in headers only in SMTPUTF8 mail.
        reset_transaction();
        error(554, "5.6.7", "Error: non-ASCII header fields require SMTPUTF8");
        co_return;
    }
    if (options_.submission) {
        // The From: header must be the user's too (not only the envelope).
        for (const auto& from : scan.from_addresses) {
            Path p;
            auto at = from.rfind('@');
            p.mailbox.local = from.substr(0, at);
            p.mailbox.domain = from.substr(at + 1);
            if (!co_await sender_allowed(p)) {
                reset_transaction();
                error(553, "5.7.1",
                      "Error: From: address <" + from + "> is not owned by user " + user_->address);
                co_return;
            }
        }
    }

    std::string id = random_id(12, kQueueIdAlphabet);
    int64_t now = unix_now();
    ReceivedInfo ri;
    ri.helo = helo_;
    ri.remote_ip = conn_.remote_ip;
    ri.hostname = cfg.server.hostname;
    ri.with = with_keyword();
    ri.id = id;
    if (auto tls = conn_.stream.tls_info()) {
        ri.tls_version = tls->version;
        ri.tls_cipher = tls->cipher;
        ri.tls_bits = tls->bits;
    }
    if (env.recipients.size() == 1) ri.for_address = env.recipients[0].path.mailbox.to_string();
    ri.date = now;
    delivery::LocalMessage msg;
    msg.return_path = env.from.null ? std::string() : env.from.mailbox.to_string();
    msg.content = received_header(ri);
    if (options_.submission) {
        // RFC 6409 8.2, 8.3: a submission server may add Message-ID and Date.
        if (!scan.has_message_id)
            msg.content += "Message-ID: <" + id + "." + std::to_string(now) + "@" +
                           cfg.server.hostname + ">\r\n";
        if (!scan.has_date) msg.content += "Date: " + rfc5322_date(now) + "\r\n";
    }
    msg.content += body;
    std::size_t size = msg.content.size();
    body.clear();
    msg.internal_date = now;
    for (const auto& r : env.recipients)
        msg.targets.insert(msg.targets.end(), r.local.begin(), r.local.end());

    Result<std::vector<store::Appended>> stored = fail(Errc::internal, "not run");
    std::function<void()> job = [&] { stored = delivery::deliver_local(deps_.store, msg); };
    co_await deps_.blocking.run(job);
    std::size_t rcpts = env.recipients.size();
    reset_transaction();
    if (!stored) {
        log::error("smtp.store_failed")
            .kv("sid", conn_.session_id)
            .kv("qid", id)
            .kv("error", stored.error().message);
        if (stored.error().code == Errc::quota)
            reply(452, "4.2.2", "Error: mailbox full");
        else
            reply(451, "4.3.0", "Error: local storage failure, try again later");
        co_return;
    }
    ++messages_;
    log::info("smtp.accepted")
        .kv("sid", conn_.session_id)
        .kv("qid", id)
        .kv("size", size)
        .kv("rcpts", rcpts)
        .kv("copies", stored->size());
    reply(250, "2.0.0", "Ok: queued as " + id);
}

}  // namespace tern::smtp
