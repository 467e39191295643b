// DATA (RFC 5321 4.1.1.4) and BDAT (RFC 3030), then local delivery: the
// message is stored once for all its local recipients, and 250 is sent only
// after the store says it is durable (DESIGN.md rule 3).
#include <algorithm>

#include "base/log.hpp"
#include "base/random_id.hpp"
#include "base/strings.hpp"
#include "base/time.hpp"
#include "delivery/local_delivery.hpp"
#include "mailauth/results/remover.hpp"
#include "queue/enqueue.hpp"
#include "smtp/proto/reply.hpp"
#include "smtp/server/data_decoder.hpp"
#include "smtp/server/dmarc_collect.hpp"
#include "smtp/server/headers.hpp"
#include "smtp/server/inbound_auth.hpp"
#include "smtp/server/session.hpp"

namespace tern::smtp {
namespace {

std::string notify_text(const DsnNotify& n) {
    if (n.never) return "NEVER";
    std::string out;
    auto add = [&out](const char* k) { out += out.empty() ? k : std::string(",") + k; };
    if (n.success) add("SUCCESS");
    if (n.failure) add("FAILURE");
    if (n.delay) add("DELAY");
    return out;
}

// The part of a transaction that leaves through the outbound queue: every
// remote recipient (relayed by a user, or an alias's external target) with
// its RFC 3461 parameters, and the message as accepted (trace fields added).
store::NewQueued outbound_part(const Envelope& env, const std::string& content) {
    store::NewQueued q;
    for (const auto& r : env.recipients) {
        for (const auto& address : r.remote) {
            store::NewQueued::Recipient out;
            out.address = address;
            // ORCPT and NOTIFY belong to the address the client gave; an
            // alias target keeps them too (RFC 3461 5.2.1 on forwarding).
            if (r.params.orcpt)
                out.orcpt = r.params.orcpt->addr_type + ";" + r.params.orcpt->address;
            if (r.params.notify) out.notify = notify_text(*r.params.notify);
            q.recipients.push_back(std::move(out));
        }
    }
    if (q.recipients.empty()) return q;
    q.sender = env.from.null ? std::string() : env.from.mailbox.to_string();
    if (env.params.envid) q.envid = *env.params.envid;
    if (env.params.ret) q.ret = *env.params.ret == DsnReturn::full ? "FULL" : "HDRS";
    q.eight_bit = env.params.body && *env.params.body != BodyType::seven_bit;
    q.smtputf8 = env.params.smtputf8;
    q.requiretls = env.params.requiretls;
    q.raw = content;
    return q;
}

// RFC 8617 5.1: the domain that seals a forwarded copy is the alias's own
// (on port 25 every remote target comes from an alias of a local domain);
// empty when nothing is forwarded.
std::string forwarding_domain(const Envelope& env) {
    for (const auto& r : env.recipients)
        if (!r.remote.empty()) return r.path.mailbox.domain;
    return {};
}

// One line per checked message (DESIGN.md rule 7), so a rejection or a
// quarantine can be traced to the result that caused it.
void log_inbound_auth(const std::string& sid, const std::string& qid, const InboundVerdict& v) {
    auto line = log::info("smtp.mailauth");
    line.kv("sid", sid).kv("qid", qid);
    if (v.spf)
        line.kv("spf", mailauth::spf::to_string(v.spf->result)).kv("spf_domain", v.spf->domain);
    if (v.dkim) {
        std::string dkim;
        for (const auto& r : *v.dkim)
            dkim += (dkim.empty() ? "" : ",") + std::string(mailauth::dkim::to_string(r.result)) +
                    ":" + r.domain;
        line.kv("dkim", dkim.empty() ? "none" : dkim);
    }
    if (v.dmarc)
        line.kv("dmarc", mailauth::dmarc::to_string(v.dmarc->result))
            .kv("from_domain", v.dmarc->from_domain)
            .kv("reason", v.dmarc->reason);
    else if (!v.dmarc_error.empty())
        line.kv("dmarc", "permerror").kv("reason", v.dmarc_error);
    line.kv("action", to_string(v.action));
}

}  // namespace

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
    // Port 25 only: SPF, DKIM and DMARC (inbound_auth.hpp), before anything
    // is stored, so a DMARC reject stores nothing.
    InboundVerdict auth;
    std::optional<store::DmarcReportRow> dmarc_row;
    if (!options_.submission) {
        InboundAuthSettings settings = inbound_settings(cfg, now);
        if (any_check(settings)) {
            InboundIdentity who{conn_.remote_ip, helo_,
                                env.from.null ? std::string() : env.from.mailbox.to_string()};
            // RFC 8601 2.7.3: the FCrDNS outcome for iprev=.
            net::Task<void> reverse = ask_reverse_dns();
            co_await std::move(reverse);
            who.fcrdns = fcrdns_;
            who.fcrdns_name = fcrdns_name_;
            net::Task<InboundVerdict> op =
                check_inbound(who, body, deps_.resolver, deps_.psl, settings);
            auth = co_await std::move(op);
            log_inbound_auth(conn_.session_id, id, auth);
            // RFC 7489 7.2: counted for the domain's aggregate report,
            // refused mail too.
            if (cfg.mailauth.dmarc_reports) dmarc_row = dmarc_report_row(auth, who, now);
            if (auth.action == InboundAction::reject) {
                if (dmarc_row) {
                    std::function<void()> count = [&] {
                        (void)deps_.store.add_dmarc_rows({*dmarc_row});
                    };
                    co_await deps_.blocking.run(count);
                }
                reset_transaction();
                // RFC 7489 10.1 / issue 7: refuse at end of DATA, naming DMARC.
                reply(550, "5.7.1",
                      "Error: message rejected by the DMARC policy of " + auth.dmarc->from_domain);
                co_return;
            }
            // RFC 8601 5: fields claiming our authserv-id are forged; drop
            // them (after DKIM saw the message as it was signed).
            auto cleaned = mailauth::results::remove_own_results(body, settings.authserv_id);
            if (cleaned.removed > 0) body = std::move(cleaned.message);
        }
    }

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
    // RFC 8601 5: at the top, with the trace fields: right after our Received.
    msg.content += auth.field;
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
    store::NewQueued outbound = outbound_part(env, msg.content);
    // Port 25 copies forwarded to external alias targets get the next ARC
    // set (inbound_auth.hpp); submitted mail is the user's own, DKIM-signed
    // by the queue instead.
    const std::string seal_domain =
        options_.submission || !auth.arc || !cfg.mailauth.arc_seal || outbound.recipients.empty()
            ? std::string()
            : forwarding_domain(env);
    Result<std::string> arc_fields = std::string();

