// What every protocol session shares, built once by serve() and passed down.
// A configuration reload swaps `config` for new sessions; a session keeps the
// snapshot it started with.
#pragma once

#include <memory>

#include "accounts/authenticator.hpp"
#include "config/holder.hpp"
#include "dns/resolver.hpp"
#include "mailauth/dmarc/public_suffix.hpp"
#include "net/blocking.hpp"
#include "pop3/server/maildrop_locks.hpp"
#include "queue/wakeup.hpp"
#include "smtp/server/send_rate.hpp"
#include "store/store.hpp"

namespace tern::app {

struct Services {
    config::ConfigHolder& config;
    store::Store& store;
    accounts::Authenticator& auth;
    net::Blocking& blocking;
    pop3::MaildropLocks& pop3_locks;
    smtp::SendRateLimiter& send_rate;
    queue::Wakeup& queue_wakeup;
    dns::Resolver& resolver;  // dns::ResolverThread: usable from every session thread
    const mailauth::dmarc::PublicSuffixList& psl;  // loaded once at start (DMARC)
};

}  // namespace tern::app
