// EHLO and HELO (RFC 5321 4.1.1.1) and the extensions EHLO announces.
#include "smtp/proto/reply.hpp"
#include "smtp/server/session.hpp"

namespace tern::smtp {

net::Task<void> Session::cmd_ehlo(const Command& c) {
    const auto& cfg = *config_;
    // RFC 5321 4.1.4: EHLO resets any transaction under way.
    reset_transaction();
    helo_ = c.domain;
    esmtp_ = true;
    std::vector<std::string> lines;
    lines.push_back(cfg.server.hostname + " greets " + c.domain);
    lines.push_back("PIPELINING");                                         // RFC 2920
    lines.push_back("SIZE " + std::to_string(cfg.smtp.max_message_size));  // RFC 1870
    lines.push_back("8BITMIME");                                           // RFC 6152
    lines.push_back("SMTPUTF8");                                           // RFC 6531
    lines.push_back("ENHANCEDSTATUSCODES");                                // RFC 2034
    lines.push_back("CHUNKING");                                           // RFC 3030
    lines.push_back("DSN");                                                // RFC 3461
    // RFC 3207 4.2: not offered again once TLS is on.
    if (options_.starttls_offered && !conn_.stream.tls_active() && conn_.stream.tls_available())
        lines.push_back("STARTTLS");
    // RFC 4954 4 and RFC 8314 3.3: only on submission, only under TLS, and
    // not again once authenticated.
    if (options_.submission && !user_ &&
        (conn_.stream.tls_active() || cfg.auth.allow_plaintext_without_tls))
        lines.push_back("AUTH PLAIN LOGIN");
    lines.push_back("HELP");
    out_ += reply_lines(250, "", lines);
    co_return;
}

net::Task<void> Session::cmd_helo(const Command& c) {
    reset_transaction();
    helo_ = c.domain;
    esmtp_ = false;
    reply(250, "", config_->server.hostname);
    co_return;
}

}  // namespace tern::smtp
