// HMAC-keyed verification cache with expiry-ordered eviction.
#include "accounts/credential_cache.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "base/strings.hpp"

namespace tern::accounts {

CredentialCache::CredentialCache(CredentialCacheOptions options, SteadyNow now)
    : options_(options), now_(std::move(now)) {
    if (options_.ttl.count() <= 0 || options_.max_entries == 0) return;
    std::string secret(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()),
                   static_cast<int>(secret.size())) == 1) {
        secret_ = std::move(secret);
    }
}

CredentialCache::~CredentialCache() {
    OPENSSL_cleanse(secret_.data(), secret_.size());
}

std::string CredentialCache::key(std::string_view user, std::string_view password) const {
    // The NUL separator keeps ("ab", "c") and ("a", "bc") apart: user names
    // that reach here never contain NUL (SASL refuses it).
    std::string message = to_lower(user);
    message.push_back('\0');
    message.append(password);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    const unsigned char* ok =
        HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
    OPENSSL_cleanse(message.data(), message.size());
    if (ok == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

void CredentialCache::erase(std::unordered_map<std::string, Entry>::iterator it) {
    by_expiry_.erase(it->second.by_expiry);
    entries_.erase(it);
}

void CredentialCache::purge_expired(TimePoint now) {
    while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
        auto it = entries_.find(by_expiry_.begin()->second);
        if (it == entries_.end()) {
            by_expiry_.erase(by_expiry_.begin());  // cannot happen; stay bounded anyway
        } else {
            erase(it);
        }
    }
}

bool CredentialCache::hit(std::string_view user, std::string_view password,
                          std::string_view current_stored_hash) {
    if (secret_.empty()) return false;
    std::string k = key(user, password);
    if (k.empty()) return false;
    auto now = now_();
    std::lock_guard lock(mutex_);
    auto it = entries_.find(k);
    if (it == entries_.end()) return false;
    if (it->second.expires <= now || it->second.stored_hash != current_stored_hash) {
        erase(it);  // stale: the password changed or the entry expired
        return false;
    }
    return true;
}

void CredentialCache::insert(std::string_view user, std::string_view password,
                             std::string_view stored_hash) {
    if (secret_.empty()) return;
    std::string k = key(user, password);
    if (k.empty()) return;
    auto now = now_();
    std::lock_guard lock(mutex_);
    if (auto old = entries_.find(k); old != entries_.end()) erase(old);
    purge_expired(now);
    while (entries_.size() >= options_.max_entries && !by_expiry_.empty()) {
        auto victim = entries_.find(by_expiry_.begin()->second);
        if (victim == entries_.end()) {
            by_expiry_.erase(by_expiry_.begin());
        } else {
            erase(victim);
        }
    }
    auto expires = now + options_.ttl;
    auto pos = by_expiry_.emplace(expires, k);
    entries_.emplace(std::move(k), Entry{to_lower(user), std::string(stored_hash), expires, pos});
}

void CredentialCache::forget(std::string_view user) {
    std::string lower = to_lower(user);
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end();) {
        auto next = std::next(it);
        if (it->second.user == lower) erase(it);
        it = next;
    }
}

size_t CredentialCache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace tern::accounts
