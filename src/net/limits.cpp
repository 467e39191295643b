#include "net/limits.hpp"

namespace tern::net {

Admission ConnectionLimiter::try_admit(const std::string& ip) {
    std::lock_guard lock(mu_);
    if (total_ >= max_total_) return Admission::too_many_connections;
    std::size_t& n = per_ip_[ip];
    if (n >= max_per_ip_) {
        if (n == 0) per_ip_.erase(ip);
        return Admission::too_many_from_ip;
    }
    ++n;
    ++total_;
    return Admission::ok;
}

void ConnectionLimiter::release(const std::string& ip) {
    std::lock_guard lock(mu_);
    auto it = per_ip_.find(ip);
    if (it == per_ip_.end()) return;
    if (--it->second == 0) per_ip_.erase(it);
    --total_;
}

std::size_t ConnectionLimiter::total() const {
    std::lock_guard lock(mu_);
    return total_;
}

std::size_t ConnectionLimiter::from_ip(const std::string& ip) const {
    std::lock_guard lock(mu_);
    auto it = per_ip_.find(ip);
    return it == per_ip_.end() ? 0 : it->second;
}

void ConnectionLimiter::set_limits(std::size_t max_total, std::size_t max_per_ip) {
    std::lock_guard lock(mu_);
    max_total_ = max_total;
    max_per_ip_ = max_per_ip;
}

}  // namespace tern::net
