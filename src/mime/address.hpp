// RFC 5322 3.4 address lists, read leniently (RFC 5322 4.4 obsolete forms:
// routes "<@a,@b:u@h>", empty list members, phrases with "."), for ENVELOPE
// (RFC 9051 7.5.2) and for callers that want display names.
//
// parse_address_list() never fails. Each mailbox gives display name (raw:
// quotes removed and unfolded, RFC 2047 encoded-words kept, as IMAP's
// ENVELOPE wants), local part and domain. A group "name: a, b;" gives a
// group-start entry, its members and a group-end entry, as ENVELOPE encodes
// groups. Comments are skipped. Text that is no address at all (a lone word)
// becomes a mailbox with an empty domain.
//
// RFCs: RFC 5322 3.2, 3.4, 4.4; RFC 9051 7.5.2 (address structure).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tern::mime {

struct Address {
    enum class Kind { mailbox, group_start, group_end };
    Kind kind = Kind::mailbox;
    std::optional<std::string> name;   // display name or group name; nullopt when absent
    std::optional<std::string> route;  // obsolete source route ("@a,@b"), RFC 5322 4.4
    std::string mailbox;               // local part (quotes kept when it needs them)
    std::string host;                  // domain; empty when the address had none
};

std::vector<Address> parse_address_list(std::string_view value);

// display name with RFC 2047 encoded-words decoded to UTF-8.
std::string decoded_name(const Address& a);

}  // namespace tern::mime
