// SCRAM-SHA-256 (RFC 5802 with RFC 7677's hash), server side, as a pure
// state machine: no I/O, no store. Channel binding (-PLUS) is not offered.
//
// Not yet advertised by sasl_mechanisms(): SCRAM needs per-account SCRAM
// credentials (salt, iterations, StoredKey, ServerKey), which the store does
// not keep yet; argon2 hashes cannot be turned into them. Once it does, a
// protocol runs:
//   ScramServer scram;
//   auto first = scram.client_first(decoded);           // who is asking
//   (look up the account's ScramCredentials; nullopt if there is none)
//   std::string challenge = scram.server_first(creds);  // send it
//   auto final = scram.client_final(decoded);           // "v=..." on success
//   (send *final as a last challenge, accept the client's empty reply)
//
// Errors: Errc::invalid for malformed or out-of-order messages and for
// features we do not support (channel binding, the "m=" extension);
// Errc::denied when the proof is wrong or the user is unknown. An unknown
// user gets a believable, stable fake salt so the exchange does not reveal
// which accounts exist (RFC 5802 9).
//
// Simplification: passwords are not SASLprep-normalised (RFC 5802 2.2); for
// ASCII passwords that is the identity.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::accounts {

struct ScramCredentials {
    std::string salt;  // raw bytes
    uint32_t iterations = 0;
    std::string stored_key;  // H(ClientKey), 32 bytes
    std::string server_key;  // HMAC(SaltedPassword, "Server Key"), 32 bytes
};

// RFC 5802 3: SaltedPassword = Hi(password, salt, i) (PBKDF2-HMAC-SHA-256).
Result<ScramCredentials> derive_scram_sha256(std::string_view password, std::string_view salt,
                                             uint32_t iterations);
// Fresh credentials with a random 16-byte salt; RFC 7677 4: at least 4096
// iterations.
Result<ScramCredentials> make_scram_sha256(std::string_view password, uint32_t iterations = 4096);

// Storage form "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>"
// (base64 fields), the layout PostgreSQL also uses.
std::string format_scram(const ScramCredentials& credentials);
Result<ScramCredentials> parse_scram(std::string_view text);

class ScramServer {
  public:
    // server_nonce: empty for a random one (tests inject a fixed value).
    explicit ScramServer(std::string server_nonce = {});

    struct ClientFirst {
        std::string authzid;   // empty if absent
        std::string username;  // decoded (=2C and =3D undone)
    };
    Result<ClientFirst> client_first(std::string_view message);
    // The server-first-message, built from the account's credentials.
    Result<std::string> server_first(const std::optional<ScramCredentials>& credentials);
    // Checks the proof; returns the server-final-message "v=...".
    Result<std::string> client_final(std::string_view message);

  private:
    enum class State { client_first, server_first, client_final, finished };
    State state_ = State::client_first;
    std::string server_nonce_;
    std::string gs2_header_;
    std::string client_first_bare_;
    std::string nonce_;  // client nonce, then client + server nonce
    std::string username_;
    std::string server_first_;
    ScramCredentials credentials_;
    bool unknown_user_ = false;
};

}  // namespace tern::accounts
