// DNS wire format for the c-ares resolver: building a query and turning a raw
// response into an Answer. Pure functions over bytes (STYLE.md 2): no sockets.
//
// build_query() makes an RFC 1035 4.1 query with RD set, an RFC 6891 EDNS0
// OPT record advertising 1232 bytes, and the AD bit set (RFC 6840 5.7: a
// stub asks a trusted validating resolver to report validation this way).
// It fails with Errc::invalid for a name c-ares cannot encode.
//
// parse_response() reads the header (RCODE, AD bit, RFC 1035 4.1.1), follows
// the CNAME chain present in the answer section (RFC 1034 3.6.2, at most
// kMaxCnameHops links) and extracts the records of the asked type: A, AAAA,
// MX, TXT (character-strings of one RR concatenated, RFC 7208 3.3), PTR,
// CNAME and TLSA (RFC 6698 2.1, parsed by hand). The negative TTL comes from
// the SOA in the authority section (RFC 2308 5). A malformed packet is an
// Errc::invalid error, never an exception.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "dns/records.hpp"

namespace tern::dns {

inline constexpr int kMaxCnameHops = 8;

// The query bytes, ready for ares_send (c-ares replaces the id).
Result<std::vector<unsigned char>> build_query(const Question& question);

struct ParsedResponse {
    Answer answer;
    // The chain ended at a name (answer.canonical_name) for which the packet
    // holds neither records nor a SOA: the caller queries that name.
    bool chain_incomplete = false;
    int cname_hops = 0;
};

Result<ParsedResponse> parse_response(const unsigned char* data, std::size_t size,
                                      const Question& question);

// Lower-case, without the trailing dot: the form names are compared in
// (RFC 4343: DNS names are case-insensitive).
std::string normalize_name(std::string_view name);

}  // namespace tern::dns
