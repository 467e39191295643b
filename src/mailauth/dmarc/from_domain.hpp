// The RFC5322.From domain DMARC evaluates (RFC 7489 3.1, 6.6.1), taken from
// a message's raw header section with the MIME library's header and address
// parsers.
//
// from_domain() returns the domain of the single From address, normalized
// (normalize_domain(): lower case, A-labels, no trailing dot). It fails with
// Errc::invalid when the header has no From field, several From fields
// (RFC 5322 3.6 allows one), no address or several addresses in it
// (RFC 7489 6.6.1: the domain to evaluate would be ambiguous; a receiver
// may reject such mail), or an address whose domain is missing, a literal
// ("[192.0.2.1]") or not a valid domain name.
//
// RFCs: RFC 7489 6.6.1; RFC 5322 3.4, 3.6.2.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::mailauth::dmarc {

// `message` is the raw message (or only its header section).
Result<std::string> from_domain(std::string_view message);

}  // namespace tern::mailauth::dmarc
