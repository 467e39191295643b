#include "imap/proto/mutf7.hpp"

#include <cstdint>
#include <vector>

namespace tern::imap {

namespace {

// RFC 3501 5.1.3: base64 with "," in place of "/" and no padding.
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int alphabet_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == ',') return 63;
    return -1;
}

bool printable_ascii(std::uint32_t c) {
    return c >= 0x20 && c <= 0x7e;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Reads one code point at s[pos]; returns false on malformed UTF-8.
bool next_code_point(std::string_view s, std::size_t& pos, std::uint32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[pos]);
    int extra = 0;
    std::uint32_t min = 0;
    if (b0 < 0x80) {
        cp = b0;
    } else if ((b0 & 0xE0) == 0xC0) {
        cp = b0 & 0x1F, extra = 1, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        cp = b0 & 0x0F, extra = 2, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        cp = b0 & 0x07, extra = 3, min = 0x10000;
    } else {
        return false;
    }
    if (pos + static_cast<std::size_t>(extra) >= s.size()) return false;
    for (int i = 1; i <= extra; ++i) {
        const auto b = static_cast<unsigned char>(s[pos + static_cast<std::size_t>(i)]);
        if ((b & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (b & 0x3F);
    }
    // RFC 3629 3: no overlong forms, no surrogates, nothing past U+10FFFF.
    if (extra > 0 && cp < min) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    if (cp > 0x10FFFF) return false;
    pos += static_cast<std::size_t>(extra) + 1;
    return true;
}

// Decodes the base64 run between "&" and "-" into UTF-8.
Status decode_run(std::string_view run, std::string& out) {
    std::uint32_t bits = 0;
    int nbits = 0;
    std::vector<std::uint16_t> units;
    for (char c : run) {
        const int v = alphabet_value(c);
        if (v < 0) return fail(Errc::invalid, "Invalid character in modified UTF-7 shift");
        bits = (bits << 6) | static_cast<std::uint32_t>(v);
        nbits += 6;
        if (nbits >= 16) {
            nbits -= 16;
            units.push_back(static_cast<std::uint16_t>(bits >> nbits));
            bits &= (1u << nbits) - 1;
        }
    }
    // Leftover bits are padding: fewer than 6 of them, all zero.
    if (nbits >= 6 || bits != 0) return fail(Errc::invalid, "Bad padding in modified UTF-7");
    if (units.empty()) return fail(Errc::invalid, "Empty modified UTF-7 shift");
    for (std::size_t i = 0; i < units.size(); ++i) {
        std::uint32_t cp = units[i];
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (i + 1 >= units.size() || units[i + 1] < 0xDC00 || units[i + 1] > 0xDFFF)
                return fail(Errc::invalid, "Unpaired surrogate in modified UTF-7");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (units[++i] - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail(Errc::invalid, "Unpaired surrogate in modified UTF-7");
        }
        // RFC 3501 5.1.3: printable US-ASCII must represent itself.
        if (printable_ascii(cp)) return fail(Errc::invalid, "ASCII encoded in modified UTF-7");
        append_utf8(out, cp);
    }
    return {};
}

void encode_run(const std::vector<std::uint16_t>& units, std::string& out) {
    out += '&';
    std::uint32_t bits = 0;
    int nbits = 0;
    for (std::uint16_t u : units) {
        bits = (bits << 16) | u;
        nbits += 16;
        while (nbits >= 6) {
            nbits -= 6;
            out += kAlphabet[(bits >> nbits) & 0x3F];
        }
        bits &= (1u << nbits) - 1;
    }
    if (nbits > 0) out += kAlphabet[(bits << (6 - nbits)) & 0x3F];
    out += '-';
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    std::size_t pos = 0;
    std::uint32_t cp = 0;
    while (pos < s.size()) {
        if (!next_code_point(s, pos, cp)) return false;
    }
    return true;
}

Result<std::string> mutf7_decode(std::string_view text) {
    std::string out;
    bool previous_was_shift = false;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u > 0x7e) return fail(Errc::invalid, "Non-ASCII octet in mailbox name");
        if (c != '&') {
            out += c;
            previous_was_shift = false;
            ++i;
            continue;
        }
        const std::size_t end = text.find('-', i + 1);
        if (end == std::string_view::npos) return fail(Errc::invalid, "Unterminated &-shift");
        if (end == i + 1) {
            out += '&';  // "&-" is the ampersand itself
            previous_was_shift = false;
        } else {
            if (previous_was_shift) return fail(Errc::invalid, "Adjacent modified UTF-7 shifts");
            auto st = decode_run(text.substr(i + 1, end - i - 1), out);
            if (!st) return st.failure();
            previous_was_shift = true;
        }
        i = end + 1;
    }
    return out;
}

Result<std::string> mutf7_encode(std::string_view utf8) {
    std::string out;
    std::vector<std::uint16_t> pending;
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        std::uint32_t cp = 0;
        if (!next_code_point(utf8, pos, cp)) return fail(Errc::invalid, "Invalid UTF-8");
        if (printable_ascii(cp)) {
            if (!pending.empty()) encode_run(pending, out), pending.clear();
            out += cp == '&' ? std::string("&-") : std::string(1, static_cast<char>(cp));
            continue;
        }
        if (cp >= 0x10000) {
            const std::uint32_t v = cp - 0x10000;
            pending.push_back(static_cast<std::uint16_t>(0xD800 + (v >> 10)));
            pending.push_back(static_cast<std::uint16_t>(0xDC00 + (v & 0x3FF)));
        } else {
            pending.push_back(static_cast<std::uint16_t>(cp));
        }
    }
    if (!pending.empty()) encode_run(pending, out);
    return out;
}

}  // namespace tern::imap
