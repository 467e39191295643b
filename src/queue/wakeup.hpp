// Wakeup: how code that queues a message tells the running queue runner
// "there is new work" without depending on it (the SMTP session, bounces).
// Thread-safe; notify() with no runner attached does nothing, and the runner
// still finds the message on its next scan (queue.scan_interval_seconds).
#pragma once

#include <functional>
#include <mutex>
#include <utility>

namespace tern::queue {

class Wakeup {
  public:
    void attach(std::function<void()> fn) {
        std::lock_guard lock(mu_);
        fn_ = std::move(fn);
    }
    void detach() { attach(nullptr); }
    void notify() {
        std::function<void()> fn;
        {
            std::lock_guard lock(mu_);
            fn = fn_;
        }
        if (fn) fn();
    }

  private:
    std::mutex mu_;
    std::function<void()> fn_;
};

}  // namespace tern::queue
