// POP3 reply builder: status lines "+OK text" and "-ERR [CODE] text"
// (RFC 1939 3), the SASL continuation "+ base64" (RFC 5034 4), and the
// extended response codes of RFC 2449 8 and RFC 3206.
//
// Promises: the output is always one well-formed line ending in CRLF,
// whatever the text: CR, LF, NUL and other control characters become spaces
// (so text taken from elsewhere can never end a line early or forge a second
// reply), and a line never exceeds 512 octets with its CRLF (RFC 2449 4).
#pragma once

#include <string>
#include <string_view>

namespace tern::pop3 {

inline constexpr std::size_t kMaxReplyLine = 512;  // RFC 2449 4, with CRLF

// RFC 2449 8.1 (IN-USE, LOGIN-DELAY) and RFC 3206 (SYS/TEMP, SYS/PERM, AUTH).
enum class RespCode { none, in_use, login_delay, sys_temp, sys_perm, auth };

std::string_view to_string(RespCode code);  // "IN-USE", ... ("" for none)

std::string ok(std::string_view text);
std::string err(std::string_view text, RespCode code = RespCode::none);
std::string err(RespCode code, std::string_view text);
// "+ <base64>\r\n" (RFC 5034 4); an empty challenge gives "+ \r\n".
std::string continuation(std::string_view base64);

}  // namespace tern::pop3
