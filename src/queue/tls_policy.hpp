// The TLS a connection to one host must have, and how DANE decides it.
//
// Levels (weakest first), like Postfix's smtp_tls_security_level:
//   none     never STARTTLS (a [[transport]] says so);
//   may      opportunistic (RFC 7435): STARTTLS when offered, unauthenticated,
//            and in clear when the handshake fails;
//   encrypt  TLS required, the certificate is not checked (a transport, or
//            RFC 7672 2.2: TLSA records exist but none is usable);
//   verify   TLS required, the certificate must chain to a trusted CA and
//            name one of match_names (MTA-STS enforce, RFC 8461 4.2; a
//            transport with tls = "verify");
//   dane     TLS required, the certificate must match one of `tlsa`
//            (RFC 7672 3).
// A host that cannot meet its level is skipped, never used in clear.
//
// dane_from_tlsa() reads the answer to `_port._tcp.host TLSA` (RFC 7672
// 2.2.2, 3): only an authenticated (AD) answer counts; usable records are
// DANE-TA(2) and DANE-EE(3) with selector 0/1 and matching type 0/1/2
// (RFC 7672 3.1.3: PKIX-TA(0)/PKIX-EE(1) are not used for SMTP); a lookup
// that failed (SERVFAIL, timeout) for a host whose addresses were secure
// makes the host unusable for now (RFC 7672 2.2: it may be an attack).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/records.hpp"
#include "net/stream.hpp"

namespace tern::queue {

struct HostTls {
    enum class Level { none, may, encrypt, verify, dane };
    Level level = Level::may;
    std::vector<net::DaneTlsa> tlsa;       // level dane
    std::vector<std::string> match_names;  // level verify (and testing): accepted names
    // MTA-STS testing mode (RFC 8461 5): check as `verify` would, log a
    // failure, deliver anyway (the level stays may).
    bool testing = false;
    std::string source = "opportunistic";  // what set the level: dane, mta-sts, transport

    bool required() const { return level >= Level::encrypt; }
};

std::string_view to_string(HostTls::Level level);

// What the TLSA answer means for a host: a level (dane or encrypt), nothing
// (no DANE: use the other policies), or an error (the host must not be used
// now; the string says why).
struct DaneDecision {
    std::optional<HostTls> tls;
    std::string error;
};
DaneDecision dane_from_tlsa(const dns::Answer& answer, std::string_view tlsa_name);

// "_25._tcp.mx.example.com" (RFC 6698 3).
std::string tlsa_name(std::string_view host, unsigned port);

}  // namespace tern::queue