    // Local copies first, then the queue; both are durable before the 250.
    Result<std::vector<store::Appended>> stored = std::vector<store::Appended>();
    Result<store::QueueId> queued = store::QueueId(0);
    bool quarantine = auth.action == InboundAction::quarantine;
    std::function<void()> job = [&] {
        // RFC 7489 6.6.2 quarantine: the recipients' Junk folders.
        if (quarantine && !msg.targets.empty())
            if (Status st = junk_targets(deps_.store, msg.targets); !st) stored = st.failure();
        if (stored && !msg.targets.empty()) stored = delivery::deliver_local(deps_.store, msg);
        if (!seal_domain.empty()) {
            arc_fields = arc_seal_forwarded(auth, outbound.raw, seal_domain,
                                            cfg.server.data_dir + "/dkim", now);
            if (arc_fields) outbound.raw.insert(0, *arc_fields);
        }
        if (stored && !outbound.recipients.empty())
            queued = queue::enqueue(deps_.store, std::move(outbound), now, &deps_.queue_wakeup);
        // Report data is statistics: a failure to count is logged, never
        // a reason to refuse the message.
        if (stored && queued && dmarc_row) {
            if (Status st = deps_.store.add_dmarc_rows({*dmarc_row}); !st)
                log::warn("smtp.dmarc_row_failed").kv("qid", id).kv("error", st.error().message);
        }
    };
    co_await deps_.blocking.run(job);
    if (stored && !queued) stored = queued.failure();
    if (!seal_domain.empty()) {
        if (arc_fields)
            log::info("smtp.arc_sealed")
                .kv("sid", conn_.session_id)
                .kv("qid", id)
                .kv("domain", seal_domain);
        else
            log::info("smtp.arc_not_sealed")
                .kv("sid", conn_.session_id)
                .kv("qid", id)
                .kv("domain", seal_domain)
                .kv("reason", arc_fields.error().message);
    }
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
        .kv("copies", stored->size())
        .kv("queued", *queued);
    reply(250, "2.0.0", "Ok: queued as " + id);
}

}  // namespace tern::smtp
