// SMTP reply builder (RFC 5321 4.2): one line "250 2.1.0 text\r\n", or a
// multi-line reply "250-a\r\n250-b\r\n250 c\r\n" (RFC 5321 4.2.1) where
// every line but the last has '-' after the code.
//
// Promises: the output is always a well-formed reply, whatever the text:
// - CR, LF and other control characters (and DEL) become spaces, so text
//   can never end a line early or inject another reply; a TAB is kept
//   (textstring allows HT, RFC 5321 4.2). Bytes that are not valid UTF-8
//   become '?'; valid UTF-8 is kept (RFC 6531 3.7.4.2).
// - each line without CRLF is at most 510 octets, so with CRLF it fits
//   the 512-octet reply line limit (RFC 5321 4.5.3.1.5); text is cut at a
//   character boundary.
// - `enhanced` (RFC 2034 / RFC 3463), when not empty, follows the code on
//   every line. Leave it empty for the greeting and EHLO/HELO replies (RFC
//   2034 3).
// Precondition (an internal invariant, asserted): 200 <= code <= 599.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "smtp/proto/syntax_error.hpp"

namespace tern::smtp {

inline constexpr std::size_t kMaxReplyLine = 510;  // without CRLF

std::string reply(int code, std::string_view enhanced, std::string_view text);
std::string reply_lines(int code, std::string_view enhanced, const std::vector<std::string>& lines);
std::string reply(const SyntaxError& error);

}  // namespace tern::smtp
