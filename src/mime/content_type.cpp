#include "mime/content_type.hpp"

#include <algorithm>
#include <map>

#include "base/strings.hpp"
#include "mime/charset.hpp"
#include "mime/header.hpp"

namespace tern::mime {

namespace {

class Cursor {
  public:
    explicit Cursor(std::string_view s) : s_(s) {}
    bool done() const { return pos_ >= s_.size(); }
    char peek() const { return s_[pos_]; }
    void advance() { ++pos_; }
    std::string_view rest() const { return s_.substr(pos_); }

    // Skips whitespace and RFC 5322 3.2.2 comments, which may nest.
    void skip_cfws() {
        while (!done()) {
            char c = peek();
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                ++pos_;
            } else if (c == '(') {
                int depth = 0;
                while (!done()) {
                    char d = s_[pos_++];
                    if (d == '\\' && !done())
                        ++pos_;
                    else if (d == '(')
                        ++depth;
                    else if (d == ')' && --depth == 0)
                        break;
                }
            } else {
                break;
            }
        }
    }

    // Up to (not including) any of `stops`, trimmed.
    std::string_view until(std::string_view stops) {
        std::size_t start = pos_;
        while (!done() && stops.find(peek()) == std::string_view::npos)
            ++pos_;
        return trim(s_.substr(start, pos_ - start));
    }

    // RFC 5322 3.2.4 quoted-string at '"'; tolerates a missing closing quote.
    std::string quoted() {
        std::string out;
        ++pos_;
        while (!done()) {
            char c = s_[pos_++];
            if (c == '"') break;
            if (c == '\\' && !done()) c = s_[pos_++];
            if (c == '\r' || c == '\n') continue;  // unfolding
            out.push_back(c);
        }
        return out;
    }

  private:
    std::string_view s_;
    std::size_t pos_ = 0;
};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// RFC 2231 4: %XX octets in an extended value.
std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
            hex_digit(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

struct Section {
    std::string value;
    bool extended = false;  // "*" marked: percent-encoded
};

struct Pending {
    std::map<int, Section> sections;  // RFC 2231 3: joined in section-number order
    std::size_t order = 0;
};

// Joins the sections of one RFC 2231 parameter into UTF-8.
std::string join_sections(const Pending& p) {
    std::string charset;
    std::string bytes;
    bool first = true;
    for (const auto& [index, section] : p.sections) {
        std::string_view v = section.value;
        if (section.extended && first) {
            // RFC 2231 4: charset'language'value in the first section only.
            std::size_t q1 = v.find('\'');
            std::size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
            if (q2 != std::string_view::npos) {
                charset = std::string(v.substr(0, q1));
                v = v.substr(q2 + 1);
            }
        }
        bytes += section.extended ? percent_decode(v) : std::string(v);
        first = false;
    }
    return charset.empty() ? bytes : to_utf8(charset, bytes);
}

}  // namespace

const std::string* find_param(const Params& params, std::string_view name) {
    for (const auto& p : params)
        if (p.name == name) return &p.value;
    return nullptr;
}

Params parse_params(std::string_view text) {
    std::map<std::string, Pending> pending;
    std::size_t order = 0;
    Cursor c(text);
    while (true) {
        c.skip_cfws();
        while (!c.done() && c.peek() == ';') {
            c.advance();
            c.skip_cfws();
        }
        if (c.done()) break;
        std::string name = to_lower(c.until("=;"));
        if (c.done() || c.peek() == ';') continue;  // a name without a value: skipped
        c.advance();                                // '='
        c.skip_cfws();
        std::string value;
        if (!c.done() && c.peek() == '"') {
            value = c.quoted();
            c.until(";");  // anything after the closing quote is noise
        } else {
            value = unfold(c.until(";"));  // lenient: unquoted values with spaces
        }
        if (name.empty()) continue;
        // RFC 2231 3, 4: name*, name*N, name*N*.
        int index = 0;
        bool extended = false;
        bool is_2231 = false;
        if (std::size_t star = name.find('*'); star != std::string::npos) {
            std::string_view suffix = std::string_view(name).substr(star + 1);
            extended = !suffix.empty() && suffix.back() == '*';
            if (extended) suffix.remove_suffix(1);
            bool digits = !suffix.empty() && suffix.size() <= 4 &&
                          std::all_of(suffix.begin(), suffix.end(),
                                      [](char d) { return d >= '0' && d <= '9'; });
            if (suffix.empty() && !extended) extended = true;  // "name*=" is extended, section 0
            if (suffix.empty() || digits) {
                index = suffix.empty() ? 0 : std::stoi(std::string(suffix));
                name.resize(star);
                is_2231 = true;
            }
        }
        auto& p = pending[name];
        if (p.sections.empty()) p.order = order++;
        if (!is_2231 && !p.sections.empty()) continue;  // first occurrence wins
        p.sections.try_emplace(index, Section{std::move(value), extended});
    }
    std::vector<std::pair<std::size_t, Param>> ordered;
    for (auto& [name, p] : pending)
        ordered.push_back({p.order, Param{name, join_sections(p)}});
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    Params params;
    for (auto& [o, param] : ordered)
        params.push_back(std::move(param));
    return params;
}

ContentType parse_content_type(std::string_view value) {
    ContentType ct;
    Cursor c(value);
    c.skip_cfws();
    std::string type = to_lower(c.until("/;( \t\r\n"));
    c.skip_cfws();
    if (c.done() || c.peek() != '/') {
        std::size_t semi = value.find(';');
        if (semi != std::string_view::npos) ct.params = parse_params(value.substr(semi + 1));
        return ct;
    }
    c.advance();
    c.skip_cfws();
    std::string subtype = to_lower(c.until(";( \t\r\n"));
    // Parameters follow ";", but a missing ";" before them is tolerated
    // ("multipart/mixed\r\n\tboundary=x", seen in real mail).
    ct.params = parse_params(c.rest());
    ct.valid = !type.empty() && !subtype.empty();
    ct.type = std::move(type);
    ct.subtype = std::move(subtype);
    return ct;
}

Disposition parse_disposition(std::string_view value) {
    Disposition d;
    std::size_t semi = value.find(';');
    d.type = to_lower(trim(unfold(value.substr(0, semi))));
    if (semi != std::string_view::npos) d.params = parse_params(value.substr(semi + 1));
    return d;
}

}  // namespace tern::mime
