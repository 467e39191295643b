// The AUTHORIZATION state: CAPA (RFC 2449 5), STLS (RFC 2595 4), USER/PASS
// (RFC 1939 7), AUTH (RFC 5034) with the SASL mechanisms of
// accounts/sasl.hpp, and the login that locks and opens the maildrop.
#include "accounts/sasl.hpp"
#include "base/log.hpp"
#include "base/strings.hpp"
#include "pop3/proto/reply.hpp"
#include "pop3/server/session.hpp"

namespace tern::pop3 {
namespace {
const char kTlsRequired[] = "TLS required (use STLS)";
}  // namespace

net::Task<void> Session::cmd_capa(const Command&) {
    // RFC 2449 5: one capability per line, a multi-line response.
    std::string r = ok("Capability list follows");
    r += "TOP\r\nUIDL\r\n";
    if (state_ == State::authorization && plaintext_login_allowed()) {
        r += "USER\r\n";  // RFC 2449 6.8
        r += "SASL";      // RFC 5034 6
        for (const auto& m : accounts::sasl_mechanisms())
            r += " " + m;
        r += "\r\n";
    }
    r += "RESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n";
    // RFC 2449 6.7: "EXPIRE 0" says retrieved mail does not stay on the server.
    r += options_.delete_retrieved ? "EXPIRE 0\r\n" : "EXPIRE NEVER\r\n";
    r += "LOGIN-DELAY 0\r\nIMPLEMENTATION Tern\r\n";
    if (state_ == State::authorization && options_.stls_offered && conn_.stream.tls_available() &&
        !conn_.stream.tls_active())
        r += "STLS\r\n";
    r += ".\r\n";
    reply(r);
    co_return;
}

net::Task<void> Session::cmd_stls(const Command&) {
    if (!options_.stls_offered || conn_.stream.tls_active() || !conn_.stream.tls_available()) {
        error(err("STLS not available"));  // RFC 2595 4: -ERR if TLS is active already
        co_return;
    }
    reply(ok("Begin TLS negotiation"));
    if (!co_await flush()) {
        quit_ = true;
        co_return;
    }
    // RFC 2595 4 / CVE-2011-0411: commands pipelined after STLS arrived in
    // plaintext and must not be read as if they came through TLS.
    reader_.discard_buffered();
    if (!co_await conn_.stream.start_tls()) {
        log::warn("pop3.tls_failed").kv("sid", conn_.session_id).kv("ip", conn_.remote_ip);
        quit_ = true;
        co_return;
    }
    auto info = conn_.stream.tls_info();
    log::info("pop3.tls")
        .kv("sid", conn_.session_id)
        .kv("version", info ? info->version : "")
        .kv("cipher", info ? info->cipher : "");
    pending_user_.clear();  // forget anything said before TLS
}

net::Task<void> Session::cmd_user(const Command& c) {
    if (!plaintext_login_allowed()) {
        error(err(kTlsRequired));
        co_return;
    }
    // RFC 1939 7: +OK whatever the name, so USER does not tell which
    // accounts exist; PASS decides.
    pending_user_ = c.argument;
    reply(ok("send PASS"));
}

net::Task<void> Session::cmd_pass(const Command& c) {
    if (!plaintext_login_allowed()) {
        error(err(kTlsRequired));
        co_return;
    }
    if (pending_user_.empty()) {
        error(err("USER first"));  // RFC 1939 7: PASS only right after USER
        co_return;
    }
    std::string user = std::move(pending_user_);
    pending_user_.clear();
    co_await login(std::move(user), c.argument, "USER");
}

net::Task<void> Session::cmd_apop(const Command&) {
    // RFC 1939 7: APOP needs the password stored in clear; Tern stores hashes.
    error(err("APOP not supported"));
    co_return;
}

net::Task<void> Session::cmd_auth(const Command& c) {
    pending_user_.clear();
    if (!plaintext_login_allowed()) {
        error(err(kTlsRequired));
        co_return;
    }
    if (c.auth_mechanism.empty()) {
        // "AUTH" alone: the mechanism list (RFC 1734 clients ask this way).
        std::string r = ok("SASL mechanisms follow");
        for (const auto& m : accounts::sasl_mechanisms())
            r += m + "\r\n";
        reply(r + ".\r\n");
        co_return;
    }
    std::optional<std::string> initial;
    if (c.auth_initial_response) {
        // RFC 5034 4: "=" is an empty initial response.
        std::string decoded;
        if (*c.auth_initial_response != "=" && !base64_decode(*c.auth_initial_response, decoded)) {
            error(err("invalid base64 data"));
            co_return;
        }
        initial = decoded;
    }
    auto exchange = accounts::SaslExchange::start(c.auth_mechanism, initial);
    if (!exchange) {
        error(err("unrecognized authentication mechanism"));
        co_return;
    }
    accounts::SaslStep step = exchange->begin();
    while (step.kind == accounts::SaslStep::Kind::challenge) {
        reply(continuation(base64_encode(step.challenge)));
        if (!co_await flush()) {
            quit_ = true;
            co_return;
        }
        // RFC 5034 4: client responses are not bound by the command limit.
        net::Line line = co_await reader_.read_line(kMaxAuthLine);
        if (line.status != net::IoStatus::ok) {
            quit_ = true;
            co_return;
        }
        if (line.too_long) {
            error(err("authentication exchange line is too long"));
            co_return;
        }
        if (line.text() == "*") {
            error(err("authentication cancelled"));  // RFC 5034 4
            co_return;
        }
        std::string decoded;
        if (!base64_decode(line.text(), decoded)) {
            error(err("invalid base64 data"));
            co_return;
        }
        step = exchange->step(decoded);
    }
    if (step.kind == accounts::SaslStep::Kind::failed) {
        error(err(RespCode::auth, step.error));
        co_return;
    }
    if (!step.authzid.empty() && !iequals(step.authzid, step.authcid)) {
        // Logging in as someone else (proxy authorization) is not supported.
        error(err(RespCode::auth, "authentication failed"));
        co_return;
    }
    co_await login(std::move(step.authcid), std::move(step.password), exchange->mechanism());
}

net::Task<void> Session::login(std::string user, std::string password, std::string mechanism) {
    // One job for the three steps (issue 5: each store job is two thread
    // hops): verify (the credential cache makes this cheap for a client
    // that logs in often), lock (MaildropLocks is thread-safe), and load the
    // maildrop only when both succeed.
    accounts::AuthResult result;
    std::optional<MaildropLocks::Guard> guard;
    Result<Maildrop> drop = fail(Errc::internal, "not loaded");
    std::function<void()> job = [&] {
        result = deps_.auth.authenticate(user, password, conn_.remote_ip, "pop3");
        if (result.outcome != accounts::AuthResult::ok) return;
        // RFC 1939 8 / RFC 2449 8.1.1: one session per maildrop.
        if (auto locked = deps_.locks.try_lock(result.account.id))
            guard.emplace(std::move(*locked));
        if (guard) drop = Maildrop::load(deps_.store, result.account.id);
    };
    co_await deps_.blocking.run(job);
    switch (result.outcome) {
        case accounts::AuthResult::ok:
            break;
        case accounts::AuthResult::throttled:
            error(err(RespCode::sys_temp, "too many failed logins, try again in " +
                                              std::to_string(result.retry_after.count()) +
                                              " seconds"));
            co_return;
        case accounts::AuthResult::temporary_failure:
            reply(err(RespCode::sys_temp, "temporary authentication failure"));
            co_return;
        case accounts::AuthResult::disabled:
        case accounts::AuthResult::bad_credentials:
            // RFC 3206 4: [AUTH], the credentials are the problem.
            error(err(RespCode::auth, "authentication failed"));
            co_return;
    }
    if (!guard) {
        log::info("pop3.in_use").kv("sid", conn_.session_id).kv("user", result.account.address);
        reply(err(RespCode::in_use, "maildrop already locked"));
        co_return;
    }
    if (!drop) {
        log::error("pop3.maildrop_failed")
            .kv("sid", conn_.session_id)
            .kv("user", result.account.address)
            .kv("error", drop.error().message);
        reply(err(RespCode::sys_temp, "unable to open the maildrop"));
        co_return;
    }
    lock_.emplace(std::move(*guard));
    maildrop_.emplace(std::move(*drop));
    account_ = result.account;
    state_ = State::transaction;
    log::info("pop3.login")
        .kv("sid", conn_.session_id)
        .kv("user", account_->address)
        .kv("mechanism", mechanism)
        .kv("messages", maildrop_->size());
    reply(ok("maildrop has " + std::to_string(maildrop_->live_count()) + " messages (" +
             std::to_string(maildrop_->live_size()) + " octets)"));
}

}  // namespace tern::pop3
