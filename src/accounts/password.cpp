// Argon2id through libargon2, imported crypt(3) hashes through crypt_r.
#include "accounts/password.hpp"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <charconv>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "base/strings.hpp"

namespace tern::accounts {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kTagBytes = 32;

// A Dovecot "{SCHEME}" prefix names the format of what follows; the rest
// must really be in that format, or the hash is refused.
struct DovecotScheme {
    std::string_view name;
    std::string_view required_prefix;
};
constexpr DovecotScheme kSchemes[] = {
    {"SHA512-CRYPT", "$6$"},    {"SHA256-CRYPT", "$5$"},  {"BLF-CRYPT", "$2"},
    {"ARGON2ID", "$argon2id$"}, {"ARGON2I", "$argon2i$"},
};

// Returns the hash without its Dovecot prefix, or nullopt for an unknown
// scheme or a prefix that does not match the hash.
std::optional<std::string_view> strip_scheme(std::string_view stored) {
    if (stored.empty() || stored.front() != '{') return stored;
    size_t close = stored.find('}');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view name = stored.substr(1, close - 1);
    std::string_view rest = stored.substr(close + 1);
    for (const auto& scheme : kSchemes) {
        if (iequals(name, scheme.name) && rest.starts_with(scheme.required_prefix)) return rest;
    }
    return std::nullopt;
}

struct PhcArgon2 {
    argon2_type type = Argon2_id;
    uint32_t version = ARGON2_VERSION_10;
    uint32_t memory_kib = 0;
    uint32_t iterations = 0;
    uint32_t parallelism = 0;
};

bool parse_u32(std::string_view text, uint32_t& out) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

// "$argon2id$v=19$m=65536,t=3,p=1$salt$hash" (the PHC string format; "v="
// is absent in version 1.0 hashes). Only the header is checked here;
// libargon2 decodes the salt and tag.
std::optional<PhcArgon2> parse_phc(std::string_view hash) {
    std::vector<std::string_view> parts = split(hash, '$');
    if (parts.size() != 5 && parts.size() != 6) return std::nullopt;
    if (!parts[0].empty()) return std::nullopt;
    PhcArgon2 phc;
    if (parts[1] == "argon2id") {
        phc.type = Argon2_id;
    } else if (parts[1] == "argon2i") {
        phc.type = Argon2_i;
    } else {
        return std::nullopt;
    }
    size_t next = 2;
    if (parts.size() == 6) {
        if (!parts[2].starts_with("v=") || !parse_u32(parts[2].substr(2), phc.version)) {
            return std::nullopt;
        }
        next = 3;
    }
    std::vector<std::string_view> costs = split(parts[next], ',');
    if (costs.size() != 3) return std::nullopt;
    if (!costs[0].starts_with("m=") || !parse_u32(costs[0].substr(2), phc.memory_kib)) {
        return std::nullopt;
    }
    if (!costs[1].starts_with("t=") || !parse_u32(costs[1].substr(2), phc.iterations)) {
        return std::nullopt;
    }
    if (!costs[2].starts_with("p=") || !parse_u32(costs[2].substr(2), phc.parallelism)) {
        return std::nullopt;
    }
    if (parts[next + 1].empty() || parts[next + 2].empty()) return std::nullopt;
    return phc;
}

bool verify_argon2(std::string_view password, std::string_view hash) {
    std::optional<PhcArgon2> phc = parse_phc(hash);
    if (!phc || phc->memory_kib > kMaxArgon2MemoryKib || phc->iterations == 0 ||
        phc->parallelism == 0) {
        return false;
    }
    // argon2_verify wants a NUL-terminated encoding; it compares the tags
    // in constant time itself.
    std::string encoded(hash);
    return argon2_verify(encoded.c_str(), password.data(), password.size(), phc->type) == ARGON2_OK;
}

bool is_crypt_hash(std::string_view hash) {
    // crypt(3) also accepts DES and MD5 settings and much else; only the
    // schemes worth migrating from are let through.
    for (std::string_view prefix : {"$6$", "$5$", "$2b$", "$2y$", "$2a$"}) {
        if (hash.starts_with(prefix)) return true;
    }
    return false;
}

bool verify_crypt(std::string_view password, std::string_view hash) {
    // crypt(3) reads C strings: a NUL would silently shorten the password.
    if (password.find('\0') != std::string_view::npos) return false;
    if (hash.find('\0') != std::string_view::npos) return false;
    std::string key(password);
    std::string setting(hash);
    auto data = std::make_unique<crypt_data>();  // value-initialised, as crypt_r requires
    const char* out = crypt_r(key.c_str(), setting.c_str(), data.get());
    OPENSSL_cleanse(key.data(), key.size());
    // libxcrypt reports failure with NULL or a string starting with '*'.
    bool ok = out != nullptr && out[0] != '*' && std::strlen(out) == hash.size() &&
              CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
    OPENSSL_cleanse(data.get(), sizeof(crypt_data));
    return ok;
}

}  // namespace

Result<std::string> hash_password(std::string_view password, const Argon2Params& params) {
    if (password.empty()) return fail(Errc::invalid, "empty password");
    if (password.size() > kMaxPasswordBytes) return fail(Errc::invalid, "password too long");
    // RFC 9106 3.1: at least one pass, one lane, and 8 KiB of memory per lane.
    if (params.iterations == 0 || params.parallelism == 0 ||
        params.memory_kib < 8 * static_cast<uint64_t>(params.parallelism) ||
        params.memory_kib > kMaxArgon2MemoryKib) {
        return fail(Errc::invalid, "argon2 parameters out of range");
    }
    unsigned char salt[kSaltBytes];
    if (RAND_bytes(salt, sizeof salt) != 1) return fail(Errc::internal, "RAND_bytes failed");
    size_t length = argon2_encodedlen(params.iterations, params.memory_kib, params.parallelism,
                                      kSaltBytes, kTagBytes, Argon2_id);
    std::string encoded(length, '\0');
    int rc = argon2_hash(params.iterations, params.memory_kib, params.parallelism, password.data(),
                         password.size(), salt, sizeof salt, nullptr, kTagBytes, encoded.data(),
                         encoded.size(), Argon2_id, ARGON2_VERSION_13);
    if (rc != ARGON2_OK) {
        return fail(Errc::internal, std::string("argon2: ") + argon2_error_message(rc));
    }
    encoded.resize(std::strlen(encoded.c_str()));
    return encoded;
}

bool verify_password(std::string_view password, std::string_view stored) {
    if (password.size() > kMaxPasswordBytes) return false;
    std::optional<std::string_view> hash = strip_scheme(stored);
    if (!hash) return false;
    if (hash->starts_with("$argon2")) return verify_argon2(password, *hash);
    if (is_crypt_hash(*hash)) return verify_crypt(password, *hash);
    return false;
}

bool needs_rehash(std::string_view stored, const Argon2Params& params) {
    std::optional<std::string_view> hash = strip_scheme(stored);
    if (!hash || !hash->starts_with("$argon2id$")) return true;
    std::optional<PhcArgon2> phc = parse_phc(*hash);
    return !phc || phc->type != Argon2_id || phc->version != ARGON2_VERSION_13 ||
           phc->memory_kib != params.memory_kib || phc->iterations != params.iterations ||
           phc->parallelism != params.parallelism;
}

}  // namespace tern::accounts
