#include "mailauth/dkim/signature.hpp"

#include <charconv>

#include "base/strings.hpp"
#include "mailauth/dkim/tag_list.hpp"

namespace tern::mailauth::dkim {

namespace {

// RFC 6376 3.5: t= and x= are at most 12 digits, l= at most 76; we accept
// what fits in 64 bits and reject the rest as malformed.
template <class T>
bool parse_number(std::string_view text, T& out) {
    if (text.empty() || text.size() > 18) return false;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size();
}

bool decode_base64(std::string_view text, std::string& out) {
    return base64_decode(strip_fws(text), out);
}

}  // namespace

bool valid_dkim_name(std::string_view name) {
    if (name.empty() || name.size() > 253) return false;
    for (const auto label : split(name, '.')) {
        if (label.empty() || label.size() > 63) return false;
        for (char c : label) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) return false;
        }
    }
    return true;
}

std::string_view to_string(Algorithm algorithm) {
    switch (algorithm) {
        case Algorithm::rsa_sha1:
            return "rsa-sha1";
        case Algorithm::rsa_sha256:
            return "rsa-sha256";
        case Algorithm::ed25519_sha256:
            return "ed25519-sha256";
    }
    return "?";
}

KeyType key_type_of(Algorithm algorithm) {
    return algorithm == Algorithm::ed25519_sha256 ? KeyType::ed25519 : KeyType::rsa;
}

HashAlg hash_of(Algorithm algorithm) {
    return algorithm == Algorithm::rsa_sha1 ? HashAlg::sha1 : HashAlg::sha256;
}

std::string_view identity_domain(std::string_view identity) {
    const std::size_t at = identity.rfind('@');
    return at == std::string_view::npos ? identity : identity.substr(at + 1);
}

bool is_same_or_subdomain(std::string_view sub, std::string_view domain) {
    if (iequals(sub, domain)) return true;
    return sub.size() > domain.size() + 1 && sub[sub.size() - domain.size() - 1] == '.' &&
           iequals(sub.substr(sub.size() - domain.size()), domain);
}

