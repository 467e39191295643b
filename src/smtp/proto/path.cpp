#include "smtp/proto/path.hpp"

#include "base/strings.hpp"
#include "smtp/proto/syntax_error.hpp"

namespace tern::smtp {

namespace {

// RFC 3463: X.1.7 bad sender's address syntax, X.1.3 bad destination syntax.
std::string_view bad_address_code(PathKind kind) {
    return kind == PathKind::reverse ? "5.1.7" : "5.1.3";
}

// Where the mailbox that starts at `pos` ends: a Quoted-string local part
// may hold '>' or '@', so it is skipped as a unit before looking for '>'.
std::size_t find_close(std::string_view text, std::size_t pos) {
    if (pos < text.size() && text[pos] == '"') {
        ++pos;
        while (pos < text.size() && text[pos] != '"') {
            pos += (text[pos] == '\\') ? 2 : 1;
        }
        if (pos >= text.size()) return std::string_view::npos;
    }
    return text.find('>', pos);
}

// A-d-l = At-domain *( "," At-domain ), then ":". Returns the position after
// the ':' or npos when the route is malformed.
std::size_t skip_source_route(std::string_view text, std::size_t pos, bool allow_utf8) {
    while (pos < text.size() && text[pos] == '@') {
        const std::size_t end = text.find_first_of(",:>", pos + 1);
        if (end == std::string_view::npos || text[end] == '>') return std::string_view::npos;
        if (!is_domain(text.substr(pos + 1, end - pos - 1), DomainRules{allow_utf8, false})) {
            return std::string_view::npos;
        }
        pos = end + 1;
        if (text[end] == ':') return pos;
    }
    return std::string_view::npos;
}

}  // namespace

Result<ParsedPath> parse_path(std::string_view text, PathKind kind, bool allow_utf8) {
    const std::string_view who = kind == PathKind::reverse ? "sender" : "recipient";
    if (text.empty() || text[0] != '<') {
        return syntax_failure(501, "5.5.4", "Syntax: address must be enclosed in <>");
    }
    ParsedPath out;
    std::size_t pos = 1;
    if (pos < text.size() && text[pos] == '@') {
        pos = skip_source_route(text, pos, allow_utf8);
        if (pos == std::string_view::npos) {
            return syntax_failure(553, bad_address_code(kind),
                                  "Bad source route in " + std::string(who) + " address");
        }
        out.path.had_source_route = true;
    }
    const std::size_t close = find_close(text, pos);
    if (close == std::string_view::npos) {
        return syntax_failure(501, "5.5.4", "Syntax: missing '>' after address");
    }
    out.consumed = close + 1;
    // RFC 5321 4.5.3.1.3: 256 octets including the punctuation; 4.5.3.1
    // suggests "501 Path too long".
    if (out.consumed > kMaxPath) return syntax_failure(501, "5.5.4", "Path too long");
    const std::string_view inner = text.substr(pos, close - pos);
    out.path.wire = std::string(inner);
    if (inner.empty()) {
        if (kind == PathKind::forward || out.path.had_source_route) {
            return syntax_failure(553, bad_address_code(kind),
                                  "Empty " + std::string(who) + " address not allowed");
        }
        out.path.null = true;  // RFC 5321 4.5.5: the null reverse-path "<>"
        return out;
    }
    // RFC 5321 4.1.1.3: "<Postmaster>" (case-insensitive, 4.5.1) needs no domain.
    if (kind == PathKind::forward && !out.path.had_source_route && iequals(inner, "postmaster")) {
        out.path.postmaster = true;
        out.path.mailbox.local = "postmaster";
        return out;
    }
    auto box = parse_mailbox(inner, allow_utf8);
    if (!box) {
        if (box.error().code == Errc::denied) {
            return syntax_failure(553, "5.6.7", "Non-ASCII addresses need SMTPUTF8");
        }
        return syntax_failure(553, bad_address_code(kind),
                              "Bad " + std::string(who) + " address: " + box.error().message);
    }
    out.path.mailbox = std::move(*box);
    return out;
}

}  // namespace tern::smtp
