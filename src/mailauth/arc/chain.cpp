#include "mailauth/arc/chain.hpp"

#include <array>
#include <charconv>

#include "base/strings.hpp"
#include "mailauth/dkim/signature.hpp"
#include "mailauth/dkim/tag_list.hpp"

namespace tern::mailauth::arc {

namespace {

using dkim::Tag;
using dkim::TagList;

constexpr std::string_view kResultsName = "ARC-Authentication-Results";
constexpr std::string_view kSignatureName = "ARC-Message-Signature";
constexpr std::string_view kSealName = "ARC-Seal";

// RFC 8617 4.2.1: i= is 1*DIGIT with a value of 1..50.
Result<int> parse_instance(std::string_view text) {
    int value = 0;
    if (text.empty() || text.size() > 3) return fail(Errc::invalid, "arc: bad instance i=");
    for (char c : text)
        if (c < '0' || c > '9') return fail(Errc::invalid, "arc: bad instance i=");
    std::from_chars(text.data(), text.data() + text.size(), value);
    if (value < 1 || value > kMaxInstance)
        return fail(Errc::invalid, "arc: instance i= outside 1..50");
    return value;
}

Result<dkim::Algorithm> parse_algorithm(std::string_view a) {
    if (a == "rsa-sha256") return dkim::Algorithm::rsa_sha256;
    if (a == "ed25519-sha256") return dkim::Algorithm::ed25519_sha256;  // RFC 8463 3
    // RFC 8301 3.1: rsa-sha1 "MUST NOT be used for signing or verifying".
    return fail(Errc::invalid, "arc: unsupported algorithm a=" + std::string(a));
}

bool parse_timestamp(const TagList& tags, std::optional<std::int64_t>& out) {
    const Tag* t = tags.find("t");
    if (t == nullptr) return true;
    std::int64_t v = 0;
    const std::string& s = t->value;
    if (s.empty() || s.size() > 18) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    std::from_chars(s.data(), s.data() + s.size(), v);
    out = v;
    return true;
}

// The tags both AS and AMS carry: i= a= b= d= s= t=.
template <class Sig>
Status parse_common(const TagList& tags, std::initializer_list<const char*> required, Sig& sig) {
    for (const char* name : required)
        if (tags.find(name) == nullptr)
            return fail(Errc::invalid, std::string("arc: missing required tag ") + name);
    auto instance = parse_instance(tags.find("i")->value);
    if (!instance) return instance.failure();
    sig.instance = *instance;
    auto algorithm = parse_algorithm(tags.find("a")->value);
    if (!algorithm) return algorithm.failure();
    sig.algorithm = *algorithm;
    if (!base64_decode(dkim::strip_fws(tags.find("b")->value), sig.signature) ||
        sig.signature.empty())
        return fail(Errc::invalid, "arc: b= is not base64");
    sig.domain = tags.find("d")->value;
    sig.selector = tags.find("s")->value;
    if (!dkim::valid_dkim_name(sig.domain)) return fail(Errc::invalid, "arc: d= is not a domain");
    if (!dkim::valid_dkim_name(sig.selector))
        return fail(Errc::invalid, "arc: s= is not a selector");
    if (!parse_timestamp(tags, sig.timestamp)) return fail(Errc::invalid, "arc: bad t=");
    return {};
}

Result<dkim::Canon> parse_canon(std::string_view text) {
    if (text == "relaxed") return dkim::Canon::relaxed;
    if (text == "simple") return dkim::Canon::simple;
    return fail(Errc::invalid, "arc: unknown canonicalization in c=");
}

enum class Kind { results, signature, seal };

std::optional<Kind> kind_of(std::string_view name) {
    if (iequals(name, kResultsName)) return Kind::results;
    if (iequals(name, kSignatureName)) return Kind::signature;
    if (iequals(name, kSealName)) return Kind::seal;
    return std::nullopt;
}

}  // namespace

std::string_view to_string(ChainStatus status) {
    switch (status) {
        case ChainStatus::none:
            return "none";
        case ChainStatus::pass:
            return "pass";
        case ChainStatus::fail:
            return "fail";
    }
    return "fail";
}

std::string_view field_value(const dkim::HeaderField& field) {
    std::string_view v = field.raw;
    const auto colon = v.find(':');
    v.remove_prefix(colon == std::string_view::npos ? v.size() : colon + 1);
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r'))
        v.remove_suffix(1);
    return v;
}

Result<Seal> parse_seal(std::string_view value) {
    auto tags = dkim::parse_tag_list(value);
    if (!tags) return tags.failure();
    Seal seal;
    if (Status st = parse_common(*tags, {"i", "a", "b", "cv", "d", "s"}, seal); !st)
        return st.failure();
    // RFC 8617 4.1.3: the AS signs a fixed set of fields; h= is not allowed.
    if (tags->find("h") != nullptr) return fail(Errc::invalid, "arc: ARC-Seal carries h=");
    const std::string& cv = tags->find("cv")->value;
    // RFC 8617 4.1.3 cv=: none, fail or pass (case-insensitive keywords).
    if (iequals(cv, "none"))
        seal.cv = ChainStatus::none;
    else if (iequals(cv, "pass"))
        seal.cv = ChainStatus::pass;
    else if (iequals(cv, "fail"))
        seal.cv = ChainStatus::fail;
    else
        return fail(Errc::invalid, "arc: unknown cv=" + cv);
    return seal;
}

Result<MessageSignature> parse_message_signature(std::string_view value) {
    auto tags = dkim::parse_tag_list(value);
    if (!tags) return tags.failure();
    MessageSignature ams;
    if (Status st = parse_common(*tags, {"i", "a", "b", "bh", "d", "h", "s"}, ams); !st)
        return st.failure();
    if (!base64_decode(dkim::strip_fws(tags->find("bh")->value), ams.body_hash) ||
        ams.body_hash.empty())
        return fail(Errc::invalid, "arc: bh= is not base64");
    // l= would leave appended content unsigned (RFC 6376 8.2); ARC sealers
    // have no reason to use it, so a signature carrying it is refused.
    if (tags->find("l") != nullptr) return fail(Errc::invalid, "arc: AMS carries l=");
    // c= as in DKIM, but an absent c= is read as relaxed/relaxed, the only
    // form RFC 8617 sealers produce (dkimpy reads it the same way).
    if (const Tag* c = tags->find("c")) {
        const auto parts = split(c->value, '/');
        if (parts.size() > 2) return fail(Errc::invalid, "arc: malformed c=");
        auto header = parse_canon(parts[0]);
        if (!header) return header.failure();
        ams.header_canon = *header;
        ams.body_canon = dkim::Canon::simple;  // RFC 6376 3.5: body defaults to simple
        if (parts.size() == 2) {
            auto body = parse_canon(parts[1]);
            if (!body) return body.failure();
            ams.body_canon = *body;
        }
    }
    ams.headers = dkim::split_colon_list(tags->find("h")->value);
    bool from = false;
    for (const auto& h : ams.headers) {
        // RFC 8617 4.1.2: ARC-Seal fields are never covered by the AMS.
        if (iequals(h, kSealName)) return fail(Errc::invalid, "arc: AMS h= names ARC-Seal");
        if (h.empty()) return fail(Errc::invalid, "arc: empty name in AMS h=");
        from = from || iequals(h, "From");
    }
    // RFC 6376 5.4 (inherited by RFC 8617 4.1.2): From must be signed.
    if (!from) return fail(Errc::invalid, "arc: AMS h= does not name From");
    return ams;
}

Result<int> parse_results_instance(std::string_view value) {
    // RFC 8617 4.1.1: arc-info = instance ";" authres-payload, where
    // instance = [FWS] "i" [FWS] "=" [FWS] 1*DIGIT [FWS].
    auto skip = [&value] {
        while (!value.empty() &&
               (value[0] == ' ' || value[0] == '\t' || value[0] == '\r' || value[0] == '\n'))
            value.remove_prefix(1);
    };
    skip();
    if (value.empty() || (value[0] != 'i' && value[0] != 'I'))
        return fail(Errc::invalid, "arc: AAR does not start with i=");
    value.remove_prefix(1);
    skip();
    if (value.empty() || value[0] != '=')
        return fail(Errc::invalid, "arc: AAR does not start with i=");
    value.remove_prefix(1);
    skip();
    std::size_t n = 0;
    while (n < value.size() && value[n] >= '0' && value[n] <= '9')
        ++n;
    auto instance = parse_instance(value.substr(0, n));
    if (!instance) return instance;
    value.remove_prefix(n);
    skip();
    if (value.empty() || value[0] != ';') return fail(Errc::invalid, "arc: AAR i= not ended by ;");
    return instance;
}

Result<std::vector<ArcSet>> parse_chain(const dkim::Message& message) {
    // Slots per instance: [AAR, AMS, AS].
    std::array<std::array<const dkim::HeaderField*, 3>, kMaxInstance + 1> slots{};
    std::vector<ArcSet> chain(kMaxInstance + 1);
    int highest = 0;
    for (const auto& field : message.headers) {
        auto kind = kind_of(field.name);
        if (!kind) continue;
        const std::string_view value = field_value(field);
        Result<int> instance = 0;
        std::size_t slot = 0;
        if (*kind == Kind::results) {
            instance = parse_results_instance(value);
            slot = 0;
        } else if (*kind == Kind::signature) {
            auto ams = parse_message_signature(value);
            if (!ams) return ams.failure();
            instance = ams->instance;
            chain[ams->instance].ams = std::move(*ams);
            slot = 1;
        } else {
            auto as = parse_seal(value);
            if (!as) return as.failure();
            instance = as->instance;
            chain[as->instance].as = std::move(*as);
            slot = 2;
        }
        if (!instance) return instance.failure();
        // RFC 8617 4.2.1: exactly one field of each kind per instance.
        if (slots[*instance][slot] != nullptr)
            return fail(Errc::invalid, "arc: duplicate " + std::string(field.name) +
                                           " for i=" + std::to_string(*instance));
        slots[*instance][slot] = &field;
        highest = std::max(highest, *instance);
    }
    if (highest == 0) return std::vector<ArcSet>{};
    // RFC 8617 5.2 step 3: instances 1..N complete, no gaps.
    for (int i = 1; i <= highest; ++i) {
        for (std::size_t s = 0; s < 3; ++s)
            if (slots[i][s] == nullptr)
                return fail(Errc::invalid, "arc: incomplete set for i=" + std::to_string(i));
        ArcSet& set = chain[i];
        set.instance = i;
        set.results = slots[i][0];
        set.signature = slots[i][1];
        set.seal = slots[i][2];
    }
    // RFC 8617 5.2 step 2: a chain whose newest seal says cv=fail is failed.
    if (chain[highest].as.cv == ChainStatus::fail)
        return fail(Errc::invalid, "arc: newest ARC-Seal says cv=fail");
    // RFC 8617 4.1.3 / 5.2 step 3: i=1 says cv=none, every later seal cv=pass.
    for (int i = 1; i <= highest; ++i) {
        const ChainStatus want = i == 1 ? ChainStatus::none : ChainStatus::pass;
        if (chain[i].as.cv != want)
            return fail(Errc::invalid, "arc: i=" + std::to_string(i) +
                                           " has cv=" + std::string(to_string(chain[i].as.cv)));
    }
    chain.erase(chain.begin());
    chain.resize(static_cast<std::size_t>(highest));
    return chain;
}

InstanceScan scan_instances(const dkim::Message& message) {
    InstanceScan scan;
    for (const auto& field : message.headers) {
        auto kind = kind_of(field.name);
        if (!kind) continue;
        scan.any_arc_field = true;
        const std::string_view value = field_value(field);
        int instance = 0;
        std::optional<ChainStatus> cv;
        if (*kind == Kind::results) {
            if (auto i = parse_results_instance(value)) instance = *i;
        } else {
            // Lenient: only i= (and cv=) matter here, not the rest.
            auto tags = dkim::parse_tag_list(value);
            if (!tags) continue;
            const Tag* i = tags->find("i");
            if (i == nullptr) continue;
            auto parsed = parse_instance(i->value);
            if (!parsed) {
                // An instance above 50 still counts: nothing can follow it.
                if (!i->value.empty() && i->value.size() <= 6 &&
                    i->value.find_first_not_of("0123456789") == std::string::npos)
                    instance = kMaxInstance + 1;
            } else {
                instance = *parsed;
            }
            if (*kind == Kind::seal) {
                if (const Tag* c = tags->find("cv")) {
                    if (iequals(c->value, "fail"))
                        cv = ChainStatus::fail;
                    else if (iequals(c->value, "pass"))
                        cv = ChainStatus::pass;
                    else if (iequals(c->value, "none"))
                        cv = ChainStatus::none;
                }
            }
        }
        if (instance > scan.highest) {
            scan.highest = instance;
            scan.highest_cv.reset();
        }
        if (instance == scan.highest && cv) scan.highest_cv = cv;
    }
    return scan;
}

}  // namespace tern::mailauth::arc
