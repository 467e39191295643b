// Session: one SMTP conversation (RFC 5321), server side.
//
// The loop is thin (STYLE.md 10): read a line, parse it (smtp/proto), look the
// verb up in the command table, check state, run the handler, queue its
// reply. Replies are sent when no further pipelined command is waiting
// (RFC 2920 3.1), so a pipelining client gets them in one write.
//
// What it enforces, with the reply each limit gets:
//  - command lines over smtp.max_line_length: 500 5.5.2, the session goes on;
//  - idle longer than smtp.idle_timeout_seconds: 421 4.4.2, closed;
//  - smtp.max_errors errors: 421 4.7.0, closed; after 3 errors each reply is
//    delayed a little more (tarpit);
//  - a client that talks before the greeting (port 25, when
//    smtp.greeting_delay_ms > 0): 554 5.5.0, closed;
//  - submission: AUTH only after TLS (530 5.7.0), MAIL only after AUTH
//    (530 5.7.0), sender and From: owned by the user (553 5.7.1);
//  - port 25: recipients in local domains only (554 5.7.1 relay denied),
//    unknown users refused at RCPT (550 5.1.1), recipients per message
//    (452 4.5.3), message size (552 5.3.4, nothing stored), quota (452 4.2.2);
//  - port 25: SPF, DKIM and DMARC at the end of DATA (inbound_auth.hpp), an
//    Authentication-Results field after our Received; a DMARC reject policy
//    gets 550 5.7.1 (nothing stored), quarantine goes to the Junk folders;
//  - port 25: a client listed by a mailauth.dnsbl_zones zone (RFC 5782) gets
//    554 5.7.1 instead of 220, then QUIT gets 221 and anything else 503 5.5.1
//    (RFC 5321 3.1);
//  - port 25: a MAIL FROM domain (or its organizational domain) listed by a
//    mailauth.dnsbl_domain_zones zone (RFC 5782 3) gets 554 5.7.1 "Sender
//    address rejected: <domain> blocked using <zone>" and no transaction
//    starts; the null reverse-path is not checked;
//  - port 25: forward-confirmed reverse DNS at connect (mailauth.iprev),
//    recorded as iprev= in Authentication-Results (RFC 8601 2.7.3);
//  - graceful shutdown: 421 4.3.2 when waiting for a command.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "delivery/router.hpp"
#include "net/line_reader.hpp"
#include "smtp/proto/command.hpp"
#include "smtp/server/dnsbl.hpp"
#include "smtp/server/smtp_server.hpp"

namespace tern::smtp {

struct Recipient {
    Path path;
    RcptParams params;
    std::vector<delivery::LocalTarget> local;
    std::vector<std::string> remote;
};

struct Envelope {
    Path from;
    MailParams params;
    std::vector<Recipient> recipients;
};

class Session {
  public:
    Session(net::Connection& connection, SessionDeps deps, ListenerOptions options);
    net::Task<void> run();

  private:
    using Handler = net::Task<void> (Session::*)(const Command&);
    struct CommandSpec {
        Verb verb;
        Handler handler;
        bool needs_helo;  // refused with 503 before EHLO/HELO
    };
    static const CommandSpec* find_command(Verb verb);

    // Replies: queued, sent by flush().
    void reply(int code, std::string_view enhanced, std::string_view text);
    void reply_raw(std::string text) { out_ += text; }
    void error(int code, std::string_view enhanced, std::string_view text);
    net::Task<bool> flush();
    net::Task<bool> greet();
    // RFC 8601 2.7.3 iprev: keeps a reverse DNS outcome (from the connect
    // screening), or asks for it once per session (end of DATA, when no
    // blocklist made it be asked before the greeting).
    void keep_reverse_dns(const ClientCheck& check);
    net::Task<void> ask_reverse_dns();
    void reset_transaction();
    std::string with_keyword() const;  // RFC 3848 protocol type for Received

    // cmd_helo.cpp
    net::Task<void> cmd_ehlo(const Command& c);
    net::Task<void> cmd_helo(const Command& c);
    // cmd_auth.cpp
    net::Task<void> cmd_starttls(const Command& c);
    net::Task<void> cmd_auth(const Command& c);
    // cmd_envelope.cpp
    net::Task<void> cmd_mail(const Command& c);
    net::Task<void> cmd_rcpt(const Command& c);
    net::Task<bool> sender_allowed(const Path& from);
    net::Task<bool> sender_domain_listed(const Path& from);
    // cmd_data.cpp
    net::Task<void> cmd_data(const Command& c);
    net::Task<void> cmd_bdat(const Command& c);
    net::Task<void> deliver(std::string& body);
    // cmd_misc.cpp
    net::Task<void> cmd_rset(const Command& c);
    net::Task<void> cmd_noop(const Command& c);
    net::Task<void> cmd_quit(const Command& c);
    net::Task<void> cmd_help(const Command& c);
    net::Task<void> cmd_vrfy(const Command& c);
    net::Task<void> cmd_expn(const Command& c);

    net::Connection& conn_;
    SessionDeps deps_;
    ListenerOptions options_;
    std::shared_ptr<const config::Config> config_;
    delivery::Router router_;
    net::LineReader reader_;
    std::string out_;

    std::string helo_;
    bool esmtp_ = false;
    bool quit_ = false;
    unsigned errors_ = 0;
    std::optional<store::Account> user_;  // after AUTH
    std::optional<Envelope> envelope_;
    // BDAT (RFC 3030): chunks collected until LAST.
    bool bdat_active_ = false;
    bool bdat_failed_ = false;
    std::string bdat_body_;
    unsigned messages_ = 0;
    // Port 25: the FCrDNS outcome (unset: not checked; asked at connect with
    // the blocklists, else at the first end of DATA) and the sender domain
    // lists' answers for this session (dnsbl.hpp).
    bool fcrdns_asked_ = false;
    std::optional<Fcrdns> fcrdns_;
    std::string fcrdns_name_;
    DomainListCache domain_lists_;
};

}  // namespace tern::smtp
