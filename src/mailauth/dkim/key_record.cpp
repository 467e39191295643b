#include "mailauth/dkim/key_record.hpp"

#include "base/strings.hpp"
#include "mailauth/dkim/tag_list.hpp"

namespace tern::mailauth::dkim {

bool KeyRecord::allows(HashAlg alg) const {
    if (hashes.empty()) return true;
    const std::string_view name = alg == HashAlg::sha1 ? "sha1" : "sha256";
    for (const auto& h : hashes) {
        if (h == name) return true;
    }
    return false;
}

Result<KeyRecord> parse_key_record(std::string_view txt) {
    auto parsed = parse_tag_list(txt);
    if (!parsed) return parsed.failure();
    const TagList& tags = *parsed;
    KeyRecord key;
    // RFC 6376 3.6.1 v=: if present, "DKIM1" and the first tag.
    if (const Tag* v = tags.find("v")) {
        if (v->value != "DKIM1") return fail(Errc::invalid, "key record v= is not DKIM1");
        if (&tags.tags.front() != v) return fail(Errc::invalid, "key record v= is not first");
    }
    if (const Tag* k = tags.find("k")) {
        if (k->value == "rsa") {
            key.type = KeyType::rsa;
        } else if (k->value == "ed25519") {  // RFC 8463 4.1
            key.type = KeyType::ed25519;
        } else {
            return fail(Errc::invalid, "key record k= names an unknown key type");
        }
    }
    const Tag* p = tags.find("p");
    if (p == nullptr) return fail(Errc::invalid, "key record has no p=");
    const std::string p_text = strip_fws(p->value);
    if (p_text.empty()) {
        key.revoked = true;  // RFC 6376 3.6.1: "An empty value means revoked"
    } else if (!base64_decode(p_text, key.public_key)) {
        return fail(Errc::invalid, "key record p= is not base64");
    }
    if (const Tag* h = tags.find("h")) key.hashes = split_colon_list(h->value);
    if (const Tag* s = tags.find("s")) {
        key.for_email = false;
        for (const auto& service : split_colon_list(s->value)) {
            if (service == "*" || service == "email") key.for_email = true;
        }
    }
    // RFC 6376 3.6.1 t=: unknown flags are ignored.
    if (const Tag* t = tags.find("t")) {
        for (const auto& flag : split_colon_list(t->value)) {
            if (flag == "y") key.testing = true;
            if (flag == "s") key.strict_identity = true;
        }
    }
    return key;
}

}  // namespace tern::mailauth::dkim
