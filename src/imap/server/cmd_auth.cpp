// Any-state and not-authenticated commands: CAPABILITY, NOOP, LOGOUT
// (RFC 9051 6.1), STARTTLS, AUTHENTICATE, LOGIN (RFC 9051 6.2, SASL-IR RFC
// 4959), ID (RFC 2971), ENABLE (RFC 5161), and the login that opens the
// authenticated state.
#include "accounts/sasl.hpp"
#include "base/log.hpp"
#include "base/strings.hpp"
#include "imap/server/session.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {
namespace {
const char kPrivacy[] = "PRIVACYREQUIRED";
}  // namespace

std::string Session::capabilities() const {
    // RFC 9051 7.2.2: a server that speaks both revisions lists both.
    std::string caps = "IMAP4rev1 IMAP4rev2";
    if (state_ == State::not_authenticated) {
        if (options_.starttls_offered && stream().tls_available() && !stream().tls_active())
            caps += " STARTTLS";
        if (plaintext_login_allowed()) {
            for (const auto& m : accounts::sasl_mechanisms())
                caps += " AUTH=" + m;
        } else {
            caps += " LOGINDISABLED";  // RFC 9051 6.2.3: LOGIN refused until TLS
        }
        caps += " SASL-IR";
    }
    caps +=
        " LITERAL+ ENABLE ID IDLE UIDPLUS MOVE UNSELECT CHILDREN NAMESPACE SPECIAL-USE "
        "LIST-EXTENDED LIST-STATUS STATUS=SIZE CONDSTORE QRESYNC ESEARCH SEARCHRES WITHIN "
        "QUOTA QUOTA=RES-STORAGE SORT SORT=DISPLAY ESORT THREAD=ORDEREDSUBJECT "
        "THREAD=REFERENCES UTF8=ACCEPT BINARY";
    // RFC 4978 3: COMPRESS is for authenticated sessions (a client learns of
    // it with the post-login CAPABILITY), and is gone once compression is on.
    if (state_ != State::not_authenticated && !deflate_) caps += " COMPRESS=DEFLATE";
    // RFC 7889 2: APPENDLIMIT=<n>, the same limit for every mailbox.
    caps += " APPENDLIMIT=" + std::to_string(append_limit());
    return caps;
}

net::Task<void> Session::cmd_capability(const Command& c) {
    reply(untagged("CAPABILITY " + capabilities()));
    ok(c, "CAPABILITY completed");
    co_return;
}

net::Task<void> Session::cmd_noop(const Command& c) {
    // RFC 9051 6.1.2: NOOP is the client's way to poll; the updates are
    // added by the loop before this reply.
    if (state_ == State::selected) changed_->store(true);
    ok(c, "NOOP completed");
    co_return;
}

net::Task<void> Session::cmd_logout(const Command& c) {
    // RFC 9051 6.1.3: BYE, then the tagged OK, then the server closes.
    reply(untagged_status(Condition::bye, "Tern logging out"));
    ok(c, "LOGOUT completed");
    state_ = State::logout;
    co_return;
}

net::Task<void> Session::cmd_starttls(const Command& c) {
    if (!options_.starttls_offered || stream().tls_active() || !stream().tls_available()) {
        bad(c, "STARTTLS not available");
        co_return;
    }
    ok(c, "Begin TLS negotiation now");
    if (!co_await flush()) {
        state_ = State::logout;
        co_return;
    }
    // RFC 9051 6.2.1 / CVE-2011-0411: anything pipelined after STARTTLS came
    // in plaintext and must not be read as if it came through TLS.
    reader_ = std::make_unique<CommandReader>(reader_limits(*config_));
    if (!co_await stream().start_tls()) {
        log::warn("imap.tls_failed").kv("sid", conn_.session_id).kv("ip", conn_.remote_ip);
        state_ = State::logout;
        co_return;
    }
    auto info = stream().tls_info();
    log::info("imap.tls")
        .kv("sid", conn_.session_id)
        .kv("version", info ? info->version : "")
        .kv("cipher", info ? info->cipher : "");
}

net::Task<void> Session::cmd_login(const Command& c) {
    if (!plaintext_login_allowed()) {
        // RFC 9051 6.2.3 / 7.1: LOGINDISABLED was advertised.
        no(c, "LOGIN is disabled before TLS (use STARTTLS)", ResponseCode{kPrivacy, ""});
        co_return;
    }
    const auto& args = std::get<LoginArgs>(c.args);
    co_await login(c, args.user, args.password, "LOGIN");
}

