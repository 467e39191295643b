#include "mailauth/dkim/verifier.hpp"

#include <memory>

#include "base/strings.hpp"
#include "mailauth/dkim/key_record.hpp"

namespace tern::mailauth::dkim {

namespace {

SignatureResult finish(SignatureResult r, DkimResult result, std::string reason) {
    r.result = result;
    r.reason = std::move(reason);
    return r;
}

}  // namespace

std::string_view to_string(DkimResult result) {
    switch (result) {
        case DkimResult::none:
            return "none";
        case DkimResult::pass:
            return "pass";
        case DkimResult::fail:
            return "fail";
        case DkimResult::neutral:
            return "neutral";
        case DkimResult::temperror:
            return "temperror";
        case DkimResult::permerror:
            return "permerror";
        case DkimResult::policy:
            return "policy";
    }
    return "?";
}

Verifier::Verifier(std::string_view message, VerifyOptions options)
    : message_(split_message(message)), options_(options) {
    for (const auto& field : message_.headers) {
        if (!iequals(field.name, "DKIM-Signature")) continue;
        std::string_view value = field.raw;
        value.remove_prefix(value.find(':') + 1);
        value.remove_suffix(2);  // the CRLF every field ends with
        Entry entry{parse_signature(value), field.raw, {}};
        // RFC 6376 6.1: only as many signatures as the limit get a lookup.
        if (entry.signature && entries_.size() < options_.max_signatures) {
            // RFC 6376 3.6.2.1: the key lives at <selector>._domainkey.<domain>.
            entry.key_name =
                to_lower(entry.signature->selector + "._domainkey." + entry.signature->domain);
        }
        entries_.push_back(std::move(entry));
    }
}

std::vector<dns::Question> Verifier::questions() const {
    std::vector<dns::Question> out;
    for (const auto& entry : entries_) {
        if (entry.key_name.empty() || answers_.count(entry.key_name) != 0) continue;
        dns::Question q{entry.key_name, dns::RecordType::txt};
        bool seen = false;
        for (const auto& o : out)
            seen = seen || o == q;
        if (!seen) out.push_back(std::move(q));
    }
    return out;
}

void Verifier::provide(const dns::Question& question, dns::Answer answer) {
    answers_[to_lower(question.name)] = std::move(answer);
}

const std::string& Verifier::canonical_body(Canon canon) const {
    auto& slot = body_[canon == Canon::simple ? 0 : 1];
    if (!slot) slot = canonicalize_body(message_.body, canon);
    return *slot;
}

std::vector<SignatureResult> Verifier::results() const {
    std::vector<SignatureResult> out;
    for (std::size_t k = 0; k < entries_.size(); ++k)
        out.push_back(check(entries_[k], k));
    return out;
}

SignatureResult Verifier::check(const Entry& entry, std::size_t index) const {
    SignatureResult r;
    if (!entry.signature) return finish(r, DkimResult::permerror, entry.signature.error().message);
    const Signature& sig = *entry.signature;
    r.domain = sig.domain;
    r.selector = sig.selector;
    r.identity = sig.identity;
    r.algorithm = sig.algorithm;
    r.b_text = sig.b_text;
    if (index >= options_.max_signatures) {
        return finish(r, DkimResult::permerror, "too many signatures; not evaluated");
    }
    // RFC 8301 3.1: rsa-sha1 "MUST NOT be used for signing or verifying".
    if (sig.algorithm == Algorithm::rsa_sha1 && !options_.allow_rsa_sha1) {
        return finish(r, DkimResult::permerror, "rsa-sha1 is not accepted (RFC 8301)");
    }
    // RFC 6376 3.5 x=: expired signatures are PERMFAIL (6.1.1).
    if (sig.expiration && options_.now > *sig.expiration + options_.clock_skew) {
        return finish(r, DkimResult::permerror, "signature expired (x=)");
    }
    if (sig.timestamp && *sig.timestamp > options_.now + options_.clock_skew) {
        return finish(r, DkimResult::permerror, "signature timestamp in the future (t=)");
    }
    // RFC 6376 6.1.2: fetch the key; a lookup failure is temporary.
    auto found = answers_.find(entry.key_name);
    if (found == answers_.end()) return finish(r, DkimResult::temperror, "key lookup unanswered");
    const dns::Answer& answer = found->second;
    if (answer.rcode == dns::Rcode::servfail || answer.rcode == dns::Rcode::timeout) {
        return finish(r, DkimResult::temperror, "key lookup failed");
    }
    if (answer.txt.empty()) return finish(r, DkimResult::permerror, "no key record");
    std::optional<KeyRecord> key;
    std::string key_error;
    for (const auto& txt : answer.txt) {
        auto parsed = parse_key_record(txt);
        if (parsed) {
            key = std::move(*parsed);
            break;
        }
        key_error = parsed.error().message;
    }
    if (!key) return finish(r, DkimResult::permerror, key_error);
    r.testing = key->testing;
    if (key->revoked) return finish(r, DkimResult::permerror, "key revoked (empty p=)");
    if (!key->for_email) return finish(r, DkimResult::permerror, "key not for email (s=)");
    if (key->type != key_type_of(sig.algorithm)) {
        return finish(r, DkimResult::permerror, "key type does not match a=");
    }
    if (!key->allows(hash_of(sig.algorithm))) {
        return finish(r, DkimResult::permerror, "key h= does not allow the hash");
    }
    // RFC 6376 3.6.1 t=s: the i= domain must be d= itself.
    if (key->strict_identity && !iequals(identity_domain(sig.identity), sig.domain)) {
        return finish(r, DkimResult::permerror, "key t=s forbids an i= subdomain");
    }
    auto public_key = PublicKey::from_der(key->type, key->public_key);
    if (!public_key) return finish(r, DkimResult::permerror, public_key.error().message);
    // RFC 8301 3.2: keys under 1024 bits MUST NOT be considered valid.
    if (public_key->type() == KeyType::rsa && public_key->bits() < 1024) {
        return finish(r, DkimResult::permerror, "RSA key shorter than 1024 bits");
    }
    const DkimResult failed = key->testing ? DkimResult::neutral : DkimResult::fail;

    // RFC 6376 3.7 step 1: the body hash, over at most l= bytes.
    std::string_view body = canonical_body(sig.body_canon);
    if (sig.body_length) {
        if (*sig.body_length > body.size()) return finish(r, failed, "body shorter than l=");
        r.unsigned_body_bytes = body.size() - *sig.body_length;
        r.body_truncated = r.unsigned_body_bytes > 0;
        body = body.substr(0, *sig.body_length);
    }
    if (hash(hash_of(sig.algorithm), body) != sig.body_hash) {
        return finish(r, failed, "body hash mismatch");
    }
    // RFC 6376 3.7 step 2: the header hash, and the signature over it.
    const std::string data =
        header_hash_input(message_, sig.headers, sig.header_canon, remove_b_value(entry.field));
    const bool ok = sig.algorithm == Algorithm::ed25519_sha256
                        ? public_key->verify(HashAlg::sha256, hash(HashAlg::sha256, data),
                                             sig.signature)  // RFC 8463 3
                        : public_key->verify(hash_of(sig.algorithm), data, sig.signature);
    if (!ok) return finish(r, failed, "signature did not verify");
    // RFC 6376 8.2: content after l= is unsigned; policy decides.
    if (r.body_truncated && !options_.allow_partial_body) {
        return finish(r, DkimResult::policy, "l= leaves part of the body unsigned");
    }
    return finish(r, DkimResult::pass, r.body_truncated ? "pass; l= leaves body unsigned" : "");
}

std::vector<SignatureResult> verify(std::string_view message, dns::SyncResolver& resolver,
                                    const VerifyOptions& options) {
    Verifier verifier(message, options);
    for (const auto& q : verifier.questions())
        verifier.provide(q, resolver.query(q));
    return verifier.results();
}

void verify_async(std::string_view message, dns::Resolver& resolver, const VerifyOptions& options,
                  std::function<void(std::vector<SignatureResult>)> done) {
    struct State {
        Verifier verifier;
        std::size_t pending = 0;
        std::function<void(std::vector<SignatureResult>)> done;
    };
    auto state = std::make_shared<State>(State{Verifier(message, options), 0, std::move(done)});
    const auto questions = state->verifier.questions();
    state->pending = questions.size() + 1;  // +1 so a synchronous answer cannot finish early
    auto step = [state] {
        if (--state->pending == 0) state->done(state->verifier.results());
    };
    for (const auto& q : questions) {
        resolver.lookup(q, [state, q, step](dns::Answer answer) {
            state->verifier.provide(q, std::move(answer));
            step();
        });
    }
    step();
}

}  // namespace tern::mailauth::dkim
