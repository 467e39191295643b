#include "cli/address.hpp"

namespace tern::cli {

namespace {

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_utf8(char c) {
    return static_cast<unsigned char>(c) >= 0x80;
}

// RFC 5322 3.2.3: atext.
bool is_atext(char c) {
    static constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    return is_alnum(c) || is_utf8(c) || specials.find(c) != std::string_view::npos;
}

bool valid_label(std::string_view label) {
    // RFC 1035 2.3.4: 63 octets; RFC 1123 2.1: letters, digits, inner hyphens.
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
        if (!is_alnum(c) && !is_utf8(c) && c != '-') return false;
    }
    return true;
}

}  // namespace

bool valid_domain(std::string_view domain) {
    if (domain == "localhost") return true;
    if (domain.size() > 253 || domain.find('.') == std::string_view::npos) return false;
    size_t start = 0;
    while (true) {
        size_t dot = domain.find('.', start);
        std::string_view label = domain.substr(start, dot - start);
        if (!valid_label(label)) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

bool valid_address(std::string_view address) {
    size_t at = address.rfind('@');
    if (at == std::string_view::npos || at == 0) return false;
    std::string_view local = address.substr(0, at);
    // RFC 5321 4.5.3.1.1: the local part is at most 64 octets.
    if (local.size() > 64) return false;
    // RFC 5322 3.2.3: dot-atom, so no leading, trailing or doubled dots.
    if (local.front() == '.' || local.back() == '.') return false;
    for (size_t i = 0; i < local.size(); ++i) {
        if (local[i] == '.') {
            if (local[i + 1] == '.') return false;
        } else if (!is_atext(local[i])) {
            return false;
        }
    }
    return valid_domain(address.substr(at + 1));
}

bool valid_alias_source(std::string_view source) {
    if (!source.empty() && source.front() == '@') return valid_domain(source.substr(1));
    return valid_address(source);
}

std::string_view domain_of(std::string_view address) {
    size_t at = address.rfind('@');
    return at == std::string_view::npos ? address : address.substr(at + 1);
}

}  // namespace tern::cli
