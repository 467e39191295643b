#include "mime/section.hpp"

#include "base/strings.hpp"
#include "mime/decode.hpp"

namespace tern::mime {

namespace {

bool take(std::string_view& s, std::string_view word) {
    if (!istarts_with(s, word)) return false;
    s.remove_prefix(word.size());
    return true;
}

// header-list = "(" header-fld-name *(SP header-fld-name) ")"; names are astrings.
Result<std::vector<std::string>> header_list(std::string_view s) {
    if (!take(s, " (")) return fail(Errc::invalid, "expected a header list");
    std::vector<std::string> names;
    while (true) {
        if (s.empty()) return fail(Errc::invalid, "unterminated header list");
        if (s[0] == ')') break;
        if (!names.empty()) {
            if (s[0] != ' ') return fail(Errc::invalid, "expected a space in header list");
            s.remove_prefix(1);
        }
        std::string name;
        if (!s.empty() && s[0] == '"') {
            std::size_t i = 1;
            for (; i < s.size() && s[i] != '"'; ++i) {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                name.push_back(s[i]);
            }
            if (i >= s.size()) return fail(Errc::invalid, "unterminated quoted header name");
            s.remove_prefix(i + 1);
        } else {
            std::size_t i = 0;
            while (i < s.size() && s[i] != ' ' && s[i] != ')' && s[i] != '(' && s[i] != '"')
                ++i;
            name = std::string(s.substr(0, i));
            s.remove_prefix(i);
        }
        if (name.empty()) return fail(Errc::invalid, "empty header name");
        names.push_back(std::move(name));
    }
    if (names.empty() || s.size() != 1) return fail(Errc::invalid, "bad header list");
    return names;
}

// The message whose HEADER/TEXT a path addresses: the root, or a message/rfc822 part's content.
Result<const Part*> message_at(const Message& message, const std::vector<std::size_t>& path) {
    auto part = find_part(message, path);
    if (!part) return part;
    if (path.empty()) return part;
    if ((*part)->kind != Kind::message || (*part)->children.empty())
        return fail(Errc::invalid, "HEADER and TEXT need a message/rfc822 part");
    return &(*part)->children[0];
}

}  // namespace

Result<SectionSpec> parse_section(std::string_view s) {
    SectionSpec spec;
    // section-part = nz-number *("." nz-number)
    while (!s.empty() && s[0] >= '0' && s[0] <= '9') {
        std::size_t n = 0;
        std::size_t i = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i < 9)
            n = n * 10 + static_cast<std::size_t>(s[i++] - '0');
        if (n == 0 || (i < s.size() && s[i] >= '0' && s[i] <= '9'))
            return fail(Errc::invalid, "bad part number");
        spec.path.push_back(n);
        s.remove_prefix(i);
        if (s.empty()) return spec;
        if (s[0] != '.') return fail(Errc::invalid, "expected '.' after part number");
        s.remove_prefix(1);
        if (s.empty()) return fail(Errc::invalid, "section ends with '.'");
    }
    if (s.empty()) return spec;
    if (iequals(s, "HEADER")) {
        spec.text = SectionSpec::Text::header;
    } else if (iequals(s, "TEXT")) {
        spec.text = SectionSpec::Text::text;
    } else if (iequals(s, "MIME")) {
        // RFC 9051 6.4.5: MIME needs a part number.
        if (spec.path.empty()) return fail(Errc::invalid, "MIME needs a part number");
        spec.text = SectionSpec::Text::mime;
    } else if (take(s, "HEADER.FIELDS.NOT")) {
        spec.text = SectionSpec::Text::header_fields_not;
    } else if (take(s, "HEADER.FIELDS")) {
        spec.text = SectionSpec::Text::header_fields;
    } else {
        return fail(Errc::invalid, "unknown section text");
    }
    if (spec.text == SectionSpec::Text::header_fields ||
        spec.text == SectionSpec::Text::header_fields_not) {
        auto names = header_list(s);
        if (!names) return names.failure();
        spec.fields = std::move(*names);
    }
    return spec;
}

Result<const Part*> find_part(const Message& message, const std::vector<std::size_t>& path) {
    const Part* part = &message.root;
    for (std::size_t i = 0; i < path.size(); ++i) {
        // After the first number, a message/rfc822 part stands for its enclosed message.
        if (i > 0 && part->kind == Kind::message && !part->children.empty())
            part = &part->children[0];
        if (part->kind == Kind::multipart) {
            if (path[i] < 1 || path[i] > part->children.size())
                return fail(Errc::not_found, "no such body part");
            part = &part->children[path[i] - 1];
        } else if (path[i] != 1) {
            return fail(Errc::not_found, "no such body part");
        }
    }
    return part;
}

Result<ByteRange> section_range(const Message& message, const SectionSpec& spec) {
    using T = SectionSpec::Text;
    if (spec.text == T::header_fields || spec.text == T::header_fields_not)
        return fail(Errc::invalid, "HEADER.FIELDS is not one range");
    if (spec.text == T::none || spec.text == T::mime) {
        if (spec.path.empty()) return ByteRange{0, message.raw.size()};
        auto part = find_part(message, spec.path);
        if (!part) return part.failure();
        if (spec.text == T::mime) return ByteRange{(*part)->header_offset, (*part)->header_size};
        return ByteRange{(*part)->body_offset, (*part)->body_size};
    }
    auto msg = message_at(message, spec.path);
    if (!msg) return msg.failure();
    if (spec.text == T::header) return ByteRange{(*msg)->header_offset, (*msg)->header_size};
    return ByteRange{(*msg)->body_offset, (*msg)->body_size};
}

Result<std::string> section_bytes(const Message& message, const SectionSpec& spec) {
    using T = SectionSpec::Text;
    if (spec.text != T::header_fields && spec.text != T::header_fields_not) {
        auto range = section_range(message, spec);
        if (!range) return range.failure();
        return std::string(message.raw.substr(range->offset, range->size));
    }
    auto msg = message_at(message, spec.path);
    if (!msg) return msg.failure();
    bool keep_matching = spec.text == T::header_fields;
    std::string out;
    for (const auto& f : (*msg)->fields) {
        bool match = false;
        for (const auto& name : spec.fields)
            match = match || iequals(f.name, name);
        if (match == keep_matching) {
            out += message.raw.substr(f.offset, f.size);
            // A last field without a line ending still ends its line here.
            if (out.back() != '\n') out += "\r\n";
        }
    }
    out += "\r\n";  // RFC 9051 6.4.5: the header's delimiting blank line is included
    return out;
}

Result<std::string> binary_section(const Message& message, const std::vector<std::size_t>& path) {
    auto part = find_part(message, path);
    if (!part) return part.failure();
    const Part& p = **part;
    std::string_view body = message.raw.substr(p.body_offset, p.body_size);
    if (p.kind != Kind::leaf) return std::string(body);
    auto decoded = decode_body(p.encoding, body);
    if (!decoded) return fail(Errc::invalid, "UNKNOWN-CTE");
    return decoded;
}

}  // namespace tern::mime
