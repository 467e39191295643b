// Reverse-paths and forward-paths, the arguments of MAIL FROM and RCPT TO
// (RFC 5321 4.1.2):
//
//   Reverse-path = Path / "<>"
//   Forward-path = Path          ; also "<Postmaster>" (RFC 5321 4.1.1.3)
//   Path         = "<" [ A-d-l ":" ] Mailbox ">"
//   A-d-l        = At-domain *( "," At-domain )     ; a source route
//
// Promises: pure, never throw. parse_path reads one path from the start of
// `text` (which must begin with '<') and reports how many octets it used,
// so the caller can go on with the ESMTP parameters. Source routes are
// checked and dropped (RFC 5321 4.1.1.3, Appendix C: servers SHOULD ignore
// them). Errors are syntax_failure()s (see syntax_error.hpp):
//   501 5.5.4  no '<', no closing '>', path over 256 octets (RFC 5321 4.5.3.1.3)
//   553 5.1.7 (reverse) / 5.1.3 (forward)  bad or over-long mailbox
//   553 5.6.7  non-ASCII mailbox when UTF-8 is not allowed (RFC 6531 3.5)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "smtp/proto/address.hpp"

namespace tern::smtp {

enum class PathKind { reverse, forward };

struct Path {
    bool null = false;        // "<>": no reverse-path (bounces, RFC 5321 4.5.5)
    bool postmaster = false;  // "<Postmaster>" without a domain (RFC 5321 4.1.1.3)
    bool had_source_route = false;
    Mailbox mailbox;   // unquoted form; empty when null
    std::string wire;  // the mailbox exactly as sent, to relay unchanged

    bool is_ascii() const { return mailbox.is_ascii(); }
};

struct ParsedPath {
    Path path;
    std::size_t consumed = 0;  // octets of `text` up to and including '>'
};

Result<ParsedPath> parse_path(std::string_view text, PathKind kind, bool allow_utf8);

}  // namespace tern::smtp
