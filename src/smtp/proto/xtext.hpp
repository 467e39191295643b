// xtext, the encoding of DSN and AUTH parameter values (RFC 3461 4,
// reused by RFC 4954 5 for MAIL AUTH=).
//
//   xtext   = *( xchar / hexchar )
//   xchar   = any ASCII CHAR between "!" (33) and "~" (126) inclusive,
//             except for "+" and "="
//   hexchar = "+" 2HEXDIG   ; the octet with that value
//
// Promises: pure, never throw. xtext_decode fails with Errc::invalid on an
// octet outside xchar or a "+" not followed by two hex digits. Upper-case
// hex is what the RFC asks senders for; lower-case is accepted on input.
// xtext_encode produces canonical upper-case xtext of any octets.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::smtp {

Result<std::string> xtext_decode(std::string_view text);
std::string xtext_encode(std::string_view bytes);

}  // namespace tern::smtp
