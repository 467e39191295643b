// SendRateLimiter: how many messages each authenticated user may submit
// (issue 3: a per-user sending rate limit), so a stolen password cannot
// turn the server into a spam cannon. A token bucket per account: up to
// `per_hour` messages at once, refilled evenly over the hour. Thread-safe;
// the clock is injected for tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace tern::smtp {

class SendRateLimiter {
  public:
    using Now = std::function<std::chrono::steady_clock::time_point()>;
    explicit SendRateLimiter(Now now = [] { return std::chrono::steady_clock::now(); })
        : now_(std::move(now)) {}

    // Takes one message from the account's bucket; false when it is empty.
    // per_hour 0 means unlimited.
    bool try_take(int64_t account, unsigned per_hour);

  private:
    struct Bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point last;
    };
    Now now_;
    std::mutex mu_;
    std::unordered_map<int64_t, Bucket> buckets_;
};

}  // namespace tern::smtp
