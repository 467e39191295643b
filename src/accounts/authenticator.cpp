// Login decisions: throttle, look up, verify (or hit the cache), upgrade.
#include "accounts/authenticator.hpp"

#include <openssl/rand.h>

#include "base/log.hpp"
#include "base/strings.hpp"

namespace tern::accounts {
namespace {

void log_fail(log::Level level, std::string_view username, std::string_view ip,
              std::string_view protocol, std::string_view reason) {
    log::Event(level, "auth.fail")
        .kv("user", username)
        .kv("ip", ip)
        .kv("protocol", protocol)
        .kv("reason", reason);
}

AuthResult outcome(AuthResult::Outcome o) {
    AuthResult r;
    r.outcome = o;
    return r;
}

}  // namespace

Authenticator::Authenticator(store::AccountStore& accounts, AuthenticatorOptions options,
                             SteadyNow now)
    : accounts_(accounts),
      options_(options),
      throttle_(options.throttle, now),
      cache_(CredentialCacheOptions{options.cache_ttl, options.cache_max_entries}, now) {}

bool Authenticator::verify(std::string_view password, std::string_view stored) {
    ++full_verifications_;
    return verify_password(password, stored);
}

const std::string& Authenticator::dummy_hash() {
    // Computed on first use rather than at start-up: it costs one full hash.
    std::call_once(dummy_once_, [this] {
        unsigned char random[16];
        if (RAND_bytes(random, sizeof random) != 1) return;
        std::string password =
            hex_encode(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
        auto hash = hash_password(password, options_.argon2);
        if (hash) dummy_hash_ = std::move(*hash);
    });
    return dummy_hash_;
}

void Authenticator::upgrade_hash(store::Account& account, std::string_view password) {
    auto hash = hash_password(password, options_.argon2);
    if (!hash) {
        log::warn("auth.rehash").kv("user", account.address).kv("error", hash.error().message);
        return;
    }
    Status saved = accounts_.set_password_hash(account.address, *hash);
    if (!saved) {
        // Best effort: the old hash still verifies, the next login retries.
        log::warn("auth.rehash").kv("user", account.address).kv("error", saved.error().message);
        return;
    }
    account.password_hash = std::move(*hash);
}

AuthResult Authenticator::authenticate(std::string_view username, std::string_view password,
                                       std::string_view client_ip, std::string_view protocol) {
    // Throttled clients are refused before any work: verifying is exactly
    // the cost an attacker wants us to pay.
    if (auto wait = throttle_.blocked(client_ip, username)) {
        log::warn("auth.throttled")
            .kv("user", username)
            .kv("ip", client_ip)
            .kv("protocol", protocol)
            .kv("retry_after", static_cast<int64_t>(wait->count()));
        AuthResult r = outcome(AuthResult::throttled);
        r.retry_after = *wait;
        return r;
    }
    // Checks that do not depend on the account, so they leak nothing.
    if (username.empty() || password.empty() || password.size() > kMaxPasswordBytes) {
        throttle_.record_failure(client_ip, username);
        log_fail(log::Level::info, username, client_ip, protocol, "malformed");
        return outcome(AuthResult::bad_credentials);
    }

    Result<store::Account> found = accounts_.find_account(username);
    if (!found) {
        if (found.error().code != Errc::not_found) {
            log::error("auth.fail")
                .kv("user", username)
                .kv("ip", client_ip)
                .kv("protocol", protocol)
                .kv("reason", "store_error")
                .kv("error", found.error().message);
            return outcome(AuthResult::temporary_failure);
        }
        // Same cost as a real account, so timing does not reveal existence.
        (void)verify(password, dummy_hash());
        throttle_.record_failure(client_ip, username);
        log_fail(log::Level::info, username, client_ip, protocol, "unknown_user");
        return outcome(AuthResult::bad_credentials);
    }
    store::Account account = std::move(*found);

    bool cached = cache_.hit(username, password, account.password_hash);
    if (!cached && !verify(password, account.password_hash)) {
        throttle_.record_failure(client_ip, username);
        log_fail(log::Level::info, username, client_ip, protocol, "bad_password");
        return outcome(AuthResult::bad_credentials);
    }
    if (account.disabled) {
        log_fail(log::Level::info, username, client_ip, protocol, "disabled");
        return outcome(AuthResult::disabled);
    }

    throttle_.record_success(client_ip, username);
    bool rehashed = false;
    if (!cached && needs_rehash(account.password_hash, options_.argon2)) {
        std::string before = account.password_hash;
        upgrade_hash(account, password);
        rehashed = account.password_hash != before;
    }
    if (!cached) cache_.insert(username, password, account.password_hash);
    log::info("auth.ok")
        .kv("user", account.address)
        .kv("ip", client_ip)
        .kv("protocol", protocol)
        .kv("cached", cached)
        .kv("rehashed", rehashed);
    AuthResult r = outcome(AuthResult::ok);
    r.account = std::move(account);
    return r;
}

}  // namespace tern::accounts
