#include "mailauth/spf/record.hpp"

#include "base/strings.hpp"
#include "mailauth/spf/macro.hpp"

namespace tern::mailauth::spf {
namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// RFC 7208 12: ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT), value 0-32;
// ip6-cidr-length likewise with up to 3 digits, value 0-128.
bool parse_cidr(std::string_view digits, int max, int& out) {
    if (digits.empty() || digits.size() > 3) return false;
    if (digits.size() > 1 && digits[0] == '0') return false;
    int v = 0;
    for (char c : digits) {
        if (!is_digit(c)) return false;
        v = v * 10 + (c - '0');
    }
    if (v > max) return false;
    out = v;
    return true;
}

// RFC 7208 12: toplabel = ( *alphanum ALPHA *alphanum ) /
//                         ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool is_toplabel(std::string_view label) {
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    bool alpha = false;
    for (char c : label) {
        if (is_alpha(c)) {
            alpha = true;
        } else if (!is_digit(c) && c != '-') {
            return false;
        }
    }
    // A label with a hyphen may be all digits otherwise ("1-2"); without a
    // hyphen it needs a letter, so that IP addresses are not domains.
    return alpha || label.find('-') != std::string_view::npos;
}

// RFC 7208 12: domain-spec = macro-string domain-end
//              domain-end  = ( "." toplabel [ "." ] ) / macro-expand
Status check_domain_spec(std::string_view spec) {
    if (spec.empty()) return fail(Errc::invalid, "empty domain-spec");
    auto st = check_macro_string(spec, MacroMode::domain_spec);
    if (!st) return st;
    if (ends_with_macro_expand(spec)) return {};
    std::string_view s = spec;
    if (s.back() == '.') s.remove_suffix(1);
    const auto dot = s.rfind('.');
    if (dot == std::string_view::npos) return fail(Errc::invalid, "domain-spec has no top label");
    if (!is_toplabel(s.substr(dot + 1))) return fail(Errc::invalid, "bad top label in domain-spec");
    return {};
}

// Splits "[:domain-spec][/cidr4][//cidr6]" for a and mx.
Status parse_a_mx(std::string_view rest, Mechanism& m) {
    std::string_view body = rest;
    // The CIDR suffix is taken from the right, since a domain-spec may
    // itself contain '/' (a macro-literal).
    auto slash2 = body.rfind("//");
    if (slash2 != std::string_view::npos) {
        if (!parse_cidr(body.substr(slash2 + 2), 128, m.cidr6)) {
            return fail(Errc::invalid, "bad ip6 cidr length");
        }
        body = body.substr(0, slash2);
    }
    auto slash = body.rfind('/');
    if (slash != std::string_view::npos) {
        const std::string_view digits = body.substr(slash + 1);
        bool all_digits = !digits.empty();
        for (char c : digits)
            all_digits = all_digits && is_digit(c);
        if (all_digits || body.find(':') == std::string_view::npos) {
            if (!parse_cidr(digits, 32, m.cidr4)) return fail(Errc::invalid, "bad ip4 cidr length");
            body = body.substr(0, slash);
        }
    }
    if (body.empty()) return {};
    if (body[0] != ':') return fail(Errc::invalid, "unknown mechanism");
    m.domain_spec = std::string(body.substr(1));
    return check_domain_spec(m.domain_spec);
}

Status parse_ip(std::string_view rest, Mechanism& m, bool v4) {
    if (rest.empty() || rest[0] != ':') return fail(Errc::invalid, "ip4/ip6 needs ':'");
    rest.remove_prefix(1);
    std::string_view net = rest;
    const auto slash = rest.find('/');
    int& cidr = v4 ? m.cidr4 : m.cidr6;
    if (slash != std::string_view::npos) {
        net = rest.substr(0, slash);
        if (!parse_cidr(rest.substr(slash + 1), v4 ? 32 : 128, cidr)) {
            return fail(Errc::invalid, "bad cidr length");
        }
    }
    auto ip = dns::IpAddress::parse(net);
    if (!ip || ip->is_v4() != v4) return fail(Errc::invalid, "bad ip network");
    m.network = *ip;
    return {};
}

