// Session: one POP3 conversation (RFC 1939), server side.
//
// The loop is thin (STYLE.md 10): read a line, parse it (pop3/proto), look
// the verb up in the command table, check the state, run the handler, queue
// its reply. Replies are sent when no further pipelined command is waiting
// (RFC 2449 6.6 PIPELINING), so a pipelining client gets them in one write.
//
// States (RFC 1939 3): AUTHORIZATION until a login succeeds and the maildrop
// is locked; TRANSACTION; UPDATE after QUIT, where marked messages are
// expunged from the store. A session that ends any other way (disconnect,
// idle timeout, error, server shutdown) deletes nothing.
//
// What it enforces, with the reply each rule gets:
//  - command lines over pop3.max_line_length (RFC 2449 4: 255 with CRLF):
//    "-ERR line too long", the session goes on;
//  - USER/PASS and AUTH before TLS, unless auth.allow_plaintext_without_tls:
//    "-ERR TLS required (use STLS)"; APOP is not offered ("-ERR");
//  - a maildrop already locked by another session: "-ERR [IN-USE] ...";
//  - failed logins "-ERR [AUTH] ...", throttled or store failures
//    "-ERR [SYS/TEMP] ..." (RFC 3206);
//  - kMaxErrors bad commands: "-ERR too many errors", closed;
//  - idle longer than pop3.idle_timeout_seconds: closed without a reply and
//    without entering UPDATE (RFC 1939 3, autologout timer);
//  - graceful shutdown: "-ERR [SYS/TEMP] server shutting down", closed
//    without applying deletions.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "net/line_reader.hpp"
#include "pop3/proto/command.hpp"
#include "pop3/server/maildrop.hpp"
#include "pop3/server/pop3_server.hpp"
#include "pop3/server/read_ahead.hpp"

namespace tern::pop3 {

class Session {
  public:
    Session(net::Connection& connection, Pop3Deps deps, Pop3ListenerOptions options);
    net::Task<void> run();

  private:
    enum class State { authorization, transaction, update };
    using Handler = net::Task<void> (Session::*)(const Command&);
    struct CommandSpec {
        Verb verb;
        Handler handler;
        bool in_authorization;
        bool in_transaction;
    };
    static const CommandSpec* find_command(Verb verb);

    // Replies: queued, sent by flush().
    void reply(std::string_view line) { out_ += line; }
    void error(std::string_view line) {
        ++errors_;
        out_ += line;
    }
    net::Task<bool> flush();
    net::Task<void> end(std::string_view reason);
    bool plaintext_login_allowed() const;

    // cmd_auth.cpp
    net::Task<void> cmd_capa(const Command& c);
    net::Task<void> cmd_stls(const Command& c);
    net::Task<void> cmd_user(const Command& c);
    net::Task<void> cmd_pass(const Command& c);
    net::Task<void> cmd_apop(const Command& c);
    net::Task<void> cmd_auth(const Command& c);
    net::Task<void> login(std::string user, std::string password, std::string mechanism);
    // cmd_maildrop.cpp
    net::Task<void> cmd_stat(const Command& c);
    net::Task<void> cmd_list(const Command& c);
    net::Task<void> cmd_uidl(const Command& c);
    net::Task<void> cmd_retr(const Command& c);
    net::Task<void> cmd_top(const Command& c);
    net::Task<void> cmd_dele(const Command& c);
    net::Task<void> cmd_rset(const Command& c);
    net::Task<void> cmd_noop(const Command& c);
    net::Task<void> cmd_quit(const Command& c);
    MaildropMessage* message_argument(uint32_t number);
    net::Task<void> send_message(uint32_t number, MaildropMessage& m,
                                 std::optional<uint64_t> top_lines);
    net::Task<void> update();

    net::Connection& conn_;
    Pop3Deps deps_;
    Pop3ListenerOptions options_;
    std::shared_ptr<const config::Config> config_;
    net::LineReader reader_;
    std::string out_;

    State state_ = State::authorization;
    bool quit_ = false;
    unsigned errors_ = 0;
    std::string pending_user_;  // USER accepted, waiting for PASS
    std::optional<store::Account> account_;
    std::optional<MaildropLocks::Guard> lock_;
    std::optional<Maildrop> maildrop_;
    ReadAhead read_ahead_;
    unsigned retrieved_ = 0;
    uint64_t octets_sent_ = 0;
};

}  // namespace tern::pop3
