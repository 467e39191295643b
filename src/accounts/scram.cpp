// SCRAM-SHA-256 server: message parsing, proof check, credential derivation.
#include "accounts/scram.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <charconv>
#include <vector>

#include "accounts/password.hpp"
#include "base/strings.hpp"

namespace tern::accounts {
namespace {

constexpr size_t kKeyBytes = 32;           // SHA-256 output
constexpr size_t kMaxMessageBytes = 4096;  // far beyond any real client
constexpr uint32_t kMaxIterations = 10'000'000;
constexpr uint32_t kFakeIterations = 4096;

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len)) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(out), len);
}

std::string sha256(std::string_view data) {
    unsigned char out[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
    return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

std::string random_bytes(size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
        return {};
    }
    return out;
}

// RFC 5802 5.1: saslname escapes ',' as "=2C" and '=' as "=3D"; any other
// '=' is an error.
bool decode_saslname(std::string_view text, std::string& out) {
    out.clear();
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '=') {
            out.push_back(text[i]);
            continue;
        }
        std::string_view code = text.substr(i + 1, 2);
        if (code == "2C") {
            out.push_back(',');
        } else if (code == "3D") {
            out.push_back('=');
        } else {
            return false;
        }
        i += 2;
    }
    return out.find('\0') == std::string::npos;
}

// RFC 5802 7: printable = %x21-2B / %x2D-7E (no comma).
bool valid_nonce(std::string_view nonce) {
    if (nonce.empty()) return false;
    for (char c : nonce) {
        if (c < 0x21 || c > 0x7e || c == ',') return false;
    }
    return true;
}

// The salt shown for a user that does not exist: stable per user name within
// this process, so asking twice does not reveal that it is made up.
std::string fake_salt(std::string_view username) {
    static const std::string secret = random_bytes(32);
    return hmac_sha256(secret, "scram-fake-salt\n" + to_lower(username)).substr(0, 16);
}

bool parse_u32(std::string_view text, uint32_t& out) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<ScramCredentials> derive_scram_sha256(std::string_view password, std::string_view salt,
                                             uint32_t iterations) {
    if (password.empty() || password.size() > kMaxPasswordBytes) {
        return fail(Errc::invalid, "bad password length");
    }
    if (salt.empty()) return fail(Errc::invalid, "empty salt");
    if (iterations == 0 || iterations > kMaxIterations) {
        return fail(Errc::invalid, "iteration count out of range");
    }
    unsigned char salted[kKeyBytes];
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()),
                          static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                          sizeof salted, salted) != 1) {
        return fail(Errc::internal, "PBKDF2 failed");
    }
    std::string_view salted_view(reinterpret_cast<const char*>(salted), sizeof salted);
    ScramCredentials c;
    c.salt = std::string(salt);
    c.iterations = iterations;
    // RFC 5802 3: ClientKey = HMAC(SaltedPassword, "Client Key"),
    // StoredKey = H(ClientKey), ServerKey = HMAC(SaltedPassword, "Server Key").
    std::string client_key = hmac_sha256(salted_view, "Client Key");
    c.stored_key = sha256(client_key);
    c.server_key = hmac_sha256(salted_view, "Server Key");
    OPENSSL_cleanse(salted, sizeof salted);
    OPENSSL_cleanse(client_key.data(), client_key.size());
    if (c.server_key.size() != kKeyBytes) return fail(Errc::internal, "HMAC failed");
    return c;
}

Result<ScramCredentials> make_scram_sha256(std::string_view password, uint32_t iterations) {
    // RFC 7677 4: the iteration count should be at least 4096.
    if (iterations < 4096) return fail(Errc::invalid, "iteration count below 4096");
    std::string salt = random_bytes(16);
    if (salt.empty()) return fail(Errc::internal, "RAND_bytes failed");
    return derive_scram_sha256(password, salt, iterations);
}

std::string format_scram(const ScramCredentials& c) {
    return "SCRAM-SHA-256$" + std::to_string(c.iterations) + ":" + base64_encode(c.salt) + "$" +
           base64_encode(c.stored_key) + ":" + base64_encode(c.server_key);
}

Result<ScramCredentials> parse_scram(std::string_view text) {
    constexpr std::string_view kPrefix = "SCRAM-SHA-256$";
    if (!text.starts_with(kPrefix)) return fail(Errc::invalid, "not a SCRAM-SHA-256 secret");
    std::vector<std::string_view> halves = split(text.substr(kPrefix.size()), '$');
    if (halves.size() != 2) return fail(Errc::invalid, "malformed SCRAM secret");
    std::vector<std::string_view> params = split(halves[0], ':');
    std::vector<std::string_view> keys = split(halves[1], ':');
    ScramCredentials c;
    if (params.size() != 2 || keys.size() != 2 || !parse_u32(params[0], c.iterations) ||
        c.iterations == 0 || c.iterations > kMaxIterations || !base64_decode(params[1], c.salt) ||
        c.salt.empty() || !base64_decode(keys[0], c.stored_key) ||
        !base64_decode(keys[1], c.server_key) || c.stored_key.size() != kKeyBytes ||
        c.server_key.size() != kKeyBytes) {
        return fail(Errc::invalid, "malformed SCRAM secret");
    }
    return c;
}

ScramServer::ScramServer(std::string server_nonce) : server_nonce_(std::move(server_nonce)) {
    if (server_nonce_.empty()) server_nonce_ = base64_encode(random_bytes(18));
}

