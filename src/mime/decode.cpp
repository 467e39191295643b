#include "mime/decode.hpp"

#include <array>

#include "base/strings.hpp"

namespace tern::mime {

namespace {

constexpr std::array<signed char, 256> make_base64_table() {
    std::array<signed char, 256> t{};
    for (auto& v : t)
        v = -1;
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    return t;
}
constexpr auto kBase64 = make_base64_table();

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;  // lowercase is tolerated (RFC 2045 6.7 (1))
    return -1;
}

}  // namespace

std::string decode_base64(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3 + 3);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        // RFC 2045 6.8: "=" can only appear as padding; data ends there.
        if (c == '=') break;
        int v = kBase64[static_cast<unsigned char>(c)];
        // RFC 2045 6.8: characters outside the alphabet are ignored.
        if (v < 0) continue;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return out;
}

std::string decode_quoted_printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t lf = text.find('\n', pos);
        bool has_eol = lf != std::string_view::npos;
        std::string_view line = text.substr(pos, has_eol ? lf - pos : std::string_view::npos);
        pos = has_eol ? lf + 1 : text.size();
        bool crlf = !line.empty() && line.back() == '\r';
        if (crlf) line.remove_suffix(1);
        // RFC 2045 6.7 (3): trailing whitespace was added in transport; delete it.
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        bool soft_break = false;
        for (std::size_t i = 0; i < line.size(); ++i) {
            char c = line[i];
            if (c != '=') {
                out.push_back(c);
                continue;
            }
            // RFC 2045 6.7 (5): "=" at the end of a line is a soft line break.
            if (i + 1 == line.size()) {
                soft_break = true;
                break;
            }
            int hi = i + 2 < line.size() ? hex_value(line[i + 1]) : -1;
            int lo = i + 2 < line.size() ? hex_value(line[i + 2]) : -1;
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
            } else {
                out.push_back('=');  // RFC 2045 6.7 note (2): keep a malformed "=" as is
            }
        }
        // A hard line break keeps the line ending the message used.
        if (has_eol && !soft_break) out += crlf ? "\r\n" : "\n";
    }
    return out;
}

Result<std::string> decode_body(std::string_view encoding, std::string_view body) {
    std::string enc = to_lower(trim(encoding));
    if (enc.empty() || enc == "7bit" || enc == "8bit" || enc == "binary") return std::string(body);
    if (enc == "base64") return decode_base64(body);
    if (enc == "quoted-printable") return decode_quoted_printable(body);
    return fail(Errc::invalid, "unknown Content-Transfer-Encoding: " + enc);
}

std::size_t count_lines(std::string_view text) {
    std::size_t lines = 0;
    for (char c : text)
        if (c == '\n') ++lines;
    if (!text.empty() && text.back() != '\n') ++lines;
    return lines;
}

}  // namespace tern::mime
