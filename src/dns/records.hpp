// DNS answer model shared by every consumer of DNS (routing, SPF, DKIM,
// DMARC, DANE, blocklists) and every Resolver implementation.
//
// One Question (name, type) gets one Answer. The Answer tells apart the
// outcomes callers must treat differently (RFC 7208 2.6.6/2.6.7 need
// temperror vs none vs permerror):
//   noerror   the name exists; the typed list for the asked type may be empty
//             (NODATA),
//   nxdomain  RFC 1035 4.1.1 RCODE 3: the name does not exist,
//   servfail  RCODE 2 (and other server failures such as REFUSED),
//   timeout   no answer in time.
// `authenticated` is the AD bit (RFC 4035 3.2.3) as reported by a trusted,
// validating resolver (RFC 6840 5.7); DANE needs it.
// Names are in presentation form without the trailing dot.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dns/ip_address.hpp"

namespace tern::dns {

// RFC 1035 3.2.2, RFC 3596 2.1 (AAAA), RFC 6698 7.1 (TLSA).
enum class RecordType : std::uint16_t {
    a = 1,
    cname = 5,
    ptr = 12,
    mx = 15,
    txt = 16,
    aaaa = 28,
    tlsa = 52,
};

enum class Rcode : std::uint8_t { noerror, nxdomain, servfail, timeout };

std::string_view to_string(RecordType type);
std::string_view to_string(Rcode rcode);

struct MxRecord {
    std::uint16_t preference = 0;
    std::string host;  // without the trailing dot: "" for the RFC 7505 null MX "."
    bool operator==(const MxRecord&) const = default;
};

// RFC 6698 2.1: certificate usage, selector, matching type, association data.
struct TlsaRecord {
    std::uint8_t usage = 0;
    std::uint8_t selector = 0;
    std::uint8_t matching_type = 0;
    std::string data;  // raw bytes
    bool operator==(const TlsaRecord&) const = default;
};

struct Question {
    std::string name;
    RecordType type = RecordType::a;
    bool operator==(const Question&) const = default;
};

struct Answer {
    Rcode rcode = Rcode::noerror;
    bool authenticated = false;  // the AD bit
    std::uint32_t ttl = 0;       // smallest TTL of the records used
    // The name the records belong to after following CNAMEs (RFC 1034 3.6.2).
    std::string canonical_name;

    // Exactly one of these is filled, matching the question's type.
    std::vector<IpAddress> addresses;  // A, AAAA
    std::vector<MxRecord> mx;          // MX
    // TXT: one entry per record, its character-strings concatenated
    // (RFC 7208 3.3, RFC 6376 3.6.2.2).
    std::vector<std::string> txt;
    std::vector<std::string> names;  // PTR, CNAME targets
    std::vector<TlsaRecord> tlsa;    // TLSA

    bool ok() const { return rcode == Rcode::noerror; }
    // True for a non-existent name or an existing name with no records of
    // the asked type (RFC 2308 NODATA): what RFC 7208 4.6.4 calls "void".
    bool empty() const {
        return addresses.empty() && mx.empty() && txt.empty() && names.empty() && tlsa.empty();
    }
};

}  // namespace tern::dns
