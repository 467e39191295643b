#include "mime/multipart.hpp"

namespace tern::mime {

namespace {

enum class Delimiter { none, open, close };

// RFC 2046 5.1.1: dash-boundary [ "--" ] *LWSP-char CRLF. The boundary "MUST
// NOT appear inside any of the encapsulated parts, on a line by itself or as
// the prefix of any line", so a line that starts with it is a delimiter even
// when junk follows (as mail readers treat it); "--" after it closes.
// `exact` says whether only whitespace follows, as the grammar wants.
Delimiter classify(std::string_view line, std::string_view boundary, bool& exact) {
    if (boundary.empty() || line.size() < boundary.size() + 2) return Delimiter::none;
    if (line.compare(2, boundary.size(), boundary) != 0) return Delimiter::none;
    std::string_view rest = line.substr(2 + boundary.size());
    Delimiter kind = Delimiter::open;
    if (rest.size() >= 2 && rest[0] == '-' && rest[1] == '-') {
        kind = Delimiter::close;
        rest.remove_prefix(2);
    }
    exact = rest.find_first_not_of(" \t\r") == std::string_view::npos;
    return kind;
}

}  // namespace

BoundaryHit find_boundary(std::string_view raw, std::size_t pos, std::size_t end,
                          const std::vector<std::string_view>& stack) {
    if (end > raw.size()) end = raw.size();
    if (stack.empty()) return {end, end, -1, false};
    while (pos < end) {
        std::size_t lf = raw.find('\n', pos);
        if (lf == std::string_view::npos || lf >= end) lf = end;
        std::size_t next = lf == end ? end : lf + 1;
        if (lf - pos >= 2 && raw[pos] == '-' && raw[pos + 1] == '-') {
            std::string_view line = raw.substr(pos, lf - pos);
            // An exact delimiter line wins over a prefix match at any level
            // (outer "ab" and inner "a": "--ab" is the outer one); among
            // equals the innermost boundary wins.
            int prefix_level = -1;
            bool prefix_close = false;
            for (int level = static_cast<int>(stack.size()) - 1; level >= 0; --level) {
                bool exact = false;
                Delimiter d = classify(line, stack[static_cast<std::size_t>(level)], exact);
                if (d == Delimiter::none) continue;
                if (exact) return {pos, next, level, d == Delimiter::close};
                if (prefix_level < 0) {
                    prefix_level = level;
                    prefix_close = d == Delimiter::close;
                }
            }
            if (prefix_level >= 0) return {pos, next, prefix_level, prefix_close};
        }
        pos = next;
    }
    return {end, end, -1, false};
}

std::size_t before_line_break(std::string_view raw, std::size_t pos, std::size_t floor) {
    if (pos > floor && raw[pos - 1] == '\n') {
        --pos;
        if (pos > floor && raw[pos - 1] == '\r') --pos;
    }
    return pos;
}

}  // namespace tern::mime
