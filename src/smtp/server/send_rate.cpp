#include "smtp/server/send_rate.hpp"

#include <algorithm>

namespace tern::smtp {

bool SendRateLimiter::try_take(int64_t account, unsigned per_hour) {
    if (per_hour == 0) return true;
    auto now = now_();
    std::lock_guard lock(mu_);
    auto [it, fresh] = buckets_.try_emplace(account);
    Bucket& b = it->second;
    if (fresh) {
        b.tokens = per_hour;
        b.last = now;
    } else {
        double hours = std::chrono::duration<double>(now - b.last).count() / 3600.0;
        b.tokens = std::min<double>(per_hour, b.tokens + hours * per_hour);
        b.last = now;
    }
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
}

}  // namespace tern::smtp