Result<ScramServer::ClientFirst> ScramServer::client_first(std::string_view message) {
    if (state_ != State::client_first) return fail(Errc::invalid, "unexpected client-first");
    state_ = State::finished;  // until it parses
    if (message.size() > kMaxMessageBytes) return fail(Errc::invalid, "message too long");
    // RFC 5802 7: gs2-header = gs2-cbind-flag "," [ authzid ] ","
    size_t flag_end = message.find(',');
    if (flag_end == std::string_view::npos) return fail(Errc::invalid, "malformed client-first");
    std::string_view flag = message.substr(0, flag_end);
    if (flag.starts_with("p=")) {
        // RFC 5802 6: we never advertise -PLUS, so binding cannot be agreed.
        return fail(Errc::invalid, "channel binding not supported");
    }
    if (flag != "n" && flag != "y") return fail(Errc::invalid, "malformed gs2 header");
    size_t authz_end = message.find(',', flag_end + 1);
    if (authz_end == std::string_view::npos) return fail(Errc::invalid, "malformed gs2 header");
    std::string_view authz = message.substr(flag_end + 1, authz_end - flag_end - 1);
    ClientFirst out;
    if (!authz.empty() && (!authz.starts_with("a=") ||
                           !decode_saslname(authz.substr(2), out.authzid) || out.authzid.empty())) {
        return fail(Errc::invalid, "malformed authzid");
    }
    std::string_view bare = message.substr(authz_end + 1);
    std::vector<std::string_view> attrs = split(bare, ',');
    // RFC 5802 5.1: an "m=" extension we do not understand must fail.
    if (!attrs.empty() && attrs[0].starts_with("m=")) {
        return fail(Errc::invalid, "mandatory extension not supported");
    }
    if (attrs.size() < 2 || !attrs[0].starts_with("n=") || !attrs[1].starts_with("r=")) {
        return fail(Errc::invalid, "malformed client-first");
    }
    if (!decode_saslname(attrs[0].substr(2), out.username) || out.username.empty() ||
        out.username.size() > 255) {
        return fail(Errc::invalid, "malformed username");
    }
    if (!valid_nonce(attrs[1].substr(2))) return fail(Errc::invalid, "malformed nonce");
    gs2_header_ = std::string(message.substr(0, authz_end + 1));
    client_first_bare_ = std::string(bare);
    nonce_ = std::string(attrs[1].substr(2));
    username_ = out.username;
    state_ = State::server_first;
    return out;
}

Result<std::string> ScramServer::server_first(const std::optional<ScramCredentials>& credentials) {
    if (state_ != State::server_first) return fail(Errc::invalid, "unexpected server-first");
    if (!valid_nonce(server_nonce_)) return fail(Errc::internal, "bad server nonce");
    if (credentials && credentials->iterations > 0 && !credentials->salt.empty() &&
        credentials->stored_key.size() == kKeyBytes &&
        credentials->server_key.size() == kKeyBytes) {
        credentials_ = *credentials;
    } else {
        // Play the exchange to its end, then refuse (RFC 5802 9).
        unknown_user_ = true;
        credentials_.salt = fake_salt(username_);
        credentials_.iterations = kFakeIterations;
        credentials_.stored_key = random_bytes(kKeyBytes);
        credentials_.server_key = random_bytes(kKeyBytes);
    }
    nonce_ += server_nonce_;
    // RFC 5802 7: server-first-message = nonce "," salt "," iteration-count
    server_first_ = "r=" + nonce_ + ",s=" + base64_encode(credentials_.salt) +
                    ",i=" + std::to_string(credentials_.iterations);
    state_ = State::client_final;
    return server_first_;
}

Result<std::string> ScramServer::client_final(std::string_view message) {
    if (state_ != State::client_final) return fail(Errc::invalid, "unexpected client-final");
    state_ = State::finished;  // one attempt only
    if (message.size() > kMaxMessageBytes) return fail(Errc::invalid, "message too long");
    // RFC 5802 7: client-final-message = without-proof "," proof, proof last.
    size_t proof_at = message.rfind(",p=");
    if (proof_at == std::string_view::npos) return fail(Errc::invalid, "missing proof");
    std::string_view without_proof = message.substr(0, proof_at);
    std::vector<std::string_view> attrs = split(without_proof, ',');
    // RFC 5802 7: c= carries the gs2 header (no channel-binding data here).
    if (attrs.size() < 2 || attrs[0] != "c=" + base64_encode(gs2_header_)) {
        return fail(Errc::invalid, "channel binding mismatch");
    }
    if (attrs[1] != "r=" + nonce_) return fail(Errc::invalid, "nonce mismatch");
    std::string proof;
    if (!base64_decode(message.substr(proof_at + 3), proof) || proof.size() != kKeyBytes) {
        return fail(Errc::invalid, "malformed proof");
    }
    // RFC 5802 3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage),
    // accepted when H(ClientKey) equals StoredKey.
    std::string auth_message =
        client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
    std::string signature = hmac_sha256(credentials_.stored_key, auth_message);
    if (signature.size() != kKeyBytes) return fail(Errc::internal, "HMAC failed");
    for (size_t i = 0; i < kKeyBytes; ++i)
        proof[i] = static_cast<char>(proof[i] ^ signature[i]);
    std::string stored = sha256(proof);
    bool match = CRYPTO_memcmp(stored.data(), credentials_.stored_key.data(), kKeyBytes) == 0;
    if (!match || unknown_user_) return fail(Errc::denied, "authentication failed");
    return "v=" + base64_encode(hmac_sha256(credentials_.server_key, auth_message));
}

}  // namespace tern::accounts
