#include "smtp/proto/params.hpp"

#include <unordered_set>

#include "base/strings.hpp"
#include "smtp/proto/syntax_error.hpp"
#include "smtp/proto/utf8.hpp"
#include "smtp/proto/xtext.hpp"

namespace tern::smtp {

namespace {

bool is_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// RFC 5321 4.1.2: esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
bool is_keyword(std::string_view k) {
    if (k.empty() || !is_alnum(k[0])) return false;
    for (char c : k) {
        if (!is_alnum(c) && c != '-') return false;
    }
    return true;
}

// RFC 5321 4.1.2: esmtp-value = 1*(%d33-60 / %d62-126); RFC 6531 3.3 adds
// UTF8-non-ascii.
bool is_value(std::string_view v, bool allow_utf8) {
    if (v.empty()) return false;
    for (char ch : v) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80) {
            if (!allow_utf8) return false;
        } else if (c < 33 || c == '=' || c > 126) {
            return false;
        }
    }
    return is_ascii(v) || valid_utf8(v);
}

bool printable_ascii(std::string_view s) {
    for (char c : s) {
        if (c < 0x20 || c > 0x7E) return false;
    }
    return true;
}

Failure bad_value(const EsmtpParam& p, std::string_view why) {
    return syntax_failure(501, "5.5.4", "Bad " + p.keyword + " parameter: " + std::string(why));
}

Status need_no_value(const EsmtpParam& p) {
    if (p.value) return bad_value(p, "takes no value");
    return {};
}

Result<std::string_view> need_value(const EsmtpParam& p) {
    if (!p.value) return bad_value(p, "needs a value");
    return std::string_view(*p.value);
}

// RFC 1870 3: size-value ::= 1*20DIGIT, here also required to fit 64 bits.
Result<std::uint64_t> parse_size(const EsmtpParam& p) {
    auto v = need_value(p);
    if (!v) return v.failure();
    if (v->size() > 20) return bad_value(p, "not a number");
    std::uint64_t n = 0;
    for (char c : *v) {
        if (c < '0' || c > '9') return bad_value(p, "not a number");
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (n > (UINT64_MAX - digit) / 10) return bad_value(p, "too large");
        n = n * 10 + digit;
    }
    return n;
}

Result<BodyType> parse_body(const EsmtpParam& p) {
    auto v = need_value(p);
    if (!v) return v.failure();
    if (iequals(*v, "7BIT")) return BodyType::seven_bit;
    if (iequals(*v, "8BITMIME")) return BodyType::eight_bit_mime;  // RFC 6152 2
    if (iequals(*v, "BINARYMIME")) return BodyType::binary_mime;   // RFC 3030 3
    return bad_value(p, "expected 7BIT, 8BITMIME or BINARYMIME");
}

Result<DsnReturn> parse_ret(const EsmtpParam& p) {
    auto v = need_value(p);
    if (!v) return v.failure();
    // RFC 3461 4.3: RET=FULL / RET=HDRS
    if (iequals(*v, "FULL")) return DsnReturn::full;
    if (iequals(*v, "HDRS")) return DsnReturn::headers;
    return bad_value(p, "expected FULL or HDRS");
}

Result<std::string> parse_envid(const EsmtpParam& p) {
    auto v = need_value(p);
    if (!v) return v.failure();
    auto decoded = xtext_decode(*v);
    if (!decoded) return bad_value(p, decoded.error().message);
    // RFC 3461 4.4: printable US-ASCII, at most 100 characters.
    if (!printable_ascii(*decoded)) return bad_value(p, "not printable ASCII");
    if (decoded->size() > 100) return bad_value(p, "longer than 100 characters");
    return std::move(*decoded);
}

Result<AuthParam> parse_auth(const EsmtpParam& p, bool allow_utf8) {
    auto v = need_value(p);
    if (!v) return v.failure();
    auto decoded = xtext_decode(*v);
    if (!decoded) return bad_value(p, decoded.error().message);
    // RFC 4954 5: AUTH=<> says the submitter's identity is unknown.
    if (*decoded == "<>") return AuthParam{};
    auto box = parse_mailbox(*decoded, allow_utf8);
    if (!box) return bad_value(p, box.error().message);
    return AuthParam{std::move(*box)};
}

// RFC 3461 4.1: notify-esmtp-value = "NEVER" / 1#notify-list-element
Result<DsnNotify> parse_notify(const EsmtpParam& p) {
    auto v = need_value(p);
    if (!v) return v.failure();
    DsnNotify n;
    for (std::string_view item : split(*v, ',')) {
        if (iequals(item, "NEVER")) {
            n.never = true;
        } else if (iequals(item, "SUCCESS")) {
            n.success = true;
        } else if (iequals(item, "FAILURE")) {
            n.failure = true;
        } else if (iequals(item, "DELAY")) {
            n.delay = true;
        } else {
            return bad_value(p, "expected NEVER or SUCCESS, FAILURE, DELAY");
        }
    }
    if (n.never && (n.success || n.failure || n.delay)) {
        return bad_value(p, "NEVER cannot be combined");  // RFC 3461 4.1
    }
    return n;
}

