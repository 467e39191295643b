#include "mailauth/arc/verifier.hpp"

#include "base/strings.hpp"
#include "mailauth/dkim/key_record.hpp"

namespace tern::mailauth::arc {

namespace {

std::string key_name(const std::string& domain, const std::string& selector) {
    // RFC 6376 3.6.2.1: the key lives at <selector>._domainkey.<domain>.
    return to_lower(selector + "._domainkey." + domain);
}

bool verify_signature(const dkim::PublicKey& key, dkim::Algorithm algorithm,
                      const std::string& data, const std::string& signature) {
    if (algorithm == dkim::Algorithm::ed25519_sha256) {
        // RFC 8463 3: Ed25519 signs the SHA-256 digest of the data.
        return key.verify(dkim::HashAlg::sha256, dkim::hash(dkim::HashAlg::sha256, data),
                          signature);
    }
    return key.verify(dkim::HashAlg::sha256, data, signature);
}

ArcVerdict failed(int instances, std::string reason) {
    ArcVerdict v;
    v.result = ChainStatus::fail;
    v.instances = instances;
    v.reason = std::move(reason);
    return v;
}

}  // namespace

std::string seal_hash_input(const std::vector<const dkim::HeaderField*>& fields) {
    std::string data;
    for (std::size_t k = 0; k + 1 < fields.size(); ++k)
        data += dkim::canonicalize_header(*fields[k], dkim::Canon::relaxed);
    if (!fields.empty()) {
        // RFC 8617 5.1.1: the seal being made or checked goes last, b= empty,
        // without its CRLF (as the DKIM-Signature in RFC 6376 3.7).
        data += dkim::header_hash_input(dkim::Message{}, {}, dkim::Canon::relaxed,
                                        dkim::remove_b_value(fields.back()->raw));
    }
    return data;
}

ArcVerifier::ArcVerifier(std::string_view message, ArcVerifyOptions options)
    : message_(dkim::split_message(message)), options_(options), chain_(parse_chain(message_)) {
    if (!chain_) return;
    for (const auto& set : *chain_) {
        for (const auto& name : {key_name(set.ams.domain, set.ams.selector),
                                 key_name(set.as.domain, set.as.selector)}) {
            bool seen = false;
            for (const auto& k : key_names_)
                seen = seen || k == name;
            if (!seen) key_names_.push_back(name);
        }
    }
}

std::vector<dns::Question> ArcVerifier::questions() const {
    std::vector<dns::Question> out;
    if (key_names_.size() > options_.max_keys) return out;
    for (const auto& name : key_names_)
        if (answers_.count(name) == 0) out.push_back(dns::Question{name, dns::RecordType::txt});
    return out;
}

void ArcVerifier::provide(const dns::Question& question, dns::Answer answer) {
    answers_[to_lower(question.name)] = std::move(answer);
}

const std::string& ArcVerifier::canonical_body(dkim::Canon canon) const {
    auto& slot = body_[canon == dkim::Canon::simple ? 0 : 1];
    if (!slot) slot = dkim::canonicalize_body(message_.body, canon);
    return *slot;
}

Result<dkim::PublicKey> ArcVerifier::key(const std::string& domain, const std::string& selector,
                                         dkim::Algorithm algorithm) const {
    auto found = answers_.find(key_name(domain, selector));
    if (found == answers_.end()) return fail(Errc::invalid, "key lookup unanswered");
    const dns::Answer& answer = found->second;
    if (answer.rcode == dns::Rcode::servfail || answer.rcode == dns::Rcode::timeout)
        return fail(Errc::invalid, "key lookup failed");
    if (answer.txt.empty()) return fail(Errc::invalid, "no key record");
    std::optional<dkim::KeyRecord> record;
    std::string why = "no key record";
    for (const auto& txt : answer.txt) {
        auto parsed = dkim::parse_key_record(txt);
        if (parsed) {
            record = std::move(*parsed);
            break;
        }
        why = parsed.error().message;
    }
    if (!record) return fail(Errc::invalid, why);
    if (record->revoked) return fail(Errc::invalid, "key revoked (empty p=)");
    if (!record->for_email) return fail(Errc::invalid, "key not for email (s=)");
    if (record->type != dkim::key_type_of(algorithm))
        return fail(Errc::invalid, "key type does not match a=");
    if (!record->allows(dkim::HashAlg::sha256))
        return fail(Errc::invalid, "key h= does not allow sha256");
    auto public_key = dkim::PublicKey::from_der(record->type, record->public_key);
    if (!public_key) return public_key.failure();
    // RFC 8301 3.2: RSA keys under 1024 bits MUST NOT be considered valid.
    if (public_key->type() == dkim::KeyType::rsa && public_key->bits() < 1024)
        return fail(Errc::invalid, "RSA key shorter than 1024 bits");
    return public_key;
}

Status ArcVerifier::check_ams(const ArcSet& set) const {
    const MessageSignature& ams = set.ams;
    auto public_key = key(ams.domain, ams.selector, ams.algorithm);
    if (!public_key) return public_key.failure();
    // RFC 8617 4.1.2: verified as a DKIM signature (RFC 6376 3.7).
    if (dkim::hash(dkim::HashAlg::sha256, canonical_body(ams.body_canon)) != ams.body_hash)
        return fail(Errc::invalid, "body hash mismatch");
    const std::string data = dkim::header_hash_input(message_, ams.headers, ams.header_canon,
                                                     dkim::remove_b_value(set.signature->raw));
    if (!verify_signature(*public_key, ams.algorithm, data, ams.signature))
        return fail(Errc::invalid, "signature did not verify");
    return {};
}

Status ArcVerifier::check_seal(std::size_t index) const {
    const auto& chain = *chain_;
    const Seal& as = chain[index].as;
    auto public_key = key(as.domain, as.selector, as.algorithm);
    if (!public_key) return public_key.failure();
    // RFC 8617 5.1.1: every set up to this one, oldest first, AAR, AMS, AS.
    std::vector<const dkim::HeaderField*> fields;
    for (std::size_t k = 0; k <= index; ++k) {
        fields.push_back(chain[k].results);
        fields.push_back(chain[k].signature);
        fields.push_back(chain[k].seal);
    }
    if (!verify_signature(*public_key, as.algorithm, seal_hash_input(fields), as.signature))
        return fail(Errc::invalid, "seal did not verify");
    return {};
}

ArcVerdict ArcVerifier::result() const {
    // RFC 8617 5.2 steps 1-3 happened in parse_chain().
    if (!chain_) return failed(0, chain_.error().message);
    const auto& chain = *chain_;
    if (chain.empty()) return ArcVerdict{};
    const int n = static_cast<int>(chain.size());
    if (key_names_.size() > options_.max_keys) return failed(n, "too many distinct ARC keys");
    // Step 4: the newest AMS.
    if (Status st = check_ams(chain.back()); !st)
        return failed(n,
                      "ARC-Message-Signature i=" + std::to_string(n) + ": " + st.error().message);
    // Step 6: every AS, newest first.
    for (std::size_t k = chain.size(); k-- > 0;) {
        if (Status st = check_seal(k); !st)
            return failed(n, "ARC-Seal i=" + std::to_string(k + 1) + ": " + st.error().message);
    }
    ArcVerdict v;
    v.result = ChainStatus::pass;
    v.instances = n;
    if (options_.oldest_pass) {
        // Step 5: walk back from N-1 while the older AMSs still verify.
        int oldest = 0;
        for (int i = n - 1; i >= 1; --i) {
            if (!check_ams(chain[static_cast<std::size_t>(i - 1)])) {
                oldest = i + 1;
                break;
            }
        }
        v.oldest_pass = oldest;
    }
    return v;
}

ArcVerdict verify(std::string_view message, dns::SyncResolver& resolver,
                  const ArcVerifyOptions& options) {
    ArcVerifier verifier(message, options);
    for (const auto& q : verifier.questions())
        verifier.provide(q, resolver.query(q));
    return verifier.result();
}

}  // namespace tern::mailauth::arc
