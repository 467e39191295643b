// ARC header field parsers and the chain structure (RFC 8617 4.1, 4.2, 5.2).
//
// An ARC set is three header fields sharing one instance number i= (RFC 8617
// 4.2.1: 1..50): ARC-Authentication-Results (AAR, 4.1.1: "i=N;" then an
// Authentication-Results payload), ARC-Message-Signature (AMS, 4.1.2: a
// DKIM-Signature with i= meaning the instance, no v=) and ARC-Seal (AS,
// 4.1.3: a=, b=, cv=, d=, i=, s=, t=; no h=, always relaxed).
//
// parse_seal() and parse_message_signature() take a field value (after the
// colon) and return the parsed tags or Errc::invalid: a malformed tag-list
// (RFC 6376 3.2 via dkim::parse_tag_list), a missing required tag, an
// instance outside 1..50, an unknown algorithm, undecodable base64, a bad
// d= or s=, an AS with h= (RFC 8617 4.1.3), an AMS whose h= names ARC-Seal
// (RFC 8617 4.1.2). rsa-sha1 is refused outright (RFC 8301 3.1).
//
// parse_chain() finds every ARC field of a message and checks the structure
// of RFC 8617 5.2 steps 1-3: no ARC fields gives an empty chain; otherwise
// every instance 1..N must have exactly one AAR, AMS and AS, none may be
// missing, duplicated or above 50, every field must parse, the AS of i=1
// must say cv=none and every later one cv=pass. Any violation is
// Errc::invalid naming the problem (the chain then fails). The returned
// sets point into `message`, which must outlive them.
//
// scan_instances() is the lenient view a sealer needs even of a broken
// chain: the highest instance number found and the cv= of the highest AS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "mailauth/dkim/canonical.hpp"
#include "mailauth/dkim/signature.hpp"

namespace tern::mailauth::arc {

// RFC 8617 4.2.1: instance values run from 1 to 50.
inline constexpr int kMaxInstance = 50;

// RFC 8617 4.4: the chain validation status (the AS cv= values).
enum class ChainStatus { none, pass, fail };
std::string_view to_string(ChainStatus status);

struct Seal {
    int instance = 0;
    dkim::Algorithm algorithm = dkim::Algorithm::rsa_sha256;
    ChainStatus cv = ChainStatus::none;
    std::string domain;     // d=
    std::string selector;   // s=
    std::string signature;  // b=, decoded
    std::optional<std::int64_t> timestamp;
};

struct MessageSignature {
    int instance = 0;
    dkim::Algorithm algorithm = dkim::Algorithm::rsa_sha256;
    dkim::Canon header_canon = dkim::Canon::relaxed;
    dkim::Canon body_canon = dkim::Canon::relaxed;
    std::string domain;
    std::string selector;
    std::vector<std::string> headers;  // h=
    std::string body_hash;             // bh=, decoded
    std::string signature;             // b=, decoded
    std::optional<std::int64_t> timestamp;
};

Result<Seal> parse_seal(std::string_view value);
Result<MessageSignature> parse_message_signature(std::string_view value);
// The instance of an AAR value: "i=N;" at its start (RFC 8617 4.1.1).
Result<int> parse_results_instance(std::string_view value);

struct ArcSet {
    int instance = 0;
    const dkim::HeaderField* results = nullptr;    // AAR
    const dkim::HeaderField* signature = nullptr;  // AMS
    const dkim::HeaderField* seal = nullptr;       // AS
    MessageSignature ams;
    Seal as;
};

// Sets in instance order: chain[k].instance == k + 1.
Result<std::vector<ArcSet>> parse_chain(const dkim::Message& message);

struct InstanceScan {
    int highest = 0;                        // 0: no ARC field carries an instance
    std::optional<ChainStatus> highest_cv;  // cv= of an AS with that instance
    bool any_arc_field = false;
};
InstanceScan scan_instances(const dkim::Message& message);

// The value of a header field: after the colon, without the final CRLF.
std::string_view field_value(const dkim::HeaderField& field);

}  // namespace tern::mailauth::arc
