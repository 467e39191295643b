// Mailboxes as SMTP carries them: local-part "@" domain (RFC 5321 4.1.2),
// extended with UTF-8 by SMTPUTF8 (RFC 6531 3.3).
//
// A Mailbox holds the local part *unquoted* (the value a Quoted-string
// stands for) and the domain as written: a hostname, or an address literal
// with its brackets ("[192.0.2.1]", "[IPv6:2001:db8::1]").
//
// Promises: pure, no I/O, never throw or assert on input.
// - parse_mailbox: accepts Dot-string or Quoted-string local parts (RFC 5321
//   4.1.2) and Domain or address-literal domains (RFC 5321 4.1.2, 4.1.3).
//   Errors: Errc::invalid (syntax, or bytes that are not UTF-8),
//   Errc::limit (local part over 64 octets, domain over 255, RFC 5321
//   4.5.3.1.1-2), Errc::denied (well-formed UTF-8 where only ASCII is
//   allowed: the caller answers 553 5.6.7, RFC 6531 3.5 / RFC 6533 3).
// - Mailbox::to_string: quotes the local part only when it is not a
//   Dot-string, so equal mailboxes print equally whatever quoting they came in.
// - Mailbox::canonical_key: to_string with the domain lower-cased (ASCII),
//   for lookups; the local part keeps its case (RFC 5321 2.4).
// - is_domain / is_address_literal: the RFC 5321 4.1.2 / 4.1.3 grammars.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::smtp {

// RFC 5321 4.5.3.1.1-3: the minimum maximums every server must accept.
inline constexpr std::size_t kMaxLocalPart = 64;
inline constexpr std::size_t kMaxDomain = 255;
inline constexpr std::size_t kMaxPath = 256;

struct Mailbox {
    std::string local;   // unquoted value
    std::string domain;  // hostname as written, or "[...]" address literal; empty for <Postmaster>

    std::string to_string() const;
    std::string canonical_key() const;
    bool is_ascii() const;
    bool operator==(const Mailbox&) const = default;
};

struct DomainRules {
    bool allow_utf8 = false;        // U-labels (RFC 6531 3.3)
    bool allow_underscore = false;  // tolerated in EHLO names, never in addresses
};

Result<Mailbox> parse_mailbox(std::string_view text, bool allow_utf8);

bool is_domain(std::string_view domain, const DomainRules& rules = {});
bool is_address_literal(std::string_view literal);
bool is_dot_string(std::string_view local, bool allow_utf8);

// The local part as it must appear on the wire: unchanged when it is a
// Dot-string, else a Quoted-string with '"' and '\' escaped.
std::string quote_local_part(std::string_view local);

}  // namespace tern::smtp
