#include "smtp/server/session.hpp"

#include "base/log.hpp"
#include "net/timer.hpp"
#include "smtp/proto/reply.hpp"
#include "smtp/server/dnsbl.hpp"

namespace tern::smtp {
namespace {
// After this many errors each reply waits a little longer (tarpit), so a
// client probing addresses or commands slows down.
constexpr unsigned kTarpitAfter = 3;
constexpr auto kTarpitStep = std::chrono::milliseconds(500);
constexpr auto kTarpitMax = std::chrono::milliseconds(5000);

// Port 25, before the greeting: the DNS blocklists of mailauth.dnsbl_zones
// and, when mailauth.iprev is on, forward-confirmed reverse DNS (dnsbl.hpp),
// asked together; one smtp.client log line. Without blocklists there is no
// DNS before the greeting: a slow resolver must not hold every greeting
// back, so iprev is then asked at the first end of DATA (cmd_data.cpp).
net::Task<ClientCheck> screen_client(const net::Connection& conn, const config::Config& c,
                                     dns::Resolver& resolver) {
    auto zones = parse_zones(c.mailauth.dnsbl_zones);
    if (!zones) {
        log::warn("smtp.dnsbl_config")
            .kv("sid", conn.session_id)
            .kv("error", zones.error().message);
        zones = std::vector<std::string>();
    }
    auto ip = dns::IpAddress::parse(conn.remote_ip);
    if (zones->empty() || !ip) co_return ClientCheck{};
    net::Task<ClientCheck> op = check_client(*ip, std::move(*zones), c.mailauth.iprev, resolver);
    ClientCheck check = co_await std::move(op);
    for (const ZoneResult& z : check.zones) {
        // Fail open (a list's outage must not stop mail), but say so.
        if (z.listing == Listing::error)
            log::warn("smtp.dnsbl_error")
                .kv("sid", conn.session_id)
                .kv("zone", z.zone)
                .kv("answer", z.detail);
    }
    std::string listed_codes;
    for (const ZoneResult& z : check.zones)
        if (check.listed_by && z.zone == *check.listed_by) listed_codes = z.detail;
    auto line = log::info("smtp.client");
    line.kv("sid", conn.session_id).kv("ip", conn.remote_ip);
    if (check.reverse_checked)
        line.kv("fcrdns", to_string(check.fcrdns)).kv("ptr", check.fcrdns_name);
    line.kv("dnsbl", check.listed_by ? *check.listed_by : std::string("none"))
        .kv("dnsbl_answer", listed_codes);
    co_return check;
}
}  // namespace

// The command table (STYLE.md 4): verb, handler, and whether EHLO/HELO must
// come first (RFC 5321 4.1.4: MAIL before EHLO is a sequence error).
const Session::CommandSpec* Session::find_command(Verb verb) {
    static const CommandSpec table[] = {
        {Verb::ehlo, &Session::cmd_ehlo, false},        {Verb::helo, &Session::cmd_helo, false},
        {Verb::starttls, &Session::cmd_starttls, true}, {Verb::auth, &Session::cmd_auth, true},
        {Verb::mail, &Session::cmd_mail, true},         {Verb::rcpt, &Session::cmd_rcpt, true},
        {Verb::data, &Session::cmd_data, true},         {Verb::bdat, &Session::cmd_bdat, true},
        {Verb::rset, &Session::cmd_rset, false},        {Verb::noop, &Session::cmd_noop, false},
        {Verb::quit, &Session::cmd_quit, false},        {Verb::help, &Session::cmd_help, false},
        {Verb::vrfy, &Session::cmd_vrfy, false},        {Verb::expn, &Session::cmd_expn, false},
    };
    for (const auto& spec : table)
        if (spec.verb == verb) return &spec;
    return nullptr;
}

Session::Session(net::Connection& connection, SessionDeps deps, ListenerOptions options)
    : conn_(connection),
      deps_(deps),
      options_(options),
      config_(deps.config.get()),
      router_(deps.store),
      reader_(connection.stream) {}

void Session::reply(int code, std::string_view enhanced, std::string_view text) {
    out_ += smtp::reply(code, enhanced, text);
}

void Session::error(int code, std::string_view enhanced, std::string_view text) {
    ++errors_;
    reply(code, enhanced, text);
}

net::Task<bool> Session::flush() {
    if (out_.empty()) co_return true;
    if (errors_ >= kTarpitAfter) {
        auto delay = std::min(kTarpitMax, kTarpitStep * (errors_ - kTarpitAfter + 1));
        co_await net::sleep_for(delay);
    }
    std::string data = std::move(out_);
    out_.clear();
    co_return co_await conn_.stream.write_all(data) == net::IoStatus::ok;
}

void Session::reset_transaction() {
    envelope_.reset();
    bdat_active_ = false;
    bdat_failed_ = false;
    bdat_body_.clear();
}

std::string Session::with_keyword() const {
    // RFC 3848 2: ESMTP + S (TLS) + A (authenticated); RFC 6531 4.3 UTF8 forms.
    std::string w = esmtp_ ? "ESMTP" : "SMTP";
    if (esmtp_ && conn_.stream.tls_active()) w += "S";
    if (esmtp_ && user_) w += "A";
    if (esmtp_ && envelope_ && envelope_->params.smtputf8) w = "UTF8" + w;
    return w;
}

net::Task<bool> Session::greet() {
    const auto& c = *config_;
    // Early talkers (port 25): a real MTA waits for the greeting (RFC 5321
    // 3.1); bulk senders often do not. Wait a moment and listen first.
    if (!options_.submission && !conn_.implicit_tls && c.smtp.greeting_delay_ms > 0) {
        conn_.stream.set_timeout(std::chrono::milliseconds(c.smtp.greeting_delay_ms));
        net::Line early = co_await reader_.read_line(c.smtp.max_line_length);
        conn_.stream.set_timeout(std::chrono::seconds(c.smtp.idle_timeout_seconds));
        if (early.status == net::IoStatus::ok) {
            log::warn("smtp.early_talker").kv("sid", conn_.session_id).kv("ip", conn_.remote_ip);
            reply(554, "5.5.0", c.server.hostname + " Error: talked before the greeting");
            co_await flush();
            co_return false;
        }
        if (early.status != net::IoStatus::timeout) co_return false;
    }
    if (!options_.submission) {
        net::Task<ClientCheck> screen = screen_client(conn_, c, deps_.resolver);
        ClientCheck check = co_await std::move(screen);
        keep_reverse_dns(check);
        if (const std::optional<std::string>& listed_by = check.listed_by) {
            // RFC 5321 3.1: 554 instead of 220; the server then MUST wait for
            // QUIT and SHOULD answer anything else with 503. Waiting (rather
            // than closing) keeps well-behaved clients from retrying at once
            // as they would after a dropped connection; the idle timeout and
            // max_errors still bound the session.
            reply(554, "5.7.1",
                  "Service unavailable; client [" + conn_.remote_ip + "] blocked using " +
                      *listed_by);
            while (!quit_ && errors_ < c.smtp.max_errors && co_await flush()) {
                net::Line line = co_await reader_.read_line(c.smtp.max_line_length, true);
                if (line.status != net::IoStatus::ok) break;
                auto cmd = parse_command(line.too_long ? "" : line.text());
                if (cmd && cmd->verb == Verb::quit)
                    co_await cmd_quit(*cmd);
                else
                    error(503, "5.5.1", "Error: service unavailable; only QUIT is accepted");
            }
            if (!quit_ && errors_ >= c.smtp.max_errors)
                reply(421, "4.7.0", c.server.hostname + " Error: too many errors");
            co_await flush();
            log::info("smtp.disconnect")
                .kv("sid", conn_.session_id)
                .kv("reason", "dnsbl")
                .kv("messages", messages_);
            co_return false;
        }
    }
    reply(220, "", c.server.hostname + " ESMTP Tern");
    co_return co_await flush();
}

void Session::keep_reverse_dns(const ClientCheck& check) {
    if (!check.reverse_checked) return;
    fcrdns_asked_ = true;
    fcrdns_ = check.fcrdns;
    fcrdns_name_ = check.fcrdns_name;
}

net::Task<void> Session::ask_reverse_dns() {
    if (!config_->mailauth.iprev || fcrdns_asked_) co_return;
    fcrdns_asked_ = true;  // once per session, answered or not
    auto ip = dns::IpAddress::parse(conn_.remote_ip);
    if (!ip) co_return;
    net::Task<ClientCheck> reverse = check_client(*ip, {}, true, deps_.resolver);
    ClientCheck check = co_await std::move(reverse);
    keep_reverse_dns(check);
    if (check.reverse_checked)
        log::info("smtp.client")
            .kv("sid", conn_.session_id)
            .kv("ip", conn_.remote_ip)
            .kv("fcrdns", to_string(check.fcrdns))
            .kv("ptr", check.fcrdns_name);
}

net::Task<void> Session::run() {
    const auto& c = *config_;
    log::info("smtp.connect")
        .kv("sid", conn_.session_id)
        .kv("ip", conn_.remote_ip)
        .kv("listener", conn_.listener)
        .kv("tls", conn_.stream.tls_active());
    if (!co_await greet()) co_return;

    while (!quit_) {
        if (!reader_.has_line() && !co_await flush()) co_return;
        net::Line line = co_await reader_.read_line(c.smtp.max_line_length, true);
        if (line.status != net::IoStatus::ok) {
            if (line.status == net::IoStatus::timeout) {
                reply(421, "4.4.2", c.server.hostname + " Error: timeout exceeded");
            } else if (line.status == net::IoStatus::shutdown) {
                reply(421, "4.3.2", c.server.hostname + " Service shutting down, try again later");
            }
            co_await flush();
            log::info("smtp.disconnect")
                .kv("sid", conn_.session_id)
                .kv("reason", net::to_string(line.status))
                .kv("messages", messages_);
            co_return;
        }
        if (line.too_long) {
            // RFC 5321 4.5.3.1.4: command line too long.
            error(500, "5.5.2", "Error: line too long");
        } else {
            ParseOptions po;
            // RFC 6531 3.4: UTF-8 recipients only in a transaction whose MAIL
            // carried SMTPUTF8 (MAIL itself is checked on its own line).
            po.smtputf8_allowed_in_addresses = !envelope_ || envelope_->params.smtputf8;
            auto cmd = parse_command(line.text(), po);
            if (!cmd) {
                SyntaxError e = to_syntax_error(cmd.error());
                error(e.code, e.enhanced, e.text);
            } else if (const CommandSpec* spec = find_command(cmd->verb); !spec) {
                error(500, "5.5.2", "Error: command not recognized");
            } else if (spec->needs_helo && helo_.empty()) {
                error(503, "5.5.1", "Error: send HELO/EHLO first");
            } else {
                co_await (this->*(spec->handler))(*cmd);
            }
        }
        if (errors_ >= c.smtp.max_errors) {
            reply(421, "4.7.0", c.server.hostname + " Error: too many errors");
            co_await flush();
            log::warn("smtp.too_many_errors").kv("sid", conn_.session_id).kv("ip", conn_.remote_ip);
            co_return;
        }
    }
    co_await flush();
    log::info("smtp.disconnect")
        .kv("sid", conn_.session_id)
        .kv("reason", "quit")
        .kv("messages", messages_);
}

net::Task<void> run_session(net::Connection& connection, SessionDeps deps,
                            ListenerOptions options) {
    Session session(connection, deps, options);
    co_await session.run();
}

std::string refusal_reply(net::Refusal refusal) {
    // RFC 5321 3.1: 421 instead of the greeting when service is not available.
    return reply(421, "4.7.0",
                 refusal == net::Refusal::too_many_from_ip
                     ? "Error: too many connections from your address, try again later"
                     : "Error: too many connections, try again later");
}

}  // namespace tern::smtp
