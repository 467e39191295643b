// Content-Transfer-Encoding decoders (RFC 2045 6) and line counting.
//
// All decoders are lenient and never fail, as RFC 2045 asks of readers:
// base64 ignores characters outside its alphabet (6.8) and stops at padding;
// quoted-printable keeps malformed "=" sequences literally and drops
// whitespace that transport added at line ends (6.7 rule 3). decode_body()
// fails only for an encoding it does not know (IMAP answers UNKNOWN-CTE,
// RFC 3516 4.3).
//
// RFCs: RFC 2045 6.7, 6.8; RFC 4648 4; RFC 3516.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::mime {

std::string decode_base64(std::string_view text);
std::string decode_quoted_printable(std::string_view text);

// Decodes a body in `encoding` (case-insensitive; empty means 7bit). Identity
// encodings (7bit, 8bit, binary) return the bytes as they are.
Result<std::string> decode_body(std::string_view encoding, std::string_view body);

// Number of lines in `text`: line endings, plus one for a last unterminated line.
std::size_t count_lines(std::string_view text);

}  // namespace tern::mime
