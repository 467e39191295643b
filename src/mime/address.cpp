#include "mime/address.hpp"

#include "mime/encoded_word.hpp"

namespace tern::mime {

namespace {

struct Token {
    enum class Type { word, quoted, special, literal };
    Type type = Type::word;
    std::string text;  // quoted: the unescaped content
    char special = 0;
    bool space_before = false;
};

// RFC 5322 3.2.3: specials, less "." (kept inside atoms so dot-atoms and
// obsolete phrases like "John Q. Public" stay single words) and '"', '(' and
// '[' which open their own token kinds.
bool is_special(char c) {
    return c == '<' || c == '>' || c == '@' || c == ',' || c == ':' || c == ';' || c == '\\';
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> out;
    std::size_t i = 0;
    bool space = false;
    while (i < s.size()) {
        char c = s[i];
        if (is_space(c)) {
            space = true;
            ++i;
        } else if (c == '(') {
            // RFC 5322 3.2.2: comments nest and are skipped here.
            int depth = 0;
            while (i < s.size()) {
                char d = s[i++];
                if (d == '\\' && i < s.size())
                    ++i;
                else if (d == '(')
                    ++depth;
                else if (d == ')' && --depth == 0)
                    break;
            }
            space = true;
        } else if (c == '"') {
            Token t{Token::Type::quoted, {}, 0, space};
            ++i;
            while (i < s.size() && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                if (s[i] != '\r' && s[i] != '\n') t.text.push_back(s[i]);
                ++i;
            }
            ++i;
            out.push_back(std::move(t));
            space = false;
        } else if (c == '[') {
            // RFC 5322 3.4.1 domain-literal, kept with its brackets.
            std::size_t close = s.find(']', i);
            std::size_t stop = close == std::string_view::npos ? s.size() : close + 1;
            out.push_back({Token::Type::literal, std::string(s.substr(i, stop - i)), 0, space});
            i = stop;
            space = false;
        } else if (is_special(c)) {
            out.push_back({Token::Type::special, std::string(1, c), c, space});
            ++i;
            space = false;
        } else {
            std::size_t start = i;
            while (i < s.size() && !is_space(s[i]) && !is_special(s[i]) && s[i] != '(' &&
                   s[i] != '"' && s[i] != '[')
                ++i;
            out.push_back({Token::Type::word, std::string(s.substr(start, i - start)), 0, space});
            space = false;
        }
    }
    return out;
}

bool is(const Token& t, char c) {
    return t.type == Token::Type::special && t.special == c;
}

// A display name: words joined by single spaces (RFC 5322 3.2.5 phrase).
std::optional<std::string> phrase(const std::vector<Token>& t, std::size_t begin, std::size_t end) {
    std::string out;
    bool any = false;
    for (std::size_t i = begin; i < end; ++i) {
        if (t[i].type == Token::Type::special) continue;
        if (any && (t[i].space_before || t[i].type == Token::Type::quoted)) out.push_back(' ');
        out += t[i].text;
        any = true;
    }
    if (!any) return std::nullopt;
    return out;
}

bool needs_quotes(const std::string& local) {
    if (local.empty()) return true;
    for (char c : local)
        if (c == ' ' || c == '"' || c == '\\' || is_special(c) || c == '(' || c == ')' ||
            c == '[' || c == ']')
            return true;
    return false;
}

std::string quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "\"";
}

// RFC 5322 3.4.1 addr-spec = local-part "@" domain; CFWS around dots is dropped (4.4).
void addr_spec(const std::vector<Token>& t, std::size_t begin, std::size_t end, Address& a) {
    std::size_t at = end;
    for (std::size_t i = begin; i < end; ++i)
        if (is(t[i], '@')) at = i;
    std::string local;
    bool quoted = false;
    for (std::size_t i = begin; i < at; ++i) {
        if (t[i].type == Token::Type::special) continue;
        if (t[i].type == Token::Type::quoted) quoted = true;
        local += t[i].text;
    }
    a.mailbox = quoted && needs_quotes(local) ? quote(local) : local;
    for (std::size_t i = at + 1; i < end; ++i)
        if (t[i].type != Token::Type::special) a.host += t[i].text;
}

// One address (between commas); appends nothing for an empty member (RFC 5322 4.4).
void element(const std::vector<Token>& t, std::size_t begin, std::size_t end,
             std::vector<Address>& out) {
    if (begin >= end) return;
    Address a;
    std::size_t open = end;
    for (std::size_t i = begin; i < end; ++i)
        if (is(t[i], '<')) {
            open = i;
            break;
        }
    if (open == end) {
        addr_spec(t, begin, end, a);
    } else {
        a.name = phrase(t, begin, open);
        std::size_t close = open + 1;
        while (close < end && !is(t[close], '>'))
            ++close;
        std::size_t spec = open + 1;
        // RFC 5322 4.4 obs-route: "@a,@b:" before the addr-spec.
        if (spec < close && is(t[spec], '@')) {
            std::size_t colon = spec;
            while (colon < close && !is(t[colon], ':'))
                ++colon;
            if (colon < close) {
                std::string route;
                for (std::size_t i = spec; i < colon; ++i)
                    route += t[i].text;
                a.route = route;
                spec = colon + 1;
            }
        }
        addr_spec(t, spec, close, a);
        // "Name <>" (as in a null return path) has no address at all.
        if (a.mailbox.empty() && a.host.empty() && !a.name) return;
    }
    if (a.mailbox.empty() && a.host.empty() && !a.name) return;
    out.push_back(std::move(a));
}

}  // namespace

std::vector<Address> parse_address_list(std::string_view value) {
    std::vector<Token> t = tokenize(value);
    std::vector<Address> out;
    bool in_group = false;
    std::size_t start = 0;
    bool angle = false;
    bool seen_angle_or_at = false;
    for (std::size_t i = 0; i <= t.size(); ++i) {
        if (i == t.size()) {
            element(t, start, i, out);
            break;
        }
        if (is(t[i], '<')) angle = seen_angle_or_at = true;
        if (is(t[i], '>')) angle = false;
        if (is(t[i], '@')) seen_angle_or_at = true;
        if (angle) continue;
        if (is(t[i], ':') && !in_group && !seen_angle_or_at) {
            // RFC 5322 3.4: group = display-name ":" [group-list] ";"
            Address g;
            g.kind = Address::Kind::group_start;
            g.name = phrase(t, start, i);
            out.push_back(std::move(g));
            in_group = true;
            start = i + 1;
        } else if (is(t[i], ',') || (is(t[i], ';') && in_group)) {
            element(t, start, i, out);
            if (is(t[i], ';')) {
                out.push_back({Address::Kind::group_end, std::nullopt, std::nullopt, {}, {}});
                in_group = false;
            }
            start = i + 1;
            seen_angle_or_at = false;
        }
    }
    if (in_group) out.push_back({Address::Kind::group_end, std::nullopt, std::nullopt, {}, {}});
    return out;
}

std::string decoded_name(const Address& a) {
    return a.name ? decode_header_text(*a.name) : "";
}

}  // namespace tern::mime
