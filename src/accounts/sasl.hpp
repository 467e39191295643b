// SASL server mechanisms as a pure state machine shared by SMTP AUTH
// (RFC 4954), IMAP AUTHENTICATE (RFC 9051 6.2.2) and POP3 AUTH (RFC 5034).
//
// No I/O and no store: the protocol decodes the client's base64 (including
// RFC 4954 4's "=" for an empty initial response and "*" for cancel),
// feeds raw bytes in, base64-encodes the challenges it gets back, and hands
// the credentials of a `done` step to accounts::Authenticator.
//
// Mechanisms:
// - PLAIN (RFC 4616): one message "[authzid] NUL authcid NUL passwd".
// - LOGIN (draft-murchison-sasl-login-00): challenges "Username:" then
//   "Password:"; an initial response, if any, is the username.
//
// Usage:
//   auto ex = SaslExchange::start("PLAIN", initial_response);  // Errc::invalid if unknown
//   SaslStep s = ex->begin();
//   while (s.kind == SaslStep::Kind::challenge) s = ex->step(decoded_client_line);
//
// A `failed` step carries a short, client-safe reason in `error`. After
// `done` or `failed` every further step fails. The authzid is reported as
// sent (empty if absent): callers must refuse one that differs from the
// authcid unless they implement proxy authorization.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace tern::accounts {

struct SaslStep {
    // A scoped enum: the member `challenge` below would clash with a plain one.
    enum class Kind { challenge, done, failed };
    Kind kind = Kind::failed;
    std::string challenge;  // raw bytes; the protocol base64-encodes them
    std::string authzid;
    std::string authcid;
    std::string password;
    std::string error;
};

class SaslExchange {
  public:
    // mechanism compares case-insensitively (RFC 4422 3.1 names are
    // upper-case; clients differ). initial_response is already decoded.
    static Result<SaslExchange> start(std::string_view mechanism,
                                      std::optional<std::string> initial_response);

    // The first step: a challenge, or the outcome when the initial response
    // completes the exchange. Call once, before step().
    SaslStep begin();
    // One client response (decoded).
    SaslStep step(std::string_view client_data);

    const std::string& mechanism() const { return mechanism_; }

  private:
    enum class State { plain_wait, login_user, login_password, finished };
    SaslExchange(std::string mechanism, State state, std::optional<std::string> initial)
        : mechanism_(std::move(mechanism)), state_(state), initial_(std::move(initial)) {}

    SaslStep plain(std::string_view message);
    SaslStep fail_step(std::string error);

    std::string mechanism_;
    State state_;
    std::optional<std::string> initial_;
    bool begun_ = false;
    std::string username_;  // LOGIN, between the two challenges
};

// The mechanisms start() accepts, in the order servers should advertise them.
const std::vector<std::string>& sasl_mechanisms();

}  // namespace tern::accounts
