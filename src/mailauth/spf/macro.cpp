#include "mailauth/spf/macro.hpp"

#include <algorithm>
#include <vector>

#include "base/strings.hpp"

namespace tern::mailauth::spf {
namespace {

// RFC 7208 7.1: delimiter = "." / "-" / "+" / "," / "/" / "_" / "="
bool is_delimiter(char c) {
    return c == '.' || c == '-' || c == '+' || c == ',' || c == '/' || c == '_' || c == '=';
}

// RFC 7208 7.1: macro-literal = %x21-24 / %x26-7E ('%' is handled apart).
bool is_literal(char c, MacroMode mode) {
    const auto u = static_cast<unsigned char>(c);
    if (u == ' ') return mode == MacroMode::explanation;
    return u >= 0x21 && u <= 0x7e;
}

bool is_exp_only(char lower) {
    return lower == 'c' || lower == 'r' || lower == 't';
}

bool is_macro_letter(char lower) {
    switch (lower) {
        case 's':
        case 'l':
        case 'o':
        case 'd':
        case 'i':
        case 'p':
        case 'h':
        case 'c':
        case 'r':
        case 't':
        case 'v':
            return true;
        default:
            return false;
    }
}

struct Macro {
    char letter = 0;  // lower case
    bool upper = false;
    std::size_t digits = 0;  // 0: keep all parts
    bool reverse = false;
    std::string delimiters;
};

// Parses "%{...}" starting at text[pos] == '%' and text[pos+1] == '{';
// leaves pos after the closing brace.
Result<Macro> parse_macro(std::string_view text, std::size_t& pos, MacroMode mode) {
    pos += 2;
    if (pos >= text.size()) return fail(Errc::invalid, "unterminated macro");
    Macro m;
    const char raw = text[pos++];
    m.letter = ascii_lower(raw);
    m.upper = raw != m.letter;
    if (!is_macro_letter(m.letter)) {
        return fail(Errc::invalid, std::string("unknown macro letter '") + raw + "'");
    }
    // RFC 7208 7.3: c, r and t are only allowed in "exp" text.
    if (mode == MacroMode::domain_spec && is_exp_only(m.letter)) {
        return fail(Errc::invalid, std::string("macro letter '") + raw + "' only allowed in exp");
    }
    bool have_digits = false;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        have_digits = true;
        // Clamp: a label count above 128 keeps every part of any domain.
        m.digits =
            std::min<std::size_t>(m.digits * 10 + static_cast<std::size_t>(text[pos] - '0'), 1000);
        ++pos;
    }
    // RFC 7208 7.1: "If a DIGIT is specified, the value MUST be nonzero."
    if (have_digits && m.digits == 0) return fail(Errc::invalid, "zero digit transformer");
    if (pos < text.size() && ascii_lower(text[pos]) == 'r') {
        m.reverse = true;
        ++pos;
    }
    while (pos < text.size() && is_delimiter(text[pos]))
        m.delimiters += text[pos++];
    if (pos >= text.size() || text[pos] != '}') return fail(Errc::invalid, "malformed macro");
    ++pos;
    return m;
}

std::string url_escape(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        // RFC 3986 2.3 unreserved characters stay; RFC 7208 7.3 escapes the rest.
        const bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                                (u >= '0' && u <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 0x0f];
        }
    }
    return out;
}

std::string macro_value(const Macro& m, const MacroContext& ctx) {
    switch (m.letter) {
        case 's':
            return ctx.sender;
        case 'l':
            return ctx.local_part;
        case 'o':
            return ctx.sender_domain;
        case 'd':
            return ctx.domain;
        case 'i':
            return macro_ip(ctx.ip);
        case 'p':
            return ctx.validated.empty() ? "unknown" : ctx.validated;
        case 'h':
            return ctx.helo;
        case 'c':
            return ctx.ip.to_string();
        case 'r':
            return ctx.receiver.empty() ? "unknown" : ctx.receiver;
        case 't':
            return std::to_string(ctx.timestamp);
        case 'v':
            return ctx.ip.is_v4() ? "in-addr" : "ip6";
        default:
            return {};
    }
}

