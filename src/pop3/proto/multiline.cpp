#include "pop3/proto/multiline.hpp"

#include "base/strings.hpp"

#include <cstring>

namespace tern::pop3 {

void MultilineEncoder::encode(std::string_view piece, std::string& out) {
    out.reserve(out.size() + piece.size() + piece.size() / 32 + 4);
    std::size_t pos = 0;
    while (pos < piece.size()) {
        if (at_line_start_ && piece[pos] == '.') out.push_back('.');  // RFC 1939 3: byte-stuffing
        at_line_start_ = false;
        // Copy up to and including the next LF in one append (the common
        // case: every line already ends in CRLF).
        const void* lf = std::memchr(piece.data() + pos, '\n', piece.size() - pos);
        const std::size_t end = lf ? static_cast<const char*>(lf) - piece.data() : piece.size();
        if (end > pos) {
            out.append(piece.data() + pos, end - pos);
            after_cr_ = piece[end - 1] == '\r';
        }
        if (!lf) break;
        if (!after_cr_) out.push_back('\r');  // a bare LF is sent as CRLF
        out.push_back('\n');
        after_cr_ = false;
        at_line_start_ = true;
        pos = end + 1;
    }
}

void MultilineEncoder::finish(std::string& out) {
    if (!at_line_start_) out += after_cr_ ? "\n" : "\r\n";
    out += ".\r\n";
    at_line_start_ = true;
    after_cr_ = false;
}

uint64_t crlf_size(std::string_view message) {
    return crlf_length(message);
}

std::string_view top_part(std::string_view message, uint64_t body_lines) {
    // The header ends at the first empty line (RFC 5322 2.1); a message
    // without one is all header, and TOP then sends all of it.
    std::size_t pos = 0;
    bool in_header = true;
    while (pos < message.size()) {
        if (!in_header) {
            if (body_lines == 0) return message.substr(0, pos);
            --body_lines;
        }
        const void* lf = std::memchr(message.data() + pos, '\n', message.size() - pos);
        if (!lf) return message;  // the last line has no LF: it is sent whole
        const std::size_t at = static_cast<const char*>(lf) - message.data();
        if (in_header) {
            const std::string_view line = message.substr(pos, at - pos);
            if (line.empty() || line == "\r") in_header = false;
        }
        pos = at + 1;
    }
    return message;
}

}  // namespace tern::pop3
