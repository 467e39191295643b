// Backend-neutral normalization of what callers hand the store: flags,
// mailbox names, addresses and domains. Every backend uses these so the
// conformance suite sees the same canonical forms everywhere.
//
// Flags (RFC 9051 2.3.2): the system flags \Seen \Answered \Flagged \Deleted
// \Draft are matched case-insensitively and stored in that canonical case;
// keywords are 7-bit atoms kept as given and compared case-insensitively; any
// other "\..." flag is refused (\Recent is not storable, RFC 9051 2.3.2). A
// flag list is returned sorted (byte order) and unique. Errors: Errc::invalid,
// Errc::limit past kMaxFlag.
//
// Mailbox names: "INBOX" is case-insensitive (RFC 9051 5.1) and canonical in
// upper case; '/' separates levels, so empty levels and leading or trailing
// '/' are refused, as are control characters. Errors: Errc::invalid,
// Errc::limit past kMaxMailboxName.
//
// Addresses: "local@domain" with the domain lower-cased and the local part
// kept; `key` is the fully lower-cased form used for lookups. A catch-all
// alias source is "@domain". Errors: Errc::invalid.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/store.hpp"

namespace tern::store {

// Limits (DESIGN.md rule 4), exceeded with Errc::limit: long enough for any
// real client, short enough that a hostile one cannot bloat every row.
inline constexpr size_t kMaxFlag = 256;
inline constexpr size_t kMaxMailboxName = 1024;

Result<std::string> canonical_flag(std::string_view flag);
Result<std::vector<std::string>> normalize_flags(const std::vector<std::string>& flags);
// Applies `op` with `flags` (already normalized) to `current` (normalized).
std::vector<std::string> apply_flags(const std::vector<std::string>& current, FlagOp op,
                                     const std::vector<std::string>& flags);
bool has_flag(const std::vector<std::string>& flags, std::string_view flag);
// Space-separated storage form (flags are atoms, so never contain a space).
std::string join_flags(const std::vector<std::string>& flags);
std::vector<std::string> split_flags(std::string_view joined);

Result<std::string> canonical_mailbox_name(std::string_view name);
bool is_inbox(std::string_view canonical_name);

struct NormalAddress {
    std::string address;  // local part as given, domain lower-cased
    std::string key;      // fully lower-cased
    std::string domain;   // lower-cased
};
// allow_empty_local: true for alias sources, where "@domain" is a catch-all.
Result<NormalAddress> normalize_address(std::string_view address, bool allow_empty_local);
Result<std::string> normalize_domain(std::string_view domain);

}  // namespace tern::store
