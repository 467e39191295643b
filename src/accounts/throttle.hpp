// LoginThrottle: counts failed logins per client IP and per account and
// refuses further attempts for a while once either reaches its limit
// (DESIGN.md rule 4: "auth failures per IP").
//
// Rule: failures that follow each other with gaps shorter than `window` add
// up; once a counter reaches its maximum, that IP (or account) is blocked
// until `window` after its last failure. A success clears both the
// account's and the IP's counters. A maximum of 0 disables that limit.
//
// Memory is bounded: at most max_tracked_keys counters (IPs and accounts
// together) are kept; when full, the least recently touched one is dropped.
// Account names compare case-insensitively (ASCII), as the store does.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "accounts/clock.hpp"

namespace tern::accounts {

struct ThrottleOptions {
    uint32_t max_failures_per_ip = 10;
    uint32_t max_failures_per_account = 5;
    std::chrono::seconds window{300};
    size_t max_tracked_keys = 100000;
};

class LoginThrottle {
  public:
    explicit LoginThrottle(ThrottleOptions options, SteadyNow now = real_steady_clock());

    // How long until this ip/account pair may try again; nullopt if it may
    // now. The longer of the two blocks wins; never less than one second.
    std::optional<std::chrono::seconds> blocked(std::string_view ip, std::string_view account);
    void record_failure(std::string_view ip, std::string_view account);
    void record_success(std::string_view ip, std::string_view account);

    size_t tracked_keys() const;

  private:
    struct Counter {
        uint32_t failures = 0;
        std::chrono::steady_clock::time_point last;
        std::list<std::string>::iterator lru;
    };
    using Map = std::unordered_map<std::string, Counter>;

    std::optional<std::chrono::seconds> remaining(const std::string& key, uint32_t max,
                                                  std::chrono::steady_clock::time_point now);
    void add_failure(const std::string& key, std::chrono::steady_clock::time_point now);
    void erase(const std::string& key);

    ThrottleOptions options_;
    SteadyNow now_;
    mutable std::mutex mutex_;
    Map counters_;
    std::list<std::string> lru_;  // front: most recently touched
};

}  // namespace tern::accounts
