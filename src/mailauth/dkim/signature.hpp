// DKIM-Signature header field parser (RFC 6376 3.5, 6.1.1; RFC 8463 3;
// RFC 8301 3.1).
//
// parse_signature() takes the field value (after "DKIM-Signature:") and
// returns a Signature, or Errc::invalid for anything RFC 6376 6.1.1 calls
// PERMFAIL: a malformed tag-list, v= other than "1", a missing required tag
// (v a b bh d h s), an unknown a= or c=, a q= without "dns/txt", an h= that
// omits From, an i= whose domain is not d= or a subdomain of it, bad
// numbers in l= t= x=, x= earlier than t=, undecodable base64. rsa-sha1
// parses (a verifier decides what to do with it, see verifier.hpp).
//
// remove_b_value() returns the field with the b= value emptied, as it is
// hashed (RFC 6376 3.7): everything after "b=" up to the next ";" or the end
// of the field goes, the same bytes dkimpy and OpenDKIM remove.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "mailauth/dkim/canonical.hpp"
#include "mailauth/dkim/crypto.hpp"

namespace tern::mailauth::dkim {

// RFC 6376 3.5 d= and s=: a name of LDH labels (and "_", as selectors use),
// at most 253 octets, labels of 1 to 63. ARC (RFC 8617 4.1) uses the same.
bool valid_dkim_name(std::string_view name);

enum class Algorithm { rsa_sha1, rsa_sha256, ed25519_sha256 };

std::string_view to_string(Algorithm algorithm);
KeyType key_type_of(Algorithm algorithm);
HashAlg hash_of(Algorithm algorithm);

struct Signature {
    Algorithm algorithm = Algorithm::rsa_sha256;
    std::string signature;  // b=, decoded
    std::string b_text;     // b= as written, folds removed (for header.b)
    std::string body_hash;  // bh=, decoded
    Canon header_canon = Canon::simple;
    Canon body_canon = Canon::simple;
    std::string domain;                        // d=
    std::string selector;                      // s=
    std::vector<std::string> headers;          // h=, in order
    std::string identity;                      // i=, defaulting to "@" + d=
    std::optional<std::uint64_t> body_length;  // l=
    std::optional<std::int64_t> timestamp;     // t=
    std::optional<std::int64_t> expiration;    // x=
};

Result<Signature> parse_signature(std::string_view value);

// `field` is the whole raw header field, name included.
std::string remove_b_value(std::string_view field);

// The domain part of an i= value ("user@sub.example.com" -> "sub.example.com").
std::string_view identity_domain(std::string_view identity);
// True when `sub` equals `domain` or ends in "." + domain, ignoring case.
bool is_same_or_subdomain(std::string_view sub, std::string_view domain);

}  // namespace tern::mailauth::dkim
