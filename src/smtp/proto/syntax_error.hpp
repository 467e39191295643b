// The reply a malformed SMTP command earns, carried inside a tern::Error so
// that the parsers can return Result<T> like every other Tern parser.
//
// Promises: syntax_failure(code, enhanced, text) makes a Failure whose
// Error (Errc::invalid) has the message "<code> <enhanced> <text>";
// to_syntax_error() reads it back. An Error that was not made this way
// becomes 501 5.5.4 with its message as text, so a caller always gets a
// protocol-correct reply (RFC 5321 4.2.2, enhanced codes RFC 3463 / RFC 2034).
//
// The codes the command parser uses:
//   500 5.5.2  command unrecognized (RFC 5321 4.2.4)
//   501 5.5.4  syntax error in parameters or arguments
//   553 5.1.3  bad destination address syntax / 5.1.7 bad sender address
//   553 5.6.7  non-ASCII address without SMTPUTF8 (RFC 6531 3.5, RFC 6533 3)
//   555 5.5.4  MAIL/RCPT parameter unrecognized or repeated (RFC 5321 4.1.1.11)
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::smtp {

struct SyntaxError {
    int code = 501;
    std::string enhanced = "5.5.4";
    std::string text;

    bool operator==(const SyntaxError&) const = default;
};

Failure syntax_failure(int code, std::string_view enhanced, std::string_view text);
SyntaxError to_syntax_error(const Error& error);

}  // namespace tern::smtp
