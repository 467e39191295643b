#include "pop3/server/maildrop_locks.hpp"

namespace tern::pop3 {

std::optional<MaildropLocks::Guard> MaildropLocks::try_lock(store::AccountId account) {
    std::lock_guard lock(mu_);
    if (!held_.insert(account).second) return std::nullopt;
    return Guard(this, account);
}

bool MaildropLocks::locked(store::AccountId account) const {
    std::lock_guard lock(mu_);
    return held_.count(account) != 0;
}

void MaildropLocks::release(store::AccountId account) {
    std::lock_guard lock(mu_);
    held_.erase(account);
}

}  // namespace tern::pop3
