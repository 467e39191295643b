// The IMAP server (RFC 3501 IMAP4rev1 with the extensions listed in
// session.hpp): one session per connection, for port 143 (STARTTLS offered)
// and 993 (implicit TLS, RFC 8314).
//
// What a session enforces is listed in session.hpp; the composition root
// (app/) only chooses a listener's options and passes the shared services.
#pragma once

#include <string>

#include "accounts/authenticator.hpp"
#include "config/holder.hpp"
#include "net/blocking.hpp"
#include "net/server.hpp"
#include "store/store.hpp"

namespace tern::imap {

struct ImapDeps {
    config::ConfigHolder& config;
    store::Store& store;
    accounts::Authenticator& auth;
    net::Blocking& blocking;
};

struct ImapListenerOptions {
    bool starttls_offered = true;  // STARTTLS in CAPABILITY (not on port 993)
};

net::Task<void> run_session(net::Connection& connection, ImapDeps deps,
                            ImapListenerOptions options);

// The reply to a connection refused by the connection limits: "* BYE"
// (RFC 9051 7.1.5: the server may send BYE as its greeting and close).
std::string refusal_reply(net::Refusal refusal);

}  // namespace tern::imap