Result<Signature> parse_signature(std::string_view value) {
    auto parsed = parse_tag_list(value);
    if (!parsed) return parsed.failure();
    const TagList& tags = *parsed;
    // RFC 6376 6.1.1: these tags are required.
    for (const char* name : {"v", "a", "b", "bh", "d", "h", "s"}) {
        if (tags.find(name) == nullptr) {
            return fail(Errc::invalid, std::string("signature missing required tag ") + name);
        }
    }
    // RFC 6376 3.5 v=: "1" is the only version.
    if (tags.find("v")->value != "1") return fail(Errc::invalid, "signature v= is not 1");
    Signature sig;
    const std::string& a = tags.find("a")->value;
    if (a == "rsa-sha256") {
        sig.algorithm = Algorithm::rsa_sha256;
    } else if (a == "ed25519-sha256") {  // RFC 8463 3
        sig.algorithm = Algorithm::ed25519_sha256;
    } else if (a == "rsa-sha1") {  // RFC 8301 3.1: parsed, refused by policy
        sig.algorithm = Algorithm::rsa_sha1;
    } else {
        return fail(Errc::invalid, "unknown signature algorithm " + a);
    }
    sig.b_text = strip_fws(tags.find("b")->value);
    if (sig.b_text.empty() || !decode_base64(sig.b_text, sig.signature)) {
        return fail(Errc::invalid, "signature b= is not base64");
    }
    if (!decode_base64(tags.find("bh")->value, sig.body_hash) || sig.body_hash.empty()) {
        return fail(Errc::invalid, "signature bh= is not base64");
    }
    sig.domain = tags.find("d")->value;
    if (!valid_dkim_name(sig.domain)) return fail(Errc::invalid, "signature d= is not a domain");
    sig.selector = tags.find("s")->value;
    if (!valid_dkim_name(sig.selector))
        return fail(Errc::invalid, "signature s= is not a selector");
    // RFC 6376 3.5 c=: header/body, body defaulting to "simple".
    if (const Tag* c = tags.find("c")) {
        const auto parts = split(c->value, '/');
        if (parts.size() > 2) return fail(Errc::invalid, "signature c= is malformed");
        Canon* targets[] = {&sig.header_canon, &sig.body_canon};
        for (std::size_t k = 0; k < parts.size(); ++k) {
            if (parts[k] == "simple") {
                *targets[k] = Canon::simple;
            } else if (parts[k] == "relaxed") {
                *targets[k] = Canon::relaxed;
            } else {
                return fail(Errc::invalid, "signature c= names an unknown canonicalization");
            }
        }
    }
    // RFC 6376 3.5 h=: colon-separated, and From MUST be signed (5.4).
    sig.headers = split_colon_list(tags.find("h")->value);
    bool has_from = false;
    for (const auto& name : sig.headers) {
        // RFC 5322 3.6.8: field-name = 1*ftext (printable ASCII but ":").
        if (name.empty()) return fail(Errc::invalid, "signature h= has an empty name");
        for (char c : name) {
            if (c < 33 || c > 126) return fail(Errc::invalid, "signature h= has a bad name");
        }
        if (iequals(name, "from")) has_from = true;
    }
    if (!has_from) return fail(Errc::invalid, "signature h= does not include From");
    // RFC 6376 3.5 i=: "@" + d= by default; its domain must be d= or below.
    sig.identity = "@" + sig.domain;
    if (const Tag* i = tags.find("i")) {
        if (i->value.find('@') == std::string::npos) {
            return fail(Errc::invalid, "signature i= has no '@'");
        }
        if (!is_same_or_subdomain(identity_domain(i->value), sig.domain)) {
            return fail(Errc::invalid, "signature i= is not within d=");
        }
        sig.identity = i->value;
    }
    if (const Tag* l = tags.find("l")) {
        std::uint64_t n = 0;
        if (!parse_number(l->value, n)) return fail(Errc::invalid, "signature l= is not a number");
        sig.body_length = n;
    }
    // RFC 6376 3.5 q=: "dns/txt" is the only method; others are ignored if
    // dns/txt is also listed.
    if (const Tag* q = tags.find("q")) {
        bool has_dns = false;
        for (const auto& method : split_colon_list(q->value)) {
            if (method == "dns/txt") has_dns = true;
        }
        if (!has_dns) return fail(Errc::invalid, "signature q= does not offer dns/txt");
    }
    for (const char* name : {"t", "x"}) {
        if (const Tag* tag = tags.find(name)) {
            std::int64_t n = 0;
            if (!parse_number(tag->value, n)) {
                return fail(Errc::invalid, std::string("signature ") + name + "= is not a number");
            }
            (name[0] == 't' ? sig.timestamp : sig.expiration) = n;
        }
    }
    // RFC 6376 3.5 x=: "MUST be greater than the value of the t= tag".
    if (sig.timestamp && sig.expiration && *sig.expiration < *sig.timestamp) {
        return fail(Errc::invalid, "signature x= is before t=");
    }
    return sig;
}

std::string remove_b_value(std::string_view field) {
    // The tag parser finds the tag named exactly "b" (never bh=).
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) return std::string(field);
    std::string_view value = field.substr(colon + 1);
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r'))
        value.remove_suffix(1);
    auto parsed = parse_tag_list(value);
    if (!parsed) return std::string(field);
    const Tag* b = parsed->find("b");
    if (b == nullptr) return std::string(field);
    // Start right after the "=", so whitespace before the value goes too.
    std::size_t begin = colon + 1 + b->value_begin;
    while (begin > colon + 1 && field[begin - 1] != '=')
        --begin;
    std::size_t end = field.find(';', begin);
    if (end == std::string_view::npos) end = field.size();
    std::string out(field.substr(0, begin));
    out += field.substr(end);
    return out;
}

}  // namespace tern::mailauth::dkim
