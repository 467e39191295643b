// ARC sealing (RFC 8617 5.1): the next ARC set for a message an
// intermediary forwards.
//
// seal() returns the three header fields to prepend, newest first as they
// will sit in the message:
//   ARC-Seal: i=N; a=...; t=...; cv=...; d=...; s=...; b=...
//   ARC-Message-Signature: i=N; a=...; c=relaxed/relaxed; d=; s=; t=; h=; bh=; b=
//   ARC-Authentication-Results: i=N; <the Authentication-Results payload>
// each folded under 78 columns (CRLF TAB) and ending in CRLF.
//   - N is one more than the highest instance in the message (5.1 step 2);
//   - cv= (4.1.3) is "none" when the message has no chain, otherwise the
//     caller's validation result (SealOptions::chain): "pass" or "fail";
//   - the AMS (4.1.2) signs like a DKIM signature with relaxed/relaxed
//     canonicalization and the header set of dkim::default_signed_headers()
//     plus DKIM-Signature (RFC 8617 4.1.2: it SHOULD cover them), each name
//     as often as it occurs, From once more (oversigned);
//   - the AS (5.1.1) signs the sets 1..N in order (AAR, AMS, AS each, relaxed
//     canonicalization), or only the new set when cv=fail (5.1.2);
//   - the algorithm follows the key: rsa-sha256 or ed25519-sha256 (RFC 8463).
// Errors (Errc::invalid), nothing prepended then: the newest seal already
// says cv=fail (5.1 step 1: the chain is terminated, sealing stops), the
// chain already has 50 sets (4.2.1), a bad domain or selector, an RSA key
// under 1024 bits (RFC 8301 3.2), no Authentication-Results payload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "mailauth/arc/chain.hpp"
#include "mailauth/dkim/crypto.hpp"

namespace tern::mailauth::arc {

struct SealOptions {
    std::string domain;    // d= of both AMS and AS
    std::string selector;  // s=
    // The Authentication-Results of this hop: the whole field
    // ("Authentication-Results: id; spf=pass ...\r\n") or its value.
    std::string auth_results;
    ChainStatus chain = ChainStatus::none;  // the validation of the chain as received
    std::optional<std::int64_t> timestamp;  // t=; the caller's clock
};

Result<std::string> seal(std::string_view message, const dkim::PrivateKey& key,
                         const SealOptions& options);

}  // namespace tern::mailauth::arc
