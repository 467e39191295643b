#include "smtp/proto/utf8.hpp"

namespace tern::smtp {

namespace {

bool continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

}  // namespace

// RFC 3629 4: the table of well-formed byte sequences. The second octet's
// range is narrowed after E0, ED, F0 and F4 to exclude overlong forms,
// surrogates (U+D800..U+DFFF) and code points above U+10FFFF.
std::size_t utf8_sequence_length(std::string_view s, std::size_t pos) {
    if (pos >= s.size()) return 0;
    const auto b0 = static_cast<unsigned char>(s[pos]);
    if (b0 < 0x80) return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;  // C0, C1, F5..FF never start a sequence; 80..BF are continuations
    }
    if (s.size() - pos < len) return 0;
    const auto b1 = static_cast<unsigned char>(s[pos + 1]);
    if (b1 < lo || b1 > hi) return 0;
    for (std::size_t i = 2; i < len; ++i) {
        if (!continuation(static_cast<unsigned char>(s[pos + i]))) return 0;
    }
    return len;
}

bool valid_utf8(std::string_view s) {
    std::size_t pos = 0;
    while (pos < s.size()) {
        const std::size_t n = utf8_sequence_length(s, pos);
        if (n == 0) return false;
        pos += n;
    }
    return true;
}

bool is_ascii(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

}  // namespace tern::smtp
