// DKIM key record parser (RFC 6376 3.6.1; RFC 8463 4.2; RFC 8301 3.2).
//
// parse_key_record() reads one TXT record (its strings already joined) and
// returns a KeyRecord or Errc::invalid when: the tag-list is malformed, v=
// is present but not "DKIM1" or not the first tag, k= is neither "rsa" nor
// "ed25519", p= is missing, or p= is not base64. An empty p= is valid and
// means the key was revoked (3.6.1): `revoked` is set and the caller fails
// the signature. The key bytes are not decoded into a PublicKey here
// (verifier.hpp does that, so a bad key gives a per-signature error).
//
// Flags kept: t=y (testing, 3.6.1: results must not change how mail is
// treated), t=s (i= domain must equal d=), h= (acceptable hashes), s=
// (service types: "*" or "email" must be listed for the key to apply).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "mailauth/dkim/crypto.hpp"

namespace tern::mailauth::dkim {

struct KeyRecord {
    KeyType type = KeyType::rsa;  // k=, "rsa" by default
    std::string public_key;       // p=, decoded (empty when revoked)
    bool revoked = false;
    bool testing = false;             // t=y
    bool strict_identity = false;     // t=s
    std::vector<std::string> hashes;  // h=; empty means any
    bool for_email = true;            // s= lists "*" or "email"

    bool allows(HashAlg alg) const;
};

Result<KeyRecord> parse_key_record(std::string_view txt);

}  // namespace tern::mailauth::dkim
