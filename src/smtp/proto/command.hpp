// The SMTP command parser: one command line (without its CRLF) in, a typed
// Command or the reply to send out. Pure: no I/O, no session state.
//
// Grammar: RFC 5321 4.1.1 and 4.1.2, with
//   EHLO/HELO <domain or address literal>   (RFC 5321 4.1.1.1)
//   MAIL FROM:<reverse-path> [SP params]    (RFC 5321 4.1.1.2)
//   RCPT TO:<forward-path> [SP params]      (RFC 5321 4.1.1.3)
//   DATA, RSET, QUIT (4.1.1.4/5/10), STARTTLS (RFC 3207 4): no argument
//   NOOP [string], HELP [string], VRFY string, EXPN string
//   BDAT <size> [LAST]                      (RFC 3030 2)
//   AUTH <mechanism> [initial-response]     (RFC 4954 4)
// Verbs and parameter keywords are case-insensitive (RFC 5321 2.4). A space
// after "FROM:"/"TO:" is tolerated (common in the wild); a missing '<' is not.
// Paths and parameters: see path.hpp and params.hpp.
//
// Promises: never throws or asserts, whatever the bytes. On failure the
// Error is a syntax_failure() (syntax_error.hpp); to_syntax_error() gives
// the reply to send:
//   500 5.5.2  empty line or unrecognized verb
//   501 5.5.4  bad arguments, an argument where none is allowed, control
//              characters (NUL, bare CR, other C0, DEL), over-long path
//   553 5.1.7/5.1.3  bad sender/recipient address; 553 5.6.7 non-ASCII
//              address not allowed (RFC 6531 3.5)
//   555 5.5.4  unknown or repeated MAIL/RCPT parameter
//
// ParseOptions::smtputf8_allowed_in_addresses: whether UTF-8 may appear in
// paths and parameter values (RFC 6531 3.3). The session passes whether the
// server offers SMTPUTF8 for MAIL, and whether this transaction's MAIL asked
// for it for RCPT. The parser itself refuses a non-ASCII MAIL path without
// the SMTPUTF8 parameter on the same command (553 5.6.7).
//
// The parser knows every parameter Tern implements, not which ones this
// server advertises: the session answers 555 for a known parameter whose
// extension it did not offer (e.g. REQUIRETLS before STARTTLS, RFC 8689 4.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "smtp/proto/params.hpp"
#include "smtp/proto/path.hpp"
#include "smtp/proto/syntax_error.hpp"

namespace tern::smtp {

enum class Verb {
    ehlo,
    helo,
    mail,
    rcpt,
    data,
    bdat,
    rset,
    noop,
    quit,
    vrfy,
    expn,
    help,
    starttls,
    auth,
    unknown,
};

std::string_view to_string(Verb verb);

struct ParseOptions {
    bool smtputf8_allowed_in_addresses = true;
};

struct Command {
    Verb verb = Verb::unknown;
    std::string argument;            // raw text after the verb and its space
    std::string domain;              // EHLO/HELO: the client's name or address literal
    std::optional<Path> path;        // MAIL/RCPT
    std::vector<EsmtpParam> params;  // MAIL/RCPT, raw
    MailParams mail;                 // MAIL, typed
    RcptParams rcpt;                 // RCPT, typed
    std::uint64_t bdat_size = 0;     // BDAT
    bool bdat_last = false;          // BDAT ... LAST
    std::string auth_mechanism;      // AUTH, upper-cased
    std::optional<std::string> auth_initial_response;  // AUTH, raw ("=" means empty)
};

Result<Command> parse_command(std::string_view line, const ParseOptions& options = {});

}  // namespace tern::smtp
