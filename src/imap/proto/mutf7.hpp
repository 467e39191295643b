// Modified UTF-7 for IMAP mailbox names (RFC 3501 5.1.3, kept by RFC 9051
// 5.1.3 for IMAP4rev1 clients), and a UTF-8 validity check used when the
// client has enabled UTF8=ACCEPT (RFC 6855 3) and names travel as UTF-8.
//
// mutf7_decode(): modified UTF-7 in, UTF-8 out. Fails (Errc::invalid) on
// 8-bit or control octets, an unterminated "&" shift, characters outside the
// modified base64 alphabet, printable ASCII encoded in base64 (RFC 3501
// 5.1.3: it MUST be represented by itself), a shift that encodes nothing or
// directly follows another one (an encoder must merge them), non-zero
// padding bits, an odd number of UTF-16 octets, or an unpaired surrogate.
// mutf7_encode(): UTF-8 in, modified UTF-7 out; fails on invalid UTF-8.
// The two are inverse for every valid input.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::imap {

Result<std::string> mutf7_decode(std::string_view text);
Result<std::string> mutf7_encode(std::string_view utf8);

// RFC 3629 4: well-formed UTF-8 (no overlongs, surrogates or values above
// U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace tern::imap
