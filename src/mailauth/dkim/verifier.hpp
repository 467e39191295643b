// DKIM verification (RFC 6376 6; RFC 8463; RFC 8301), with a result per
// DKIM-Signature field, in the order the fields appear.
//
// DNS is injected (STYLE.md 9). Verifier is resumable without threads: it
// parses the message, questions() lists the key records it needs
// (<s>._domainkey.<d> TXT, RFC 6376 3.6.2.1), the caller resolves them with
// any dns::Resolver and hands each answer to provide(), then results()
// decides. verify() drives it with a SyncResolver; verify_async() with a
// callback Resolver. A question never answered counts as a timeout.
//
// Results (the RFC 8601 2.7.1 words), and when each is given:
//   pass       signature and body hash verify. `testing` is set for t=y keys;
//              `body_truncated` when l= left `unsigned_body_bytes` unsigned.
//   fail       the body hash or the signature does not match, or the body is
//              shorter than l=.
//   neutral    it failed, but the key is in testing mode (t=y, RFC 6376
//              3.6.1: treat like unsigned mail).
//   policy     it verified, but l= left unsigned bytes and the options do not
//              accept that (allow_partial_body = false; RFC 6376 8.2).
//   temperror  the key lookup timed out or failed (SERVFAIL).
//   permerror  the field does not parse (signature.hpp), the key is absent,
//              revoked, malformed, of the wrong type, not for email, refuses
//              the hash (h=), shorter than 1024 bits (RFC 8301 3.2), t=s and
//              i= is a subdomain, x= has passed or t= is in the future
//              (beyond clock_skew), too many signatures (max_signatures), or
//              the algorithm is rsa-sha1 and allow_rsa_sha1 is false.
// rsa-sha1 policy: RFC 8301 3.1 says rsa-sha1 "MUST NOT be used for signing
// or verifying", so by default it is a permerror (like an unknown a=). An
// operator may set allow_rsa_sha1 to verify legacy mail; it then passes or
// fails like any other algorithm.
// An empty vector means the message has no DKIM-Signature (result "none").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.hpp"
#include "mailauth/dkim/canonical.hpp"
#include "mailauth/dkim/signature.hpp"

namespace tern::mailauth::dkim {

enum class DkimResult { none, pass, fail, neutral, temperror, permerror, policy };
std::string_view to_string(DkimResult result);

struct VerifyOptions {
    std::int64_t now = 0;           // the injected clock, Unix seconds
    std::int64_t clock_skew = 300;  // tolerance for x= and t=
    bool allow_rsa_sha1 = false;
    bool allow_partial_body = true;  // l= with unsigned bytes: pass (flagged)
    std::size_t max_signatures = 8;  // bounds DNS work per message
};

struct SignatureResult {
    DkimResult result = DkimResult::permerror;
    std::string reason;
    std::string domain;    // d=, empty if the field did not parse
    std::string selector;  // s=
    std::string identity;  // i= (or "@" + d=)
    std::optional<Algorithm> algorithm;
    std::string b_text;  // for Authentication-Results header.b (RFC 6008)
    bool testing = false;
    bool body_truncated = false;
    std::uint64_t unsigned_body_bytes = 0;
};

class Verifier {
  public:
    Verifier(std::string_view message, VerifyOptions options);

    // The distinct key questions not yet answered.
    std::vector<dns::Question> questions() const;
    void provide(const dns::Question& question, dns::Answer answer);
    std::vector<SignatureResult> results() const;

  private:
    struct Entry {
        Result<Signature> signature;
        std::string field;     // raw DKIM-Signature field
        std::string key_name;  // empty when not looked up
    };
    SignatureResult check(const Entry& entry, std::size_t index) const;
    const std::string& canonical_body(Canon canon) const;

    Message message_;
    VerifyOptions options_;
    std::vector<Entry> entries_;
    std::map<std::string, dns::Answer> answers_;  // by lowercased key name
    mutable std::optional<std::string> body_[2];
};

std::vector<SignatureResult> verify(std::string_view message, dns::SyncResolver& resolver,
                                    const VerifyOptions& options);
// Calls `done` once, after every lookup completed (possibly before return).
void verify_async(std::string_view message, dns::Resolver& resolver, const VerifyOptions& options,
                  std::function<void(std::vector<SignatureResult>)> done);

}  // namespace tern::mailauth::dkim
