// The POP3 server (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595), AUTH
// (RFC 5034) and extended response codes (RFC 2449 8, RFC 3206): one session
// per connection, for port 110 (STLS offered) and 995 (implicit TLS, RFC 8314).
//
// What a session enforces is listed in session.hpp; the composition root
// (app/) only chooses a listener's options and passes the shared services,
// including the one MaildropLocks every POP3 listener of the process shares.
#pragma once

#include <string>

#include "accounts/authenticator.hpp"
#include "config/holder.hpp"
#include "net/blocking.hpp"
#include "net/server.hpp"
#include "pop3/server/maildrop_locks.hpp"
#include "store/store.hpp"

namespace tern::pop3 {

struct Pop3Deps {
    config::ConfigHolder& config;
    store::Store& store;
    accounts::Authenticator& auth;
    net::Blocking& blocking;
    MaildropLocks& locks;
};

struct Pop3ListenerOptions {
    bool stls_offered = true;  // STLS in CAPA (not on implicit-TLS ports)
    // Retrieved messages are deleted at QUIT as if DELE had been sent
    // (advertised as "EXPIRE 0", RFC 2449 6.7). Becomes pop3.delete_retrieved.
    bool delete_retrieved = false;
};

net::Task<void> run_session(net::Connection& connection, Pop3Deps deps,
                            Pop3ListenerOptions options);

// The reply to a connection refused by the connection limits: a negative
// greeting (RFC 1939 4 allows the server to refuse a connection), with
// [SYS/TEMP] because trying later may succeed (RFC 3206 4).
std::string refusal_reply(net::Refusal refusal);

}  // namespace tern::pop3
