// Writing IMAP strings (RFC 9051 4.3, 9; RFC 3501 4.3) for ENVELOPE and
// BODYSTRUCTURE: a quoted string when the bytes allow it (7-bit, no CR, LF
// or NUL; '"' and '\' escaped), otherwise a synchronizing literal
// "{n}\r\n<bytes>". NUL is never allowed in either form (RFC 9051 4.3), so
// NUL bytes are dropped.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tern::mime {

void append_string(std::string& out, std::string_view s);
void append_nstring(std::string& out,
                    const std::optional<std::string>& s);  // NIL when empty optional

}  // namespace tern::mime
