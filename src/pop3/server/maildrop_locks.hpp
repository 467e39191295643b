// MaildropLocks: the exclusive-access lock of RFC 1939 8 ("the POP3 server
// then acquires an exclusive-access lock on the maildrop"), held from login
// to the end of the session, so two POP3 sessions never delete from the same
// maildrop at once. A second session is refused with [IN-USE] (RFC 2449 8.1.1).
//
// In-process: a set of locked account ids behind a mutex, released by an
// RAII Guard whatever way a session ends (QUIT, disconnect, error,
// shutdown). Nodes sharing a PostgreSQL store would need a store-level lock.
// Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <unordered_set>

#include "store/store.hpp"

namespace tern::pop3 {

class MaildropLocks {
  public:
    class Guard {
      public:
        Guard(Guard&& other) noexcept : owner_(other.owner_), account_(other.account_) {
            other.owner_ = nullptr;
        }
        Guard& operator=(Guard&&) = delete;
        Guard(const Guard&) = delete;
        ~Guard() {
            if (owner_) owner_->release(account_);
        }
        store::AccountId account() const { return account_; }

      private:
        friend class MaildropLocks;
        Guard(MaildropLocks* owner, store::AccountId account) : owner_(owner), account_(account) {}
        MaildropLocks* owner_;
        store::AccountId account_;
    };

    // The lock, or nullopt when another session holds it.
    std::optional<Guard> try_lock(store::AccountId account);
    bool locked(store::AccountId account) const;

  private:
    void release(store::AccountId account);

    mutable std::mutex mu_;
    std::unordered_set<store::AccountId> held_;
};

}  // namespace tern::pop3
