// CredentialCache: remembers (username, password) pairs that were verified
// recently, so that IMAP and POP3 clients, which log in again and again, do
// not each pay for an argon2 verification (~440 ms at the defaults).
//
// Like Dovecot's auth cache, it never stores a password: the key is
// HMAC-SHA256 (RFC 2104), under a random secret made when the cache is
// constructed, of "lower(username) NUL password". The value is the stored
// hash that was verified and an expiry time.
//
// hit() is true only for an unexpired entry whose recorded hash equals the
// account's current stored hash, so a password change made anywhere (the
// admin CLI, another node) invalidates the entry without any message.
//
// Bounded: at most max_entries entries; inserting into a full cache drops
// the entry closest to expiry. A ttl of zero disables the cache, as does a
// failure of the random generator at construction. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "accounts/clock.hpp"

namespace tern::accounts {

struct CredentialCacheOptions {
    std::chrono::seconds ttl{300};
    size_t max_entries = 10000;
};

class CredentialCache {
  public:
    explicit CredentialCache(CredentialCacheOptions options, SteadyNow now = real_steady_clock());
    ~CredentialCache();
    CredentialCache(const CredentialCache&) = delete;
    CredentialCache& operator=(const CredentialCache&) = delete;

    bool hit(std::string_view user, std::string_view password,
             std::string_view current_stored_hash);
    // Records that `password` verified against `stored_hash` just now.
    void insert(std::string_view user, std::string_view password, std::string_view stored_hash);
    // Drops every entry of the user (any password).
    void forget(std::string_view user);

    size_t size() const;

  private:
    using TimePoint = std::chrono::steady_clock::time_point;
    struct Entry {
        std::string user;  // lower-cased, for forget()
        std::string stored_hash;
        TimePoint expires;
        std::multimap<TimePoint, std::string>::iterator by_expiry;
    };

    std::string key(std::string_view user, std::string_view password) const;
    void erase(std::unordered_map<std::string, Entry>::iterator it);
    void purge_expired(TimePoint now);

    CredentialCacheOptions options_;
    SteadyNow now_;
    std::string secret_;  // empty: cache disabled
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::multimap<TimePoint, std::string> by_expiry_;
};

}  // namespace tern::accounts
