// PLAIN and LOGIN server state machines.
#include "accounts/sasl.hpp"

#include <openssl/crypto.h>

#include "base/strings.hpp"

namespace tern::accounts {
namespace {

// RFC 4616 2: authzid, authcid and passwd are each at most 255 octets.
constexpr size_t kMaxFieldBytes = 255;

SaslStep challenge_step(std::string text) {
    SaslStep s;
    s.kind = SaslStep::Kind::challenge;
    s.challenge = std::move(text);
    return s;
}

}  // namespace

const std::vector<std::string>& sasl_mechanisms() {
    static const std::vector<std::string> names = {"PLAIN", "LOGIN"};
    return names;
}

Result<SaslExchange> SaslExchange::start(std::string_view mechanism,
                                         std::optional<std::string> initial_response) {
    if (iequals(mechanism, "PLAIN")) {
        return SaslExchange("PLAIN", State::plain_wait, std::move(initial_response));
    }
    if (iequals(mechanism, "LOGIN")) {
        return SaslExchange("LOGIN", State::login_user, std::move(initial_response));
    }
    return fail(Errc::invalid, "unsupported SASL mechanism");
}

SaslStep SaslExchange::fail_step(std::string error) {
    state_ = State::finished;
    OPENSSL_cleanse(username_.data(), username_.size());
    username_.clear();
    SaslStep s;
    s.kind = SaslStep::Kind::failed;
    s.error = std::move(error);
    return s;
}

SaslStep SaslExchange::begin() {
    if (begun_) return fail_step("exchange already started");
    begun_ = true;
    // Some LOGIN clients send an empty initial response ("=" in SMTP):
    // there is no user name in it yet, so ask as if none was sent.
    if (initial_ && initial_->empty() && state_ == State::login_user) initial_.reset();
    if (initial_) {
        std::string data = std::move(*initial_);
        initial_.reset();
        return step(data);
    }
    switch (state_) {
        // RFC 4616 2: the client sends its message first, so the server's
        // first challenge is empty.
        case State::plain_wait:
            return challenge_step("");
        // draft-murchison-sasl-login 2.1: the server asks for the user name.
        case State::login_user:
            return challenge_step("Username:");
        default:
            return fail_step("exchange already finished");
    }
}

SaslStep SaslExchange::step(std::string_view client_data) {
    begun_ = true;
    switch (state_) {
        case State::plain_wait:
            return plain(client_data);
        case State::login_user:
            if (client_data.empty()) return fail_step("empty user name");
            if (client_data.size() > kMaxFieldBytes) return fail_step("user name too long");
            if (client_data.find('\0') != std::string_view::npos) {
                return fail_step("NUL in user name");
            }
            username_ = std::string(client_data);
            state_ = State::login_password;
            return challenge_step("Password:");
        case State::login_password: {
            if (client_data.empty()) return fail_step("empty password");
            if (client_data.size() > kMaxFieldBytes) return fail_step("password too long");
            if (client_data.find('\0') != std::string_view::npos) {
                return fail_step("NUL in password");
            }
            SaslStep s;
            s.kind = SaslStep::Kind::done;
            s.authcid = std::move(username_);
            s.password = std::string(client_data);
            username_.clear();
            state_ = State::finished;
            return s;
        }
        case State::finished:
            break;
    }
    return fail_step("exchange already finished");
}

SaslStep SaslExchange::plain(std::string_view message) {
    // RFC 4616 2: message = [authzid] UTF8NUL authcid UTF8NUL passwd.
    // Exactly two NULs: fields cannot contain NUL themselves.
    size_t first = message.find('\0');
    if (first == std::string_view::npos) return fail_step("malformed PLAIN message");
    size_t second = message.find('\0', first + 1);
    if (second == std::string_view::npos) return fail_step("malformed PLAIN message");
    if (message.find('\0', second + 1) != std::string_view::npos) {
        return fail_step("malformed PLAIN message");
    }
    std::string_view authzid = message.substr(0, first);
    std::string_view authcid = message.substr(first + 1, second - first - 1);
    std::string_view password = message.substr(second + 1);
    // RFC 4616 2: authcid and passwd are 1*SAFE; authzid may be empty.
    if (authcid.empty()) return fail_step("empty authentication identity");
    if (password.empty()) return fail_step("empty password");
    if (authzid.size() > kMaxFieldBytes || authcid.size() > kMaxFieldBytes ||
        password.size() > kMaxFieldBytes) {
        return fail_step("PLAIN field too long");
    }
    SaslStep s;
    s.kind = SaslStep::Kind::done;
    s.authzid = std::string(authzid);
    s.authcid = std::string(authcid);
    s.password = std::string(password);
    state_ = State::finished;
    return s;
}

}  // namespace tern::accounts
