// UTF-8 checks for internationalized SMTP (RFC 6531): which octets may
// appear in an address or parameter once SMTPUTF8 is in play.
//
// Promises: pure, never throw. `valid_utf8` accepts exactly the well-formed
// sequences of RFC 3629 4 (no overlong forms, no surrogates, nothing above
// U+10FFFF); `utf8_sequence_length` reports the length of the well-formed
// sequence starting at `pos`, or 0 when there is none.
#pragma once

#include <cstddef>
#include <string_view>

namespace tern::smtp {

std::size_t utf8_sequence_length(std::string_view s, std::size_t pos);
bool valid_utf8(std::string_view s);
bool is_ascii(std::string_view s);

}  // namespace tern::smtp
