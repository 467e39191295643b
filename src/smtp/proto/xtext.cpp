#include "smtp/proto/xtext.hpp"

namespace tern::smtp {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    // RFC 3461 4 asks for upper case; lower case costs nothing to accept and
    // refusing it would bounce the whole MAIL command over a DSN detail.
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

bool is_xchar(char c) {
    return c >= '!' && c <= '~' && c != '+' && c != '=';
}

}  // namespace

Result<std::string> xtext_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            if (i + 2 >= text.size()) return fail(Errc::invalid, "xtext: '+' needs two hex digits");
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return fail(Errc::invalid, "xtext: '+' needs two hex digits");
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (is_xchar(c)) {
            out += c;
        } else {
            return fail(Errc::invalid, "xtext: character not allowed");
        }
    }
    return out;
}

std::string xtext_encode(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size());
    for (char c : bytes) {
        if (is_xchar(c)) {
            out += c;
        } else {
            const auto b = static_cast<unsigned char>(c);
            out += '+';
            out += kHex[b >> 4];
            out += kHex[b & 0x0F];
        }
    }
    return out;
}

}  // namespace tern::smtp