Status parse_mechanism(std::string_view term, Record& record) {
    Mechanism m;
    switch (term[0]) {
        case '+':
        case '-':
        case '~':
        case '?':
            m.qualifier = static_cast<Qualifier>(term[0]);
            term.remove_prefix(1);
            break;
        default:
            break;
    }
    std::size_t n = 0;
    while (n < term.size() && is_alpha(term[n]))
        ++n;
    while (n < term.size() && (is_alpha(term[n]) || is_digit(term[n])))
        ++n;
    const std::string name = to_lower(term.substr(0, n));
    const std::string_view rest = term.substr(n);
    Status st;
    if (name == "all") {
        m.kind = MechanismKind::all;
        if (!rest.empty()) st = fail(Errc::invalid, "'all' takes no argument");
    } else if (name == "include" || name == "exists") {
        m.kind = name == "include" ? MechanismKind::include : MechanismKind::exists;
        if (rest.empty() || rest[0] != ':') return fail(Errc::invalid, name + " needs ':domain'");
        m.domain_spec = std::string(rest.substr(1));
        st = check_domain_spec(m.domain_spec);
    } else if (name == "a" || name == "mx") {
        m.kind = name == "a" ? MechanismKind::a : MechanismKind::mx;
        st = parse_a_mx(rest, m);
    } else if (name == "ptr") {
        m.kind = MechanismKind::ptr;
        if (!rest.empty()) {
            if (rest[0] != ':') return fail(Errc::invalid, "unknown mechanism");
            m.domain_spec = std::string(rest.substr(1));
            st = check_domain_spec(m.domain_spec);
        }
    } else if (name == "ip4" || name == "ip6") {
        m.kind = name == "ip4" ? MechanismKind::ip4 : MechanismKind::ip6;
        st = parse_ip(rest, m, name == "ip4");
    } else {
        return fail(Errc::invalid, "unknown mechanism '" + std::string(term) + "'");
    }
    if (!st) return st;
    record.mechanisms.push_back(std::move(m));
    return {};
}

// RFC 7208 12: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
bool is_modifier_name(std::string_view name) {
    if (name.empty() || !is_alpha(name[0])) return false;
    for (char c : name) {
        if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_' && c != '.') return false;
    }
    return true;
}

Status parse_modifier(std::string_view name, std::string_view value, Record& record) {
    if (!is_modifier_name(name)) return fail(Errc::invalid, "bad modifier name");
    const std::string lname = to_lower(name);
    if (lname == "redirect" || lname == "exp") {
        auto& slot = lname == "redirect" ? record.redirect : record.exp;
        // RFC 7208 6: each of these MUST NOT appear more than once.
        if (slot) return fail(Errc::invalid, lname + "= given twice");
        auto st = check_domain_spec(value);
        if (!st) return st;
        slot = std::string(value);
        return {};
    }
    // RFC 7208 6: unknown modifiers are ignored, but must be well-formed.
    return check_macro_string(value, MacroMode::domain_spec);
}

}  // namespace

std::string_view to_string(MechanismKind kind) {
    switch (kind) {
        case MechanismKind::all:
            return "all";
        case MechanismKind::include:
            return "include";
        case MechanismKind::a:
            return "a";
        case MechanismKind::mx:
            return "mx";
        case MechanismKind::ptr:
            return "ptr";
        case MechanismKind::ip4:
            return "ip4";
        case MechanismKind::ip6:
            return "ip6";
        case MechanismKind::exists:
            return "exists";
    }
    return "?";
}

bool is_spf_record(std::string_view txt) {
    // RFC 7208 4.5: "v=spf1" terminated by SP or the end of the record.
    return istarts_with(txt, "v=spf1") && (txt.size() == 6 || txt[6] == ' ');
}

Result<Record> parse_record(std::string_view txt) {
    if (!is_spf_record(txt)) return fail(Errc::invalid, "not an SPF record");
    for (char c : txt) {
        const auto u = static_cast<unsigned char>(c);
        // RFC 7208 3.1: SPF records are 7-bit ASCII; 12: terms are separated
        // by SP only.
        if (u < 0x20 || u > 0x7e) return fail(Errc::invalid, "non-ASCII or control character");
    }
    Record record;
    std::size_t pos = 6;
    while (pos < txt.size()) {
        while (pos < txt.size() && txt[pos] == ' ')
            ++pos;
        if (pos >= txt.size()) break;
        std::size_t end = txt.find(' ', pos);
        if (end == std::string_view::npos) end = txt.size();
        const std::string_view term = txt.substr(pos, end - pos);
        pos = end;
        // A modifier is name "=" ...; a mechanism never has '=' before any
        // ':' or '/' (the '=' may appear inside its domain-spec).
        const auto eq = term.find('=');
        const auto sep = term.find_first_of(":/");
        if (eq != std::string_view::npos && (sep == std::string_view::npos || eq < sep)) {
            auto st = parse_modifier(term.substr(0, eq), term.substr(eq + 1), record);
            if (!st) return st.failure();
        } else {
            auto st = parse_mechanism(term, record);
            if (!st) return st.failure();
        }
    }
    return record;
}

}  // namespace tern::mailauth::spf
