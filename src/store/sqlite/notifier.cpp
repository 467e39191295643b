#include "store/sqlite/notifier.hpp"

#include <exception>

#include "base/log.hpp"

namespace tern::store::sqlite {

Subscription Notifier::subscribe(AccountId account, Callback fn) {
    uint64_t id = 0;
    {
        std::lock_guard lock(mu_);
        id = next_id_++;
        auto entry = std::make_shared<Entry>();
        entry->fn = std::move(fn);
        entries_[account].emplace(id, std::move(entry));
    }
    // A weak reference: a Subscription kept after the store is gone is inert.
    std::weak_ptr<Notifier> weak = weak_from_this();
    return Subscription([weak, account, id] {
        if (auto self = weak.lock()) self->cancel(account, id);
    });
}

void Notifier::cancel(AccountId account, uint64_t id) {
    std::unique_lock lock(mu_);
    auto by_account = entries_.find(account);
    if (by_account == entries_.end()) return;
    auto it = by_account->second.find(id);
    if (it == by_account->second.end()) return;
    std::shared_ptr<Entry> entry = it->second;
    by_account->second.erase(it);
    if (by_account->second.empty()) entries_.erase(by_account);
    entry->active = false;
    // From the publishing thread (a callback cancelling) waiting would be a
    // self-deadlock, and no other callback runs concurrently there anyway.
    if (std::this_thread::get_id() != publishing_thread_)
        idle_.wait(lock, [&entry] { return !entry->in_call; });
}

void Notifier::publish(const std::vector<Change>& changes) {
    std::unique_lock lock(mu_);
    publishing_thread_ = std::this_thread::get_id();
    for (const Change& change : changes) {
        auto by_account = entries_.find(change.account);
        if (by_account == entries_.end()) continue;
        std::vector<std::shared_ptr<Entry>> targets;
        for (auto& [id, entry] : by_account->second)
            targets.push_back(entry);
        for (auto& entry : targets) {
            if (!entry->active) continue;
            entry->in_call = true;
            lock.unlock();
            try {
                entry->fn(change);
            } catch (const std::exception& e) {
                log::warn("store.callback_threw").kv("error", e.what());
            }
            lock.lock();
            entry->in_call = false;
            idle_.notify_all();
        }
    }
    publishing_thread_ = std::thread::id();
}

}  // namespace tern::store::sqlite
