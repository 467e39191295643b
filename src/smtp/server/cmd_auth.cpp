// STARTTLS (RFC 3207) and AUTH (RFC 4954) with the SASL mechanisms of
// accounts/sasl.hpp.
#include "accounts/sasl.hpp"
#include "base/log.hpp"
#include "base/strings.hpp"
#include "smtp/proto/reply.hpp"
#include "smtp/server/session.hpp"

namespace tern::smtp {

net::Task<void> Session::cmd_starttls(const Command&) {
    if (!options_.starttls_offered || conn_.stream.tls_active() || !conn_.stream.tls_available()) {
        error(503, "5.5.1", "Error: STARTTLS not available");
        co_return;
    }
    reply(220, "2.0.0", "Ready to start TLS");
    if (!co_await flush()) {
        quit_ = true;
        co_return;
    }
    // RFC 3207 4.2 / CVE-2011-0411: anything the client pipelined after
    // STARTTLS arrived in plaintext and must not be read as if it came
    // through TLS.
    reader_.discard_buffered();
    if (!co_await conn_.stream.start_tls()) {
        log::warn("smtp.tls_failed").kv("sid", conn_.session_id).kv("ip", conn_.remote_ip);
        quit_ = true;
        co_return;
    }
    auto info = conn_.stream.tls_info();
    log::info("smtp.tls")
        .kv("sid", conn_.session_id)
        .kv("version", info ? info->version : "")
        .kv("cipher", info ? info->cipher : "");
    // RFC 3207 4.2: the server forgets everything learned before TLS.
    helo_.clear();
    esmtp_ = false;
    reset_transaction();
}

net::Task<void> Session::cmd_auth(const Command& c) {
    const auto& cfg = *config_;
    if (!options_.submission) {
        error(503, "5.5.1", "Error: authentication not enabled");
        co_return;
    }
    if (!conn_.stream.tls_active() && !cfg.auth.allow_plaintext_without_tls) {
        error(530, "5.7.0", "Must issue a STARTTLS command first");  // RFC 3207 4
        co_return;
    }
    if (user_) {
        error(503, "5.5.1", "Error: already authenticated");  // RFC 4954 4
        co_return;
    }
    if (envelope_) {
        error(503, "5.5.1", "Error: AUTH not allowed during a mail transaction");
        co_return;
    }
    std::optional<std::string> initial;
    if (c.auth_initial_response) {
        // RFC 4954 4: "=" is an empty initial response.
        std::string decoded;
        if (*c.auth_initial_response != "=" && !base64_decode(*c.auth_initial_response, decoded)) {
            error(501, "5.5.2", "Error: invalid base64 data");
            co_return;
        }
        initial = decoded;
    }
    auto exchange = accounts::SaslExchange::start(c.auth_mechanism, initial);
    if (!exchange) {
        error(504, "5.5.4", "Error: unrecognized authentication mechanism");
        co_return;
    }
    accounts::SaslStep step = exchange->begin();
    while (step.kind == accounts::SaslStep::Kind::challenge) {
        reply_raw("334 " + base64_encode(step.challenge) + "\r\n");
        if (!co_await flush()) {
            quit_ = true;
            co_return;
        }
        // RFC 4954 4: responses may be longer than command lines.
        net::Line line = co_await reader_.read_line(12288);
        if (line.status != net::IoStatus::ok) {
            quit_ = true;
            co_return;
        }
        if (line.too_long) {
            error(500, "5.5.6", "Error: authentication exchange line is too long");
            co_return;
        }
        if (line.text() == "*") {
            error(501, "5.0.0", "Authentication cancelled");  // RFC 4954 4
            co_return;
        }
        std::string decoded;
        if (!base64_decode(line.text(), decoded)) {
            error(501, "5.5.2", "Error: invalid base64 data");
            co_return;
        }
        step = exchange->step(decoded);
    }
    if (step.kind == accounts::SaslStep::Kind::failed) {
        error(501, "5.5.2", "Error: " + step.error);
        co_return;
    }
    if (!step.authzid.empty() && !iequals(step.authzid, step.authcid)) {
        // Logging in as someone else (proxy authorization) is not supported.
        error(535, "5.7.8", "Error: authentication failed");
        co_return;
    }
    accounts::AuthResult result;
    std::function<void()> job = [&] {
        result = deps_.auth.authenticate(step.authcid, step.password, conn_.remote_ip, "smtp");
    };
    co_await deps_.blocking.run(job);
    switch (result.outcome) {
        case accounts::AuthResult::ok:
            user_ = result.account;
            reply(235, "2.7.0", "Authentication successful");
            log::info("smtp.auth")
                .kv("sid", conn_.session_id)
                .kv("user", result.account.address)
                .kv("mechanism", exchange->mechanism());
            break;
        case accounts::AuthResult::throttled:
            error(454, "4.7.0",
                  "Error: too many failed logins, try again in " +
                      std::to_string(result.retry_after.count()) + " seconds");
            break;
        case accounts::AuthResult::temporary_failure:
            reply(454, "4.7.0", "Temporary authentication failure");
            break;
        case accounts::AuthResult::disabled:
        case accounts::AuthResult::bad_credentials:
            error(535, "5.7.8", "Error: authentication failed");
            break;
    }
}

}  // namespace tern::smtp
