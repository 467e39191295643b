// The SMTP server: one session per connection, for the MX port (25) and for
// submission (587 with STARTTLS, 465 with implicit TLS; RFC 6409, RFC 8314).
//
// What a session enforces is listed in session.hpp; the composition root
// (app/) only chooses a listener's options and passes the shared services.
#pragma once

#include <string>

#include "accounts/authenticator.hpp"
#include "config/holder.hpp"
#include "dns/resolver.hpp"
#include "mailauth/dmarc/public_suffix.hpp"
#include "net/blocking.hpp"
#include "net/server.hpp"
#include "queue/wakeup.hpp"
#include "smtp/server/send_rate.hpp"
#include "store/store.hpp"

namespace tern::smtp {

struct ListenerOptions {
    bool submission = false;       // AUTH offered, required before MAIL
    bool starttls_offered = true;  // STARTTLS in EHLO (not on implicit-TLS ports)
};

struct SessionDeps {
    config::ConfigHolder& config;
    store::Store& store;
    accounts::Authenticator& auth;
    net::Blocking& blocking;
    SendRateLimiter& send_rate;   // submission: messages per user and hour
    queue::Wakeup& queue_wakeup;  // tells the outbound queue runner of new mail
    // Port 25 mail authentication (inbound_auth.hpp): DNS from any thread
    // (dns::ResolverThread in the server), the Public Suffix List for DMARC.
    dns::Resolver& resolver;
    const mailauth::dmarc::PublicSuffixList& psl;
};

net::Task<void> run_session(net::Connection& connection, SessionDeps deps, ListenerOptions options);

// The reply to a connection refused by the connection limits (RFC 5321
// 3.1: a server may answer 421 instead of its greeting).
std::string refusal_reply(net::Refusal refusal);

}  // namespace tern::smtp
