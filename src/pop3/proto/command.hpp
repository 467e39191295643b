// The POP3 command parser: one command line (without its CRLF) in, a typed
// Command or an error whose message is the text of the "-ERR" reply out.
// Pure: no I/O, no session state (the session checks which state allows
// which command).
//
// Grammar:
//   RFC 1939 3: a case-insensitive keyword of 3 or 4 characters, then
//   arguments separated by single spaces (runs of spaces are tolerated).
//     USER name        PASS string (the rest of the line, spaces kept, 7)
//     STAT  LIST [msg]  RETR msg  DELE msg  NOOP  RSET  QUIT
//     TOP msg n (7)     UIDL [msg] (7)
//     APOP is recognised so the session can refuse it (not offered).
//   RFC 2449 5: CAPA.   RFC 2595 4: STLS.
//   RFC 5034 4: AUTH mechanism [initial-response]; "AUTH" alone asks for
//     the mechanism list (what clients of RFC 1734 servers send).
// msg is a positive decimal message number (RFC 1939 3: message numbers
// start at 1); n a non-negative decimal line count.
//
// Limits: RFC 2449 4 caps a command line at 255 octets with its CRLF
// (kMaxCommandLine); the session's line reader enforces it (the limit is
// configurable there). AUTH continuation lines are read by the session and
// may be longer (kMaxAuthLine).
//
// Promises: never throws or asserts, whatever the bytes. Errors are
// Errc::invalid with a short client-safe text; NUL, CR and LF inside a line
// are refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::pop3 {

inline constexpr std::size_t kMaxCommandLine = 255;  // RFC 2449 4, with CRLF
inline constexpr std::size_t kMaxAuthLine = 12288;   // SASL responses (RFC 5034 4)

enum class Verb {
    user,
    pass,
    apop,
    quit,
    stat,
    list,
    retr,
    dele,
    noop,
    rset,
    top,
    uidl,
    capa,
    stls,
    auth,
};

std::string_view to_string(Verb verb);

struct Command {
    Verb verb = Verb::noop;
    std::string argument;             // USER: the name; PASS: the password; APOP: raw
    std::optional<uint32_t> message;  // LIST/UIDL optional; RETR/DELE/TOP required
    uint64_t lines = 0;               // TOP
    std::string auth_mechanism;       // AUTH, upper-cased; empty: list mechanisms
    std::optional<std::string> auth_initial_response;  // AUTH, raw base64 ("=" means empty)
};

Result<Command> parse_command(std::string_view line);

}  // namespace tern::pop3
