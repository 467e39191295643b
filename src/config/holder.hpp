// ConfigHolder: the current configuration, swapped whole on reload (SIGHUP).
// A session takes a snapshot when it starts and keeps it to its end.
#pragma once

#include <memory>
#include <mutex>

#include "config/config.hpp"

namespace tern::config {

class ConfigHolder {
  public:
    explicit ConfigHolder(std::shared_ptr<const Config> c) : config_(std::move(c)) {}
    std::shared_ptr<const Config> get() const {
        std::lock_guard lock(mu_);
        return config_;
    }
    void set(std::shared_ptr<const Config> c) {
        std::lock_guard lock(mu_);
        config_ = std::move(c);
    }

  private:
    mutable std::mutex mu_;
    std::shared_ptr<const Config> config_;
};

}  // namespace tern::config
