// DKIM signing (RFC 6376 5; RFC 8463 3; RFC 8301 3.1).
//
// sign() takes the raw message bytes (bare LF is read as CRLF, as the
// message will travel over SMTP) and returns the complete header field to
// prepend: "DKIM-Signature: v=1; a=...; ... b=...\r\n", folded under 78
// columns with CRLF + TAB. The algorithm follows the key: rsa-sha256 for
// RSA (RFC 8301 3.1: rsa-sha1 is never produced; keys under 1024 bits are
// refused) and ed25519-sha256 for Ed25519 (the signature covers the SHA-256
// hash of the header data, RFC 8463 3).
//
// Header selection: each name of SignOptions::headers (default:
// default_signed_headers()) is listed as many times as the message has it;
// each name of SignOptions::oversign (default: From) is listed once more,
// so a field added later breaks the signature (RFC 6376 8.15). Errors
// (Errc::invalid): the message has no From field (RFC 6376 5.4), a bad
// domain or selector, an RSA key under 1024 bits, an i= outside d=.
//
// key_record_text() gives the TXT record to publish at
// <selector>._domainkey.<domain> for a key (RFC 6376 3.6.1, RFC 8463 4.2).
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

struct SignOptions {
    std::string domain;                   // d=
    std::string selector;                 // s=
    std::optional<std::string> identity;  // i=, omitted by default
    Canon header_canon = Canon::relaxed;
    Canon body_canon = Canon::relaxed;
    std::vector<std::string> headers;  // empty: default_signed_headers()
    std::vector<std::string> oversign{"From"};
    std::optional<std::int64_t> timestamp;     // t=; the caller's clock
    std::optional<std::int64_t> expire_after;  // x= = t= + this (needs t=)
    bool body_length = false;                  // emit l= (not advised: 8.2)
};

// From, Sender, Reply-To, To, Cc, Subject, Date, Message-ID, In-Reply-To,
// References, MIME-Version, Content-Type, Content-Transfer-Encoding,
// Content-ID, Content-Description, Resent-*, List-*, Autocrypt, Feedback-ID...
const std::vector<std::string>& default_signed_headers();

Result<std::string> sign(std::string_view message, const PrivateKey& key,
                         const SignOptions& options);

// Several signatures at once (an RSA and an Ed25519 key for one domain, as
// RFC 8463 6 advises during the transition): the fields concatenated, in
// the order given. Each is computed over the original message; none signs
// another (DKIM-Signature is not in the default header set).
struct SigningKey {
    const PrivateKey* key = nullptr;
    SignOptions options;
};
Result<std::string> sign_all(std::string_view message, const std::vector<SigningKey>& keys);

std::string key_record_text(const PrivateKey& key);

}  // namespace tern::mailauth::dkim