// RFC 7208 7.3: split on the delimiters, optionally reverse, keep the
// rightmost `digits` parts, join with ".".
std::string transform(std::string_view value, const Macro& m) {
    const std::string_view delims = m.delimiters.empty() ? "." : std::string_view(m.delimiters);
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i == value.size() || delims.find(value[i]) != std::string_view::npos) {
            parts.push_back(value.substr(start, i - start));
            start = i + 1;
        }
    }
    if (m.reverse) std::reverse(parts.begin(), parts.end());
    std::size_t first = 0;
    if (m.digits != 0 && m.digits < parts.size()) first = parts.size() - m.digits;
    std::string out;
    for (std::size_t i = first; i < parts.size(); ++i) {
        if (i != first) out += '.';
        out += parts[i];
    }
    return out;
}

// Walks a macro-string: `literal` receives literal text (escapes already
// resolved), `expand_macro` each parsed %{...}.
template <class Literal, class Expand>
Status walk(std::string_view text, MacroMode mode, Literal&& literal, Expand&& expand_macro,
            bool& last_expand) {
    last_expand = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char c = text[pos];
        if (c != '%') {
            if (!is_literal(c, mode))
                return fail(Errc::invalid, "invalid character in macro-string");
            literal(std::string_view(&text[pos], 1));
            last_expand = false;
            ++pos;
            continue;
        }
        if (pos + 1 >= text.size()) return fail(Errc::invalid, "'%' at end of macro-string");
        const char next = text[pos + 1];
        // RFC 7208 7.1: "%%" is '%', "%_" a space, "%-" the URL-encoded space.
        if (next == '%' || next == '_' || next == '-') {
            literal(next == '%' ? "%" : next == '_' ? " " : "%20");
            last_expand = true;
            pos += 2;
            continue;
        }
        if (next != '{') return fail(Errc::invalid, "'%' not followed by '{', '%', '_' or '-'");
        auto m = parse_macro(text, pos, mode);
        if (!m) return m.failure();
        expand_macro(*m);
        last_expand = true;
    }
    return {};
}

}  // namespace

std::string macro_ip(const dns::IpAddress& ip) {
    if (ip.is_v4()) return ip.to_string();
    // RFC 7208 7.4 shows the nibbles in upper case ("1.0.B.C...").
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (std::size_t i = 0; i < 16; ++i) {
        if (i != 0) out += '.';
        out += hex[ip.bytes[i] >> 4];
        out += '.';
        out += hex[ip.bytes[i] & 0x0f];
    }
    return out;
}

Status check_macro_string(std::string_view text, MacroMode mode) {
    bool last_expand = false;
    return walk(
        text, mode, [](std::string_view) {}, [](const Macro&) {}, last_expand);
}

bool ends_with_macro_expand(std::string_view text) {
    bool last_expand = false;
    auto st = walk(
        text, MacroMode::domain_spec, [](std::string_view) {}, [](const Macro&) {}, last_expand);
    return st.ok() && last_expand;
}

Result<std::string> expand(std::string_view text, const MacroContext& ctx, MacroMode mode) {
    std::string out;
    bool last_expand = false;
    auto st = walk(
        text, mode, [&](std::string_view lit) { out += lit; },
        [&](const Macro& m) {
            std::string value = transform(macro_value(m, ctx), m);
            out += m.upper ? url_escape(value) : value;
        },
        last_expand);
    if (!st) return st.failure();
    return out;
}

bool uses_p_macro(std::string_view text) {
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        if (text[i] == '%' && text[i + 1] == '%') {
            ++i;
            continue;
        }
        if (text[i] == '%' && text[i + 1] == '{' && ascii_lower(text[i + 2]) == 'p') return true;
    }
    return false;
}

}  // namespace tern::mailauth::spf
