// Failure counters with a least-recently-used bound.
#include "accounts/throttle.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace tern::accounts {
namespace {

// Separate key spaces, so an account named like an IP cannot share its counter.
std::string ip_key(std::string_view ip) {
    return "i:" + std::string(ip);
}
std::string account_key(std::string_view account) {
    return "a:" + to_lower(account);
}

}  // namespace

LoginThrottle::LoginThrottle(ThrottleOptions options, SteadyNow now)
    : options_(options), now_(std::move(now)) {
    options_.max_tracked_keys = std::max<size_t>(options_.max_tracked_keys, 2);
}

std::optional<std::chrono::seconds> LoginThrottle::remaining(
    const std::string& key, uint32_t max, std::chrono::steady_clock::time_point now) {
    if (max == 0) return std::nullopt;
    auto it = counters_.find(key);
    if (it == counters_.end()) return std::nullopt;
    auto until = it->second.last + options_.window;
    if (now >= until) {
        erase(key);  // expired: nothing left to remember
        return std::nullopt;
    }
    if (it->second.failures < max) return std::nullopt;
    // Round up, so "retry after" never invites a retry that is still refused.
    auto left = std::chrono::ceil<std::chrono::seconds>(until - now);
    return std::max(left, std::chrono::seconds(1));
}

std::optional<std::chrono::seconds> LoginThrottle::blocked(std::string_view ip,
                                                           std::string_view account) {
    auto now = now_();
    std::lock_guard lock(mutex_);
    auto by_ip = remaining(ip_key(ip), options_.max_failures_per_ip, now);
    auto by_account = remaining(account_key(account), options_.max_failures_per_account, now);
    if (by_ip && by_account) return std::max(*by_ip, *by_account);
    return by_ip ? by_ip : by_account;
}

void LoginThrottle::add_failure(const std::string& key, std::chrono::steady_clock::time_point now) {
    auto it = counters_.find(key);
    if (it == counters_.end()) {
        while (counters_.size() >= options_.max_tracked_keys) {
            std::string oldest = lru_.back();
            erase(oldest);
        }
        lru_.push_front(key);
        it = counters_.emplace(key, Counter{0, now, lru_.begin()}).first;
    } else {
        lru_.splice(lru_.begin(), lru_, it->second.lru);
        // A quiet gap of a whole window starts the count afresh.
        if (now - it->second.last >= options_.window) it->second.failures = 0;
    }
    if (it->second.failures < UINT32_MAX) ++it->second.failures;
    it->second.last = now;
}

void LoginThrottle::record_failure(std::string_view ip, std::string_view account) {
    auto now = now_();
    std::lock_guard lock(mutex_);
    if (options_.max_failures_per_ip != 0) add_failure(ip_key(ip), now);
    if (options_.max_failures_per_account != 0 && !account.empty()) {
        add_failure(account_key(account), now);
    }
}

void LoginThrottle::record_success(std::string_view ip, std::string_view account) {
    std::lock_guard lock(mutex_);
    erase(ip_key(ip));
    erase(account_key(account));
}

void LoginThrottle::erase(const std::string& key) {
    auto it = counters_.find(key);
    if (it == counters_.end()) return;
    lru_.erase(it->second.lru);
    counters_.erase(it);
}

size_t LoginThrottle::tracked_keys() const {
    std::lock_guard lock(mutex_);
    return counters_.size();
}

}  // namespace tern::accounts
