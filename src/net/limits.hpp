// ConnectionLimiter: the maximum number of connections overall and per client
// IP address (DESIGN.md rule 4). Thread-safe: connections are admitted on the
// accepting thread and released on the worker that ran them.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tern::net {

enum class Admission { ok, too_many_connections, too_many_from_ip };

class ConnectionLimiter {
  public:
    ConnectionLimiter(std::size_t max_total, std::size_t max_per_ip)
        : max_total_(max_total), max_per_ip_(max_per_ip) {}

    Admission try_admit(const std::string& ip);
    void release(const std::string& ip);
    std::size_t total() const;
    std::size_t from_ip(const std::string& ip) const;
    void set_limits(std::size_t max_total, std::size_t max_per_ip);

  private:
    mutable std::mutex mu_;
    std::size_t max_total_;
    std::size_t max_per_ip_;
    std::size_t total_ = 0;
    std::unordered_map<std::string, std::size_t> per_ip_;
};

// Holds one admitted connection; releases it when destroyed.
class Admitted {
  public:
    Admitted(ConnectionLimiter& limiter, std::string ip) : limiter_(&limiter), ip_(std::move(ip)) {}
    Admitted(Admitted&& o) noexcept : limiter_(o.limiter_), ip_(std::move(o.ip_)) {
        o.limiter_ = nullptr;
    }
    Admitted(const Admitted&) = delete;
    Admitted& operator=(const Admitted&) = delete;
    Admitted& operator=(Admitted&&) = delete;
    ~Admitted() {
        if (limiter_) limiter_->release(ip_);
    }

  private:
    ConnectionLimiter* limiter_;
    std::string ip_;
};

}  // namespace tern::net
