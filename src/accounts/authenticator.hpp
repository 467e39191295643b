// Authenticator: the one place a login is decided, for every protocol
// (SMTP AUTH, IMAP LOGIN/AUTHENTICATE, POP3 USER/PASS and AUTH).
//
// authenticate() is blocking (argon2, the store): callers run it on a worker
// pool, never on the event loop (DESIGN.md rule 2). In order it
//  1. refuses at once, without verifying, a throttled IP or account
//     (outcome throttled, retry_after set);
//  2. looks the account up by its full address, case-insensitively (the
//     store's rule); a store error other than not_found is temporary_failure;
//  3. verifies the password: a credential-cache hit, or a full verification
//     (counted by full_verifications()). An unknown user is verified against
//     a dummy argon2id hash, so that whether an account exists does not show
//     in the response time;
//  4. says disabled only when the password was right, so a guesser learns
//     nothing about the account's state;
//  5. on success clears the throttle counters, fills the cache and, if the
//     stored hash is not argon2id with the configured parameters (e.g. an
//     imported SHA512-CRYPT hash), replaces it (best effort).
// Each outcome writes one log line, auth.ok / auth.fail / auth.throttled,
// with user, ip and protocol, never the password.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "accounts/clock.hpp"
#include "accounts/credential_cache.hpp"
#include "accounts/password.hpp"
#include "accounts/throttle.hpp"
#include "store/store.hpp"

namespace tern::accounts {

struct AuthenticatorOptions {
    Argon2Params argon2;
    std::chrono::seconds cache_ttl{300};  // 0 disables the credential cache
    size_t cache_max_entries = 10000;
    ThrottleOptions throttle;
};

struct AuthResult {
    enum Outcome { ok, bad_credentials, throttled, disabled, temporary_failure };
    Outcome outcome = bad_credentials;
    store::Account account;               // filled when outcome is ok
    std::chrono::seconds retry_after{0};  // throttled: when to try again
};

class Authenticator {
  public:
    Authenticator(store::AccountStore& accounts, AuthenticatorOptions options,
                  SteadyNow now = real_steady_clock());

    AuthResult authenticate(std::string_view username, std::string_view password,
                            std::string_view client_ip, std::string_view protocol);

    // Password hashes actually computed (cache hits excluded), for tests
    // and metrics.
    uint64_t full_verifications() const { return full_verifications_.load(); }

    // Drops cached credentials of a user, e.g. after a password change made
    // through this process.
    void forget(std::string_view username) { cache_.forget(username); }

  private:
    bool verify(std::string_view password, std::string_view stored);
    const std::string& dummy_hash();
    void upgrade_hash(store::Account& account, std::string_view password);

    store::AccountStore& accounts_;
    AuthenticatorOptions options_;
    LoginThrottle throttle_;
    CredentialCache cache_;
    std::once_flag dummy_once_;
    std::string dummy_hash_;
    std::atomic<uint64_t> full_verifications_{0};
};

}  // namespace tern::accounts