net::Task<void> Session::cmd_authenticate(const Command& c) {
    if (!plaintext_login_allowed()) {
        no(c, "authentication is disabled before TLS (use STARTTLS)", ResponseCode{kPrivacy, ""});
        co_return;
    }
    const auto& args = std::get<AuthenticateArgs>(c.args);
    std::optional<std::string> initial;
    if (args.initial_response) {
        // RFC 4959 3: "=" is an empty initial response.
        std::string decoded;
        if (*args.initial_response != "=" && !base64_decode(*args.initial_response, decoded)) {
            bad(c, "invalid base64 in the initial response");
            co_return;
        }
        initial = std::move(decoded);
    }
    auto exchange = accounts::SaslExchange::start(args.mechanism, initial);
    if (!exchange) {
        no(c, "unsupported authentication mechanism");
        co_return;
    }
    accounts::SaslStep step = exchange->begin();
    while (step.kind == accounts::SaslStep::Kind::challenge) {
        reply(continuation(base64_encode(step.challenge)));
        Item item = co_await next_item(false);
        const auto* ri = std::get_if<ReaderItem>(&item);
        const auto* raw = ri ? std::get_if<RawCommand>(ri) : nullptr;
        if (!ri) {
            state_ = State::logout;
            co_return;
        }
        if (!raw) {
            bad(c, "authentication response too long");
            co_return;
        }
        auto response = parse_sasl_response(raw->text);
        if (!response) {
            // RFC 9051 6.2.2: "*" cancels, answered with BAD.
            bad(c, response.error().code == Errc::denied ? "authentication cancelled"
                                                         : "invalid base64 response");
            co_return;
        }
        step = exchange->step(*response);
    }
    if (step.kind == accounts::SaslStep::Kind::failed) {
        no(c, step.error, ResponseCode{"AUTHENTICATIONFAILED", ""});
        co_return;
    }
    if (!step.authzid.empty() && !iequals(step.authzid, step.authcid)) {
        // Proxy authorization is not supported (RFC 9051 7.1 AUTHORIZATIONFAILED).
        no(c, "not authorized to act as another user", ResponseCode{"AUTHORIZATIONFAILED", ""});
        co_return;
    }
    co_await login(c, std::move(step.authcid), std::move(step.password), exchange->mechanism());
}

net::Task<void> Session::login(const Command& c, std::string user, std::string password,
                               std::string mechanism) {
    accounts::AuthResult result;
    std::function<void()> auth_job = [&] {
        result = deps_.auth.authenticate(user, password, conn_.remote_ip, "imap");
    };
    co_await run_job(auth_job);
    switch (result.outcome) {
        case accounts::AuthResult::ok:
            break;
        case accounts::AuthResult::throttled:
            ++errors_;
            no(c,
               "too many failed logins, try again in " +
                   std::to_string(result.retry_after.count()) + " seconds",
               ResponseCode{"UNAVAILABLE", ""});
            co_return;
        case accounts::AuthResult::temporary_failure:
            no(c, "temporary authentication failure", ResponseCode{"UNAVAILABLE", ""});
            co_return;
        case accounts::AuthResult::disabled:
        case accounts::AuthResult::bad_credentials:
            ++errors_;
            no(c, "authentication failed", ResponseCode{"AUTHENTICATIONFAILED", ""});
            co_return;
    }
    account_ = result.account;
    state_ = State::authenticated;
    errors_ = 0;
    subscribe_changes();
    log::info("imap.login")
        .kv("sid", conn_.session_id)
        .kv("user", account_->address)
        .kv("mechanism", mechanism);
    // RFC 9051 6.2.3: the capabilities may change after login; say them.
    ok(c, c.name == CommandName::login ? "LOGIN completed" : "AUTHENTICATE completed",
       ResponseCode{"CAPABILITY", capabilities()});
}

void Session::subscribe_changes() {
    // The store calls back on its own thread: only flip a flag the session
    // reads at the moments it may send updates (RFC 9051 5.2, 7.4.1), and
    // wake an IDLE on the changed mailbox (RFC 2177 3: updates as they come).
    // The waker is taken from the connection's stream: a DeflateStream put
    // on later wakes through the same one.
    idle_wake_->wake = conn_.stream.waker();
    std::shared_ptr<std::atomic<bool>> changed = changed_;
    std::shared_ptr<const IdleWake> wake = idle_wake_;
    std::function<void(const store::Change&)> on_change = [changed,
                                                           wake](const store::Change& change) {
        changed->store(true);
        // After the flag: an IDLE that starts now either sees the flag or
        // is woken (IdleWake::idling is set before the flag is looked at).
        if (wake->idling.load() && change.mailbox == wake->mailbox.load() && wake->wake)
            wake->wake();
    };
    subscription_ = deps_.store.subscribe(account_->id, std::move(on_change));
}

net::Task<void> Session::cmd_id(const Command& c) {
    // RFC 2971 3.2: the server answers with its own identification.
    reply(untagged("ID (\"name\" \"Tern\" \"vendor\" \"Tern\")"));
    ok(c, "ID completed");
    co_return;
}

net::Task<void> Session::cmd_enable(const Command& c) {
    const auto& args = std::get<EnableArgs>(c.args);
    // RFC 5161 3.1: ENABLED lists what this command enabled; unknown names
    // and extensions already on are left out.
    std::string line = "ENABLED";
    for (const auto& name : args.capabilities) {
        if (name == "CONDSTORE" && !condstore_) {
            condstore_ = true;
            line += " CONDSTORE";
        } else if (name == "QRESYNC" && !qresync_) {
            // RFC 7162 3.2.3: enabling QRESYNC enables CONDSTORE too.
            qresync_ = true;
            condstore_ = true;
            line += " QRESYNC";
        } else if (name == "IMAP4REV2" && !rev2_) {
            rev2_ = true;  // RFC 9051 6.3.1
            line += " IMAP4rev2";
        } else if (name == "UTF8=ACCEPT" && !utf8_accept_) {
            utf8_accept_ = true;  // RFC 6855 3
            line += " UTF8=ACCEPT";
        }
    }
    reply(untagged(line));
    ok(c, "ENABLE completed");
    co_return;
}

}  // namespace tern::imap
