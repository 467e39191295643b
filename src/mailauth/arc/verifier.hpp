// ARC chain validation (RFC 8617 5.2), resumable without threads like
// dkim::Verifier: the constructor parses the message and its chain,
// questions() lists the key records it needs (<s>._domainkey.<d> TXT, as
// DKIM, RFC 6376 3.6.2.1; RFC 8617 4.1.2, 4.1.3), the caller answers them
// with any dns::Resolver through provide(), then result() decides.
//
// Results (RFC 8617 4.4, the arc= words of RFC 8601 2.7 / RFC 8617 10.1):
//   none  the message carries no ARC field.
//   fail  the structure is broken (chain.hpp: a missing, duplicated or
//         malformed field, a gap, i= above 50, wrong cv= values), the newest
//         seal says cv=fail (5.2 step 2), the newest AMS does not verify
//         (step 4), or any AS does not verify (step 6). A key that cannot
//         be fetched or used (absent, revoked, wrong type, RSA under 1024
//         bits per RFC 8301 3.2, DNS failure) fails the signature: ARC has
//         no temperror.
//   pass  everything above holds (step 7).
// oldest_pass (step 5, optional): when the chain passes, the lowest
// instance whose AMS and every newer AMS verify, or 0 when all do.
// The number of distinct key lookups is bounded (max_keys): a hostile chain
// of 50 sets with 100 keys is failed without asking DNS 100 times.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.hpp"
#include "mailauth/arc/chain.hpp"
#include "mailauth/dkim/crypto.hpp"

namespace tern::mailauth::arc {

struct ArcVerdict {
    ChainStatus result = ChainStatus::none;
    std::string reason;  // empty on pass and none
    int instances = 0;   // N, the newest instance (0: no chain or unparseable)
    std::optional<int> oldest_pass;
};

struct ArcVerifyOptions {
    bool oldest_pass = true;
    std::size_t max_keys = 16;
};

class ArcVerifier {
  public:
    explicit ArcVerifier(std::string_view message, ArcVerifyOptions options = {});
    ArcVerifier(const ArcVerifier&) = delete;  // the chain points into message_
    ArcVerifier& operator=(const ArcVerifier&) = delete;

    std::vector<dns::Question> questions() const;
    void provide(const dns::Question& question, dns::Answer answer);
    ArcVerdict result() const;

  private:
    Result<dkim::PublicKey> key(const std::string& domain, const std::string& selector,
                                dkim::Algorithm algorithm) const;
    Status check_ams(const ArcSet& set) const;
    Status check_seal(std::size_t index) const;
    const std::string& canonical_body(dkim::Canon canon) const;

    dkim::Message message_;
    ArcVerifyOptions options_;
    Result<std::vector<ArcSet>> chain_;
    std::vector<std::string> key_names_;          // distinct, lowercased
    std::map<std::string, dns::Answer> answers_;  // by lowercased name
    mutable std::optional<std::string> body_[2];
};

ArcVerdict verify(std::string_view message, dns::SyncResolver& resolver,
                  const ArcVerifyOptions& options = {});

// The RFC 8617 5.2 input to an ARC-Seal's signature for chain[index]: the
// sets 1..index+1 in order (AAR, AMS, AS each, relaxed), the last AS with
// its b= value removed and no final CRLF. Shared by the sealer.
std::string seal_hash_input(const std::vector<const dkim::HeaderField*>& fields);

}  // namespace tern::mailauth::arc