// RFC 3461 4.2: orcpt-value = addr-type ";" xtext; addr-type is an atom.
Result<OriginalRecipient> parse_orcpt(const EsmtpParam& p) {
    auto v = need_value(p);
    if (!v) return v.failure();
    const std::size_t semi = v->find(';');
    if (semi == std::string_view::npos) return bad_value(p, "expected addr-type;address");
    OriginalRecipient o;
    o.addr_type = std::string(v->substr(0, semi));
    if (!is_dot_string(o.addr_type, false) || o.addr_type.find('.') != std::string::npos) {
        return bad_value(p, "bad address type");
    }
    auto decoded = xtext_decode(v->substr(semi + 1));
    if (!decoded) return bad_value(p, decoded.error().message);
    if (decoded->empty()) return bad_value(p, "empty address");
    // RFC 3461 4.2: printable US-ASCII, at most 500 characters. The "utf-8"
    // type of RFC 6533 3 carries UTF-8 instead.
    if (!iequals(o.addr_type, "utf-8") && !printable_ascii(*decoded)) {
        return bad_value(p, "not printable ASCII");
    }
    if (decoded->size() > 500) return bad_value(p, "longer than 500 characters");
    o.address = std::move(*decoded);
    return o;
}

Failure unknown(std::string_view verb, const EsmtpParam& p) {
    // RFC 5321 4.1.1.11: 555 "MAIL FROM/RCPT TO parameters not recognized or
    // not implemented".
    return syntax_failure(555, "5.5.4",
                          "Unsupported " + std::string(verb) + " parameter " + p.keyword);
}

// Stores a typed result into `slot`, or returns its failure.
template <class T, class U>
Status assign(Result<T> r, U& slot) {
    if (!r) return r.failure();
    slot = std::move(*r);
    return {};
}

Status type_mail_param(const EsmtpParam& p, bool allow_utf8, MailParams& out) {
    const std::string& k = p.keyword;
    if (k == "SIZE") return assign(parse_size(p), out.size);
    if (k == "BODY") return assign(parse_body(p), out.body);
    if (k == "RET") return assign(parse_ret(p), out.ret);
    if (k == "ENVID") return assign(parse_envid(p), out.envid);
    if (k == "AUTH") return assign(parse_auth(p, allow_utf8), out.auth);
    if (k == "SMTPUTF8") {  // RFC 6531 3.4: no value
        out.smtputf8 = true;
        return need_no_value(p);
    }
    if (k == "REQUIRETLS") {  // RFC 8689 4.1: no value
        out.requiretls = true;
        return need_no_value(p);
    }
    return unknown("MAIL", p);
}

}  // namespace

Result<std::vector<EsmtpParam>> split_params(std::string_view text, bool allow_utf8) {
    std::vector<EsmtpParam> out;
    std::unordered_set<std::string> seen;
    for (std::string_view token : split(text, ' ')) {
        if (token.empty()) continue;  // tolerate doubled or trailing spaces
        const std::size_t eq = token.find('=');
        EsmtpParam p;
        const std::string_view key = token.substr(0, eq);
        if (!is_keyword(key)) {
            return syntax_failure(501, "5.5.4", "Bad parameter syntax: " + std::string(key));
        }
        p.keyword = to_upper(key);
        if (eq != std::string_view::npos) {
            const std::string_view value = token.substr(eq + 1);
            if (!is_value(value, allow_utf8)) {
                return syntax_failure(501, "5.5.4", "Bad value for parameter " + p.keyword);
            }
            p.value = std::string(value);
        }
        // A set, not a scan of `out`: a hostile line of thousands of
        // parameters must stay linear.
        if (!seen.insert(p.keyword).second) {
            return syntax_failure(555, "5.5.4", "Parameter " + p.keyword + " given twice");
        }
        out.push_back(std::move(p));
    }
    return out;
}

Result<MailParams> type_mail_params(const std::vector<EsmtpParam>& params, bool allow_utf8) {
    MailParams out;
    for (const EsmtpParam& p : params) {
        if (Status s = type_mail_param(p, allow_utf8, out); !s) return s.failure();
    }
    return out;
}

Result<RcptParams> type_rcpt_params(const std::vector<EsmtpParam>& params) {
    RcptParams out;
    for (const EsmtpParam& p : params) {
        Status s;
        if (p.keyword == "NOTIFY") {
            s = assign(parse_notify(p), out.notify);
        } else if (p.keyword == "ORCPT") {
            s = assign(parse_orcpt(p), out.orcpt);
        } else {
            return unknown("RCPT", p);
        }
        if (!s) return s.failure();
    }
    return out;
}

}  // namespace tern::smtp
