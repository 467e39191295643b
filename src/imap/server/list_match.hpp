// LIST/LSUB pattern matching (RFC 9051 6.3.9, RFC 3501 6.3.8) over mailbox
// names that use "/" as the hierarchy delimiter.
//
// "*" matches zero or more characters, "%" the same but not the delimiter.
// The reference is prefixed to the pattern as given (the RFC leaves its
// interpretation to the server; plain concatenation is what clients expect).
// "INBOX" in any case at the start of a pattern matches the INBOX
// (RFC 9051 5.1: INBOX is case-insensitive), other names compare exactly.
//
// Pure; never throws. Backtracking is bounded by keeping the match
// iterative with one saved position per wildcard kind.
#pragma once

#include <string>
#include <string_view>

namespace tern::imap {

inline constexpr char kDelimiter = '/';

// reference + pattern, with a leading "inbox" (any case) made "INBOX".
std::string list_canonical_pattern(std::string_view reference, std::string_view pattern);
bool list_match(std::string_view pattern, std::string_view name);

}  // namespace tern::imap
