#include "smtp/proto/reply.hpp"

#include <cassert>

#include "smtp/proto/utf8.hpp"

namespace tern::smtp {

namespace {

// Appends one reply line: code, separator, enhanced code, text, CRLF.
void append_line(std::string& out, int code, char sep, std::string_view enhanced,
                 std::string_view text) {
    const std::size_t start = out.size();
    out += std::to_string(code);
    // The last line may be a bare code (RFC 5321 4.2: [SP textstring]); a
    // continuation line always carries its '-'.
    if (sep == '-' || !enhanced.empty() || !text.empty()) out += sep;
    if (!enhanced.empty()) {
        out += enhanced;
        if (!text.empty()) out += ' ';
    }
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto c = static_cast<unsigned char>(text[pos]);
        std::size_t n = 1;
        if (c >= 0x80) n = utf8_sequence_length(text, pos);
        const std::size_t width = n == 0 ? 1 : n;
        // RFC 5321 4.5.3.1.5: 512 octets with CRLF; never split a character.
        if (out.size() - start + width > kMaxReplyLine) break;
        if (n == 0) {
            out += '?';
        } else if (n > 1) {
            out.append(text.substr(pos, n));
        } else if ((c < 0x20 && c != '\t') || c == 0x7F) {
            out += ' ';
        } else {
            out += static_cast<char>(c);
        }
        pos += width;
    }
    out += "\r\n";
}

}  // namespace

std::string reply(int code, std::string_view enhanced, std::string_view text) {
    assert(code >= 200 && code <= 599);
    std::string out;
    append_line(out, code, ' ', enhanced, text);
    return out;
}

std::string reply_lines(int code, std::string_view enhanced,
                        const std::vector<std::string>& lines) {
    assert(code >= 200 && code <= 599);
    std::string out;
    if (lines.empty()) {
        append_line(out, code, ' ', enhanced, {});
        return out;
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
        // RFC 5321 4.2.1: "250-" on every line but the last, which has "250 ".
        append_line(out, code, i + 1 < lines.size() ? '-' : ' ', enhanced, lines[i]);
    }
    return out;
}

std::string reply(const SyntaxError& error) {
    return reply(error.code, error.enhanced, error.text);
}

}  // namespace tern::smtp
