// MAIL and RCPT (RFC 5321 4.1.1.2, 4.1.1.3): the envelope, with the policy of
// the listener: submission needs AUTH and an owned sender; port 25 accepts
// only local recipients (never an open relay), and refuses a sender whose
// domain a domain blocklist lists (RFC 5782 3).
#include "base/log.hpp"
#include "base/strings.hpp"
#include "smtp/proto/reply.hpp"
#include "smtp/server/session.hpp"

namespace tern::smtp {

net::Task<bool> Session::sender_allowed(const Path& from) {
    // A submitting user may send as its own address or as any alias that
    // delivers to it (issue 3: "an address the authenticated user owns").
    if (from.null) co_return false;
    std::string address = from.mailbox.to_string();
    if (iequals(address, user_->address)) co_return true;
    bool owned = false;
    std::function<void()> job = [&] {
        // Alias sources compare case-insensitively in the store.
        auto alias = deps_.store.find_alias(address);
        if (!alias) return;
        for (const auto& t : alias->targets)
            if (iequals(t, user_->address)) owned = true;
    };
    co_await deps_.blocking.run(job);
    co_return owned;
}

net::Task<bool> Session::sender_domain_listed(const Path& from) {
    const auto& cfg = *config_;
    // Only strangers on port 25: a submitting user is known, and the null
    // reverse-path (bounces, RFC 5321 4.5.5) names no domain to judge.
    if (options_.submission || user_ || from.null || cfg.mailauth.dnsbl_domain_zones.empty())
        co_return false;
    auto zones = parse_zones(cfg.mailauth.dnsbl_domain_zones);
    if (!zones) {
        log::warn("smtp.dnsbl_config")
            .kv("sid", conn_.session_id)
            .kv("error", zones.error().message);
        co_return false;
    }
    net::Task<DomainCheck> op = check_sender_domain(from.mailbox.domain, std::move(*zones),
                                                    deps_.psl, domain_lists_, deps_.resolver);
    DomainCheck check = co_await std::move(op);
    for (const auto& [name, z] : check.results) {
        // Fail open, as for the IP lists: a list's outage must not stop mail.
        if (z.listing == Listing::error)
            log::warn("smtp.dnsbl_error")
                .kv("sid", conn_.session_id)
                .kv("zone", z.zone)
                .kv("domain", name)
                .kv("answer", z.detail);
    }
    if (!check.listed_by) co_return false;
    log::info("smtp.sender_blocked")
        .kv("sid", conn_.session_id)
        .kv("ip", conn_.remote_ip)
        .kv("from", from.mailbox.to_string())
        .kv("domain", *check.listed_domain)
        .kv("dnsbl", *check.listed_by)
        .kv("dnsbl_answer", check.listed_detail);
    // RFC 3463 5.7.1: delivery not authorized, message refused; 554 as for
    // a listed client (RFC 5321 4.2.2 allows 554 at MAIL). The listed name
    // and the list are named so the sender can find out why.
    error(
        554, "5.7.1",
        "Sender address rejected: " + *check.listed_domain + " blocked using " + *check.listed_by);
    co_return true;
}

net::Task<void> Session::cmd_mail(const Command& c) {
    const auto& cfg = *config_;
    if (options_.submission && !user_) {
        error(530, "5.7.0", "Authentication required");  // RFC 4954 6
        co_return;
    }
    if (envelope_) {
        error(503, "5.5.1", "Error: nested MAIL command");
        co_return;
    }
    const MailParams& p = c.mail;
    if (!esmtp_ && !c.params.empty()) {
        // RFC 5321 4.1.1.11: parameters only after EHLO.
        error(555, "5.5.4", "Error: parameters not allowed after HELO");
        co_return;
    }
    if (p.size && *p.size > cfg.smtp.max_message_size) {
        error(552, "5.3.4",
              "Error: message size exceeds fixed maximum message size");  // RFC 1870 6
        co_return;
    }
    if (!c.path->is_ascii() && !p.smtputf8) {
        // RFC 6531 3.4: non-ASCII addresses only in an SMTPUTF8 transaction.
        error(553, "5.6.7", "Error: non-ASCII address requires SMTPUTF8");
        co_return;
    }
    if (options_.submission && !co_await sender_allowed(*c.path)) {
        error(553, "5.7.1",
              "Error: sender address <" + c.path->mailbox.to_string() + "> is not owned by user " +
                  user_->address);
        co_return;
    }
    if (options_.submission &&
        !deps_.send_rate.try_take(user_->id, cfg.smtp.submission_rate_per_hour)) {
        log::warn("smtp.rate_limited").kv("sid", conn_.session_id).kv("user", user_->address);
        reply(451, "4.7.1",
              "Error: sending rate limit exceeded for " + user_->address + ", try again later");
        co_return;
    }
    if (co_await sender_domain_listed(*c.path)) co_return;
    envelope_.emplace();
    envelope_->from = *c.path;
    envelope_->params = p;
    reply(250, "2.1.0", "Ok");
}

net::Task<void> Session::cmd_rcpt(const Command& c) {
    const auto& cfg = *config_;
    if (!envelope_) {
        error(503, "5.5.1", "Error: need MAIL command");
        co_return;
    }
    if (envelope_->recipients.size() >= cfg.smtp.max_recipients) {
        // RFC 5321 4.5.3.1.10: 452 lets the client send the rest later.
        reply(452, "4.5.3", "Error: too many recipients");
        co_return;
    }
    if (!esmtp_ && !c.params.empty()) {
        error(555, "5.5.4", "Error: parameters not allowed after HELO");
        co_return;
    }
    const Path& to = *c.path;
    if (!to.is_ascii() && !envelope_->params.smtputf8) {
        error(553, "5.6.7", "Error: non-ASCII address requires SMTPUTF8");
        co_return;
    }
    std::string address =
        to.postmaster ? "postmaster@" + cfg.server.hostname : to.mailbox.to_string();
    Result<delivery::Resolution> res = fail(Errc::internal, "not run");
    std::function<void()> job = [&] {
        res = router_.resolve(address);
        if (!to.postmaster || (res && res->kind == delivery::Resolution::Kind::local)) return;
        // RFC 5321 4.5.1: <Postmaster> must be accepted. When the host name
        // is not a local domain with a postmaster, the first local domain
        // that has one receives it.
        auto domains = deps_.store.list_domains();
        if (!domains) return;
        for (const auto& d : *domains) {
            auto alt = router_.resolve("postmaster@" + d);
            if (alt && alt->kind == delivery::Resolution::Kind::local) {
                address = "postmaster@" + d;
                res = std::move(alt);
                return;
            }
        }
    };
    co_await deps_.blocking.run(job);
    if (!res) {
        if (res.error().code == Errc::invalid) {
            error(553, "5.1.3", "Error: bad recipient address syntax");
        } else {
            log::error("smtp.rcpt_lookup_failed")
                .kv("sid", conn_.session_id)
                .kv("error", res.error().message);
            reply(451, "4.3.0", "Error: temporary failure, try again later");
        }
        co_return;
    }
    using Kind = delivery::Resolution::Kind;
    if (res->kind == Kind::remote) {
        if (!options_.submission || !user_) {
            log::info("smtp.relay_denied")
                .kv("sid", conn_.session_id)
                .kv("ip", conn_.remote_ip)
                .kv("rcpt", address);
            error(554, "5.7.1", "<" + address + ">: Relay access denied");
            co_return;
        }
        // Relay for an authenticated user: the message goes to the
        // outbound queue at the end of DATA.
    }
    if (res->kind == Kind::unknown || (res->local.empty() && res->disabled)) {
        // RFC 5321 3.6.3 / issue 3: refuse now rather than bounce later.
        error(550, res->disabled ? "5.2.1" : "5.1.1",
              "<" + address + ">: Recipient address rejected: " +
                  (res->disabled ? "mailbox disabled" : "User unknown"));
        co_return;
    }
    bool room = false;
    for (const auto& t : res->local)
        if (t.quota_bytes == 0 || t.used_bytes < t.quota_bytes) room = true;
    if (!room && !res->local.empty()) {
        reply(452, "4.2.2", "<" + address + ">: Mailbox full");  // RFC 3463 4.2.2
        co_return;
    }
    Recipient r;
    r.path = to;
    r.params = c.rcpt;
    r.local = std::move(res->local);
    r.remote = std::move(res->remote);
    envelope_->recipients.push_back(std::move(r));
    reply(250, "2.1.5", "Ok");
}

}  // namespace tern::smtp
