#include "mailauth/dkim/tag_list.hpp"

namespace tern::mailauth::dkim {

namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}
// RFC 6376 3.2: VALCHAR = %x21-3A / %x3C-7E (printable ASCII except ";").
bool is_valchar(char c) {
    return c >= 0x21 && c <= 0x7e && c != ';';
}

// Skips FWS (RFC 5322 3.2.2 as used by RFC 6376 2.8): WSP, or CRLF only when
// a WSP follows it (a fold). Bare LF is accepted as a line end because mail
// read from files often uses it; a CRLF not followed by WSP is an error the
// caller sees as an unexpected character.
std::size_t skip_fws(std::string_view s, std::size_t i) {
    while (i < s.size()) {
        if (is_wsp(s[i])) {
            ++i;
        } else if (s[i] == '\r' && i + 2 < s.size() && s[i + 1] == '\n' && is_wsp(s[i + 2])) {
            i += 3;
        } else if (s[i] == '\n' && i + 1 < s.size() && is_wsp(s[i + 1])) {
            i += 2;
        } else {
            break;
        }
    }
    return i;
}

}  // namespace

const Tag* TagList::find(std::string_view name) const {
    for (const auto& tag : tags) {
        if (tag.name == name) return &tag;
    }
    return nullptr;
}

Result<TagList> parse_tag_list(std::string_view s) {
    TagList list;
    std::size_t i = 0;
    while (true) {
        i = skip_fws(s, i);
        if (i >= s.size()) break;  // RFC 6376 3.2: a trailing ";" is allowed
        // tag-name = ALPHA *ALNUMPUNC
        const std::size_t name_begin = i;
        if (!is_alpha(s[i])) return fail(Errc::invalid, "tag-list: bad tag name");
        while (i < s.size() && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_'))
            ++i;
        Tag tag;
        tag.name = std::string(s.substr(name_begin, i - name_begin));
        i = skip_fws(s, i);
        if (i >= s.size() || s[i] != '=') {
            return fail(Errc::invalid, "tag-list: missing '=' after tag " + tag.name);
        }
        i = skip_fws(s, i + 1);
        // tag-value = [ tval *( 1*(WSP / FWS) tval ) ]
        tag.value_begin = i;
        tag.value_end = i;
        while (i < s.size() && s[i] != ';') {
            if (is_valchar(s[i])) {
                ++i;
                tag.value_end = i;
                continue;
            }
            const std::size_t next = skip_fws(s, i);
            if (next == i) return fail(Errc::invalid, "tag-list: bad character in tag " + tag.name);
            i = next;
        }
        tag.value = std::string(s.substr(tag.value_begin, tag.value_end - tag.value_begin));
        if (list.find(tag.name) != nullptr) {
            return fail(Errc::invalid, "tag-list: duplicate tag " + tag.name);
        }
        list.tags.push_back(std::move(tag));
        if (i >= s.size()) break;
        ++i;  // the ';'
    }
    return list;
}

std::string strip_fws(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out.push_back(c);
    }
    return out;
}

std::vector<std::string> split_colon_list(std::string_view value) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (true) {
        const std::size_t colon = value.find(':', start);
        const std::string_view item = value.substr(
            start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
        // Trim FWS at both ends only: whitespace inside an item is kept so
        // callers can reject it ("Fr om" is not "From").
        std::size_t b = 0;
        std::size_t e = item.size();
        auto fws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
        while (b < e && fws(item[b]))
            ++b;
        while (e > b && fws(item[e - 1]))
            --e;
        items.emplace_back(item.substr(b, e - b));
        if (colon == std::string_view::npos) break;
        start = colon + 1;
    }
    return items;
}

}  // namespace tern::mailauth::dkim
