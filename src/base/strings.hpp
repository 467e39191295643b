// ASCII string helpers used by every protocol. Mail protocols compare
// keywords case-insensitively in ASCII only (RFC 5321 2.4, RFC 3501 9), so
// these never consult the locale.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

inline char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
inline char ascii_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s);  // spaces and tabs at both ends
std::vector<std::string_view> split(std::string_view s, char sep);

// Base64 (RFC 4648 4) without line breaks. decode fails on bad characters
// or padding; whitespace is not accepted (SASL wants exact input).
std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string& out);

std::string hex_encode(std::string_view bytes);

// The octet count of `text` once every bare LF is written as CRLF (the size
// POP3 LIST reports, RFC 1939 11; and the size of mail on the SMTP wire).
uint64_t crlf_length(std::string_view text);

}  // namespace tern
