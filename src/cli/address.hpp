// Syntax checks for the addresses and domains an operator types into the
// `tern` admin subcommands, so that a typo is refused with a clear message
// before it reaches the store.
//
// Promises: pure functions, no I/O, never throw. Accepted forms:
// - domain: LDH labels (RFC 1035 2.3.4, RFC 1123 2.1) of at most 63 octets,
//   253 in all, with at least one dot, or exactly "localhost"; octets >= 0x80
//   are allowed in labels for internationalized (U-label) domains (RFC 6531).
// - address: local@domain, the local part a dot-atom (RFC 5322 3.2.3) of at
//   most 64 octets (RFC 5321 4.5.3.1.1), UTF-8 allowed (RFC 6531 3.3).
// - alias source: an address, or "@domain" for a catch-all.
#pragma once

#include <string>
#include <string_view>

namespace tern::cli {

bool valid_domain(std::string_view domain);
bool valid_address(std::string_view address);
bool valid_alias_source(std::string_view source);

// The part after the last '@' (the whole text when there is none).
std::string_view domain_of(std::string_view address);

}  // namespace tern::cli
