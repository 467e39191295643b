#include "pop3/server/session.hpp"

#include "base/log.hpp"
#include "pop3/proto/reply.hpp"

namespace tern::pop3 {
namespace {
// Bad commands a session may send before it is closed: a real client makes
// few mistakes; a scanner or a confused peer is cut off.
constexpr unsigned kMaxErrors = 20;
}  // namespace

// The command table (STYLE.md 4): verb, handler, the states that allow it
// (RFC 1939 4-6; CAPA in both, RFC 2449 5; STLS and AUTH before login,
// RFC 2595 4, RFC 5034 4).
const Session::CommandSpec* Session::find_command(Verb verb) {
    static const CommandSpec table[] = {
        {Verb::capa, &Session::cmd_capa, true, true},
        {Verb::stls, &Session::cmd_stls, true, false},
        {Verb::user, &Session::cmd_user, true, false},
        {Verb::pass, &Session::cmd_pass, true, false},
        {Verb::apop, &Session::cmd_apop, true, false},
        {Verb::auth, &Session::cmd_auth, true, false},
        {Verb::quit, &Session::cmd_quit, true, true},
        {Verb::stat, &Session::cmd_stat, false, true},
        {Verb::list, &Session::cmd_list, false, true},
        {Verb::uidl, &Session::cmd_uidl, false, true},
        {Verb::retr, &Session::cmd_retr, false, true},
        {Verb::top, &Session::cmd_top, false, true},
        {Verb::dele, &Session::cmd_dele, false, true},
        {Verb::rset, &Session::cmd_rset, false, true},
        {Verb::noop, &Session::cmd_noop, false, true},
    };
    for (const auto& spec : table)
        if (spec.verb == verb) return &spec;
    return nullptr;
}

Session::Session(net::Connection& connection, Pop3Deps deps, Pop3ListenerOptions options)
    : conn_(connection),
      deps_(deps),
      options_(options),
      config_(deps.config.get()),
      reader_(connection.stream) {}

net::Task<bool> Session::flush() {
    if (out_.empty()) co_return true;
    // out_ stays alive and untouched while the write is under way (one
    // coroutine per session), and keeps its capacity for the next reply.
    const net::IoStatus st = co_await conn_.stream.write_all(out_);
    octets_sent_ += out_.size();
    out_.clear();
    co_return st == net::IoStatus::ok;
}

bool Session::plaintext_login_allowed() const {
    return conn_.stream.tls_active() || config_->auth.allow_plaintext_without_tls;
}

net::Task<void> Session::end(std::string_view reason) {
    log::info("pop3.disconnect")
        .kv("sid", conn_.session_id)
        .kv("reason", reason)
        .kv("user", account_ ? account_->address : "")
        .kv("retrieved", retrieved_)
        .kv("octets", octets_sent_);
    co_return;
}

net::Task<void> Session::run() {
    const auto& c = *config_;
    conn_.stream.set_timeout(std::chrono::seconds(c.pop3.idle_timeout_seconds));
    log::info("pop3.connect")
        .kv("sid", conn_.session_id)
        .kv("ip", conn_.remote_ip)
        .kv("listener", conn_.listener)
        .kv("tls", conn_.stream.tls_active());
    // RFC 1939 4: the greeting. No timestamp: APOP is not offered.
    reply(ok("Tern POP3 server ready"));

    while (!quit_) {
        if (!reader_.has_line() && !co_await flush()) co_return co_await end("write_error");
        net::Line line = co_await reader_.read_line(c.pop3.max_line_length, true);
        if (line.status != net::IoStatus::ok) {
            // RFC 1939 3: after the autologout timer the server closes
            // without entering UPDATE; so does every other unexpected end.
            if (line.status == net::IoStatus::shutdown) {
                reply(err(RespCode::sys_temp, "server shutting down"));
                co_await flush();
            }
            co_return co_await end(net::to_string(line.status));
        }
        if (line.too_long) {
            error(err("line too long"));  // RFC 2449 4: 255 octets with CRLF
        } else if (auto cmd = parse_command(line.text()); !cmd) {
            error(err(cmd.error().message));
        } else {
            const CommandSpec* spec = find_command(cmd->verb);
            const bool allowed = spec && (state_ == State::authorization ? spec->in_authorization
                                                                         : spec->in_transaction);
            if (!allowed) {
                error(err("command not valid in this state"));
            } else {
                co_await (this->*(spec->handler))(*cmd);
            }
        }
        if (errors_ >= kMaxErrors) {
            reply(err("too many errors"));
            co_await flush();
            log::warn("pop3.too_many_errors").kv("sid", conn_.session_id).kv("ip", conn_.remote_ip);
            co_return co_await end("errors");
        }
    }
    co_await flush();
    co_await end("quit");
}

net::Task<void> run_session(net::Connection& connection, Pop3Deps deps,
                            Pop3ListenerOptions options) {
    Session session(connection, deps, options);
    co_await session.run();
}

std::string refusal_reply(net::Refusal refusal) {
    return err(RespCode::sys_temp, refusal == net::Refusal::too_many_from_ip
                                       ? "too many connections from your address, try again later"
                                       : "too many connections, try again later");
}

}  // namespace tern::pop3
