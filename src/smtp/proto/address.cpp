#include "smtp/proto/address.hpp"

#include <arpa/inet.h>

#include "base/strings.hpp"
#include "smtp/proto/utf8.hpp"

namespace tern::smtp {

namespace {

bool is_alpha(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

// RFC 5322 3.2.3 atext, which RFC 5321 4.1.2 uses for Atom; RFC 6531 3.3
// adds UTF8-non-ascii (validated as a whole before we get here).
bool is_atext(unsigned char c, bool allow_utf8) {
    if (is_alpha(c) || is_digit(c)) return true;
    if (c >= 0x80) return allow_utf8;
    static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
    return kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
}

// RFC 5321 4.1.2 qtextSMTP: %d32-33 / %d35-91 / %d93-126 (+ UTF-8, RFC 6531 3.3).
bool is_qtext(unsigned char c, bool allow_utf8) {
    if (c >= 0x80) return allow_utf8;
    return c == 32 || c == 33 || (c >= 35 && c <= 91) || (c >= 93 && c <= 126);
}

// One label: RFC 5321 4.1.2 sub-domain = Let-dig [Ldh-str], i.e. letters,
// digits and hyphens, not starting or ending with a hyphen; or a U-label.
bool is_label(std::string_view label, const DomainRules& rules) {
    if (label.empty()) return false;
    bool ascii = true;
    for (char ch : label) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80) {
            if (!rules.allow_utf8) return false;
            ascii = false;
        } else if (!is_alpha(c) && !is_digit(c) && c != '-' &&
                   !(rules.allow_underscore && c == '_')) {
            return false;
        }
    }
    if (label.front() == '-' || label.back() == '-') return false;
    // RFC 1035 2.3.4: labels are 63 octets or less. A U-label is measured
    // after conversion to an A-label, which IDNA support will do later.
    return !ascii || label.size() <= 63;
}

// RFC 5321 4.1.3: Snum = 1*3DIGIT representing a decimal 0-255.
bool is_ipv4(std::string_view s) {
    const auto parts = split(s, '.');
    if (parts.size() != 4) return false;
    for (std::string_view p : parts) {
        if (p.empty() || p.size() > 3) return false;
        int value = 0;
        for (char c : p) {
            if (!is_digit(static_cast<unsigned char>(c))) return false;
            value = value * 10 + (c - '0');
        }
        if (value > 255) return false;
    }
    return true;
}

bool is_ipv6(std::string_view s) {
    // RFC 5321 4.1.3 IPv6-addr (full, compressed, with a trailing IPv4):
    // the same forms inet_pton accepts. It needs a terminated string.
    if (s.empty() || s.size() > 45) return false;
    for (char c : s) {
        if (!is_digit(static_cast<unsigned char>(c)) && c != ':' && c != '.' &&
            !((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    std::string z(s);
    unsigned char buf[16];
    return inet_pton(AF_INET6, z.c_str(), buf) == 1;
}

}  // namespace

bool is_domain(std::string_view domain, const DomainRules& rules) {
    if (domain.empty() || domain.size() > kMaxDomain) return false;
    if (!is_ascii(domain) && (!rules.allow_utf8 || !valid_utf8(domain))) return false;
    for (std::string_view label : split(domain, '.')) {
        if (!is_label(label, rules)) return false;
    }
    return true;
}

bool is_address_literal(std::string_view literal) {
    if (literal.size() < 3 || literal.front() != '[' || literal.back() != ']') return false;
    const std::string_view inner = literal.substr(1, literal.size() - 2);
    if (istarts_with(inner, "IPv6:")) return is_ipv6(inner.substr(5));
    // RFC 5321 4.1.3: a General-address-literal needs a Standardized-tag
    // registered with IANA; none besides IPv6 exists, so other tags are refused.
    return is_ipv4(inner);
}

bool is_dot_string(std::string_view local, bool allow_utf8) {
    // RFC 5321 4.1.2: Dot-string = Atom *("." Atom): no empty atoms, so no
    // leading, trailing or doubled dots.
    if (local.empty()) return false;
    for (std::string_view atom : split(local, '.')) {
        if (atom.empty()) return false;
        for (char c : atom) {
            if (!is_atext(static_cast<unsigned char>(c), allow_utf8)) return false;
        }
    }
    return true;
}

std::string quote_local_part(std::string_view local) {
    if (is_dot_string(local, true)) return std::string(local);
    std::string out = "\"";
    for (char c : local) {
        // RFC 5321 4.1.2 quoted-pairSMTP: only '"' and '\' need the backslash.
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
    return out;
}

std::string Mailbox::to_string() const {
    std::string out = quote_local_part(local);
    if (!domain.empty()) {
        out += '@';
        out += domain;
    }
    return out;
}

std::string Mailbox::canonical_key() const {
    std::string out = quote_local_part(local);
    if (!domain.empty()) {
        out += '@';
        out += to_lower(domain);
    }
    return out;
}

bool Mailbox::is_ascii() const {
    return smtp::is_ascii(local) && smtp::is_ascii(domain);
}

Result<Mailbox> parse_mailbox(std::string_view text, bool allow_utf8) {
    if (!is_ascii(text)) {
        if (!valid_utf8(text)) return fail(Errc::invalid, "address is not valid UTF-8");
        // RFC 6531 3.5: non-ASCII addresses need SMTPUTF8 (reply 553 5.6.7).
        if (!allow_utf8) return fail(Errc::denied, "non-ASCII address without SMTPUTF8");
    }
    Mailbox box;
    std::size_t pos = 0;
    if (!text.empty() && text[0] == '"') {
        // RFC 5321 4.1.2 Quoted-string = DQUOTE *QcontentSMTP DQUOTE
        pos = 1;
        bool closed = false;
        while (pos < text.size()) {
            const auto c = static_cast<unsigned char>(text[pos]);
            if (c == '"') {
                closed = true;
                ++pos;
                break;
            }
            if (c == '\\') {
                // quoted-pairSMTP = %d92 %d32-126
                if (pos + 1 >= text.size()) break;
                const auto next = static_cast<unsigned char>(text[pos + 1]);
                if (next < 32 || next > 126) return fail(Errc::invalid, "bad quoted pair");
                box.local += static_cast<char>(next);
                pos += 2;
                continue;
            }
            if (!is_qtext(c, allow_utf8))
                return fail(Errc::invalid, "bad character in quoted local part");
            box.local += static_cast<char>(c);
            ++pos;
        }
        if (!closed) return fail(Errc::invalid, "unterminated quoted local part");
    } else {
        pos = text.find('@');
        if (pos == std::string_view::npos) return fail(Errc::invalid, "address has no '@'");
        box.local = std::string(text.substr(0, pos));
        if (!is_dot_string(box.local, allow_utf8)) return fail(Errc::invalid, "bad local part");
    }
    // RFC 5321 4.5.3.1.1: 64 octets, counted as sent (quotes included).
    if (pos > kMaxLocalPart) return fail(Errc::limit, "local part longer than 64 octets");
    if (pos >= text.size() || text[pos] != '@') return fail(Errc::invalid, "address has no '@'");
    const std::string_view domain = text.substr(pos + 1);
    // RFC 5321 4.5.3.1.2: 255 octets.
    if (domain.size() > kMaxDomain) return fail(Errc::limit, "domain longer than 255 octets");
    if (!domain.empty() && domain.front() == '[') {
        if (!is_address_literal(domain)) return fail(Errc::invalid, "bad address literal");
    } else if (!is_domain(domain, DomainRules{allow_utf8, false})) {
        return fail(Errc::invalid, "bad domain");
    }
    box.domain = std::string(domain);
    return box;
}

}  // namespace tern::smtp
