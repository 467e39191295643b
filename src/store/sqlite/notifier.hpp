// In-process change notification (DESIGN.md "Change notification").
//
// Promises: publish() runs on the writer thread after a batch is committed
// and calls each subscriber of the change's account, in subscription order,
// without holding any lock while the callback runs, so a callback may
// unsubscribe itself or another subscription. Once reset() on a
// Subscription returns on any other thread, its callback is not running and
// will not run again. Subscriptions may outlive the store (they then do
// nothing). A callback that throws is logged and ignored.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/store.hpp"

namespace tern::store::sqlite {

class Notifier : public std::enable_shared_from_this<Notifier> {
  public:
    using Callback = std::function<void(const Change&)>;
    Subscription subscribe(AccountId account, Callback fn);
    void publish(const std::vector<Change>& changes);

  private:
    struct Entry {
        Callback fn;
        bool active = true;
        bool in_call = false;
    };
    void cancel(AccountId account, uint64_t id);

    std::mutex mu_;
    std::condition_variable idle_;
    std::unordered_map<AccountId, std::map<uint64_t, std::shared_ptr<Entry>>> entries_;
    uint64_t next_id_ = 1;
    std::thread::id publishing_thread_;
};

}  // namespace tern::store::sqlite
