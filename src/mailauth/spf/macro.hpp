// SPF macro-strings (RFC 7208 7): syntax checking and expansion.
//
// expand() is pure: every value a macro can name, including the validated
// domain for %{p}, is supplied in MacroContext, so the caller decides how
// (and whether) to perform the DNS lookups that %{p} needs; uses_p_macro()
// tells it in advance.
//
// Errors (Errc::invalid, the caller turns them into "permerror"): a '%'
// not followed by '{', '%', '_' or '-' (RFC 7208 7.1), an unknown macro
// letter, a zero digit transformer, an unterminated macro, a non-printable
// or non-ASCII byte, and the letters c, r and t outside an explanation
// (RFC 7208 7.3: they are valid only in "exp" text).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "dns/ip_address.hpp"

namespace tern::mailauth::spf {

struct MacroContext {
    std::string sender;          // s: <sender> (local-part@domain)
    std::string local_part;      // l
    std::string sender_domain;   // o
    std::string domain;          // d: the current <domain>
    dns::IpAddress ip;           // i, c, v
    std::string helo;            // h
    std::string validated;       // p: the validated name, or "unknown"
    std::string receiver;        // r: the receiving host's name
    std::int64_t timestamp = 0;  // t: seconds since the epoch
};

enum class MacroMode {
    domain_spec,  // inside a mechanism or modifier: no spaces, no c/r/t
    explanation,  // RFC 7208 6.2 explanation text: spaces and c/r/t allowed
};

Status check_macro_string(std::string_view text, MacroMode mode);
Result<std::string> expand(std::string_view text, const MacroContext& ctx, MacroMode mode);
bool uses_p_macro(std::string_view text);
// True when `text` is a valid domain_spec macro-string whose last token is a
// macro-expand ("%{...}", "%%", "%_" or "%-"): RFC 7208 12 domain-end.
bool ends_with_macro_expand(std::string_view text);

// RFC 7208 7.3 "i": IPv4 dotted-quad, IPv6 as 32 dot-separated nibbles.
std::string macro_ip(const dns::IpAddress& ip);

}  // namespace tern::mailauth::spf
