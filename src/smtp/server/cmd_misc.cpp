// RSET, NOOP, QUIT, HELP, VRFY, EXPN (RFC 5321 4.1.1.5-4.1.1.10, 3.5).
#include "smtp/proto/reply.hpp"
#include "smtp/server/session.hpp"

namespace tern::smtp {

net::Task<void> Session::cmd_rset(const Command&) {
    reset_transaction();
    reply(250, "2.0.0", "Ok");
    co_return;
}

net::Task<void> Session::cmd_noop(const Command&) {
    reply(250, "2.0.0", "Ok");
    co_return;
}

net::Task<void> Session::cmd_quit(const Command&) {
    reply(221, "2.0.0", "Bye");
    quit_ = true;
    co_return;
}

net::Task<void> Session::cmd_help(const Command&) {
    reply(214, "2.0.0",
          "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH");
    co_return;
}

net::Task<void> Session::cmd_vrfy(const Command&) {
    // RFC 5321 3.5.3: 252 when the server will not say whether a user
    // exists (address harvesting protection).
    reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
    co_return;
}

net::Task<void> Session::cmd_expn(const Command&) {
    error(502, "5.5.1", "Error: EXPN not available");  // RFC 5321 3.5.3
    co_return;
}

}  // namespace tern::smtp
