#include "imap/proto/fetch_items.hpp"

#include <array>
#include <utility>

#include "base/strings.hpp"
#include "imap/proto/lexer.hpp"

namespace tern::imap {

namespace {

Failure bad(std::string message) {
    return fail(Errc::invalid, std::move(message));
}

// Item names run up to "[", SP or ")"; "." is part of names like RFC822.SIZE.
bool is_name_char(char c) {
    return is_atom_char(c) && c != '[';
}

struct Simple {
    std::string_view name;
    FetchAttr attr;
};

constexpr std::array<Simple, 11> kSimple{{
    {"ENVELOPE", FetchAttr::envelope},
    {"FLAGS", FetchAttr::flags},
    {"INTERNALDATE", FetchAttr::internal_date},
    {"RFC822", FetchAttr::rfc822},
    {"RFC822.HEADER", FetchAttr::rfc822_header},
    {"RFC822.SIZE", FetchAttr::rfc822_size},
    {"RFC822.TEXT", FetchAttr::rfc822_text},
    {"BODY", FetchAttr::body},
    {"BODYSTRUCTURE", FetchAttr::bodystructure},
    {"UID", FetchAttr::uid},
    {"MODSEQ", FetchAttr::modseq},  // RFC 7162 3.1.4.1
}};

// section-part = nz-number *("." nz-number), then the optional text part.
Status parse_section(Lexer& lex, Section& section, bool binary) {
    bool text_follows = false;
    while (lex.peek() >= '1' && lex.peek() <= '9') {
        auto n = lex.nz_number();
        if (!n) return n.failure();
        section.part.push_back(*n);
        if (!lex.consume('.')) break;
        if (!(lex.peek() >= '1' && lex.peek() <= '9')) {
            text_follows = true;  // section-msgtext or MIME follows the "."
            break;
        }
    }
    if (lex.peek() == ']' && !text_follows) return {};
    if (binary) return bad("BINARY takes only part numbers");
    // RFC 9051 9: a trailing "." only separates part numbers from a text part.
    auto word = lex.run(is_name_char, "a section");
    if (!word) return word.failure();
    const std::string name = to_upper(*word);
    if (name == "HEADER") {
        section.text = SectionText::header;
    } else if (name == "TEXT") {
        section.text = SectionText::text;
    } else if (name == "MIME") {
        // RFC 9051 6.4.5: MIME only follows a part number.
        if (section.part.empty()) return bad("MIME needs a part number");
        section.text = SectionText::mime;
    } else if (name == "HEADER.FIELDS" || name == "HEADER.FIELDS.NOT") {
        section.text =
            name == "HEADER.FIELDS" ? SectionText::header_fields : SectionText::header_fields_not;
        if (auto st = lex.sp(); !st) return st;
        if (auto st = lex.expect('('); !st) return st;
        do {
            auto field = lex.astring();
            if (!field) return field.failure();
            section.fields.push_back(to_upper(*field));
        } while (lex.consume(' '));
        if (auto st = lex.expect(')'); !st) return st;
    } else {
        return bad("Unknown section " + name);
    }
    return {};
}

Status parse_partial(Lexer& lex, FetchItem& item) {
    if (!lex.consume('<')) return {};
    // RFC 9051 9: partial = "<" number64 "." nz-number64 ">".
    auto offset = lex.number64();
    if (!offset) return offset.failure();
    if (auto st = lex.expect('.'); !st) return st;
    auto length = lex.nz_number64();
    if (!length) return length.failure();
    if (auto st = lex.expect('>'); !st) return st;
    item.partial = Partial{*offset, *length};
    return {};
}

Result<FetchItem> parse_item(Lexer& lex) {
    auto word = lex.run(is_name_char, "a fetch item");
    if (!word) return word.failure();
    const std::string name = to_upper(*word);
    FetchItem item;
    const bool body = name == "BODY" || name == "BODY.PEEK";
    const bool binary = name == "BINARY" || name == "BINARY.PEEK" || name == "BINARY.SIZE";
    if ((body && lex.peek() == '[') || binary) {
        if (auto st = lex.expect('['); !st) return bad(name + " needs a [section]");
        item.attr = body ? FetchAttr::body_section
                         : (name == "BINARY.SIZE" ? FetchAttr::binary_size : FetchAttr::binary);
        item.peek = name.ends_with(".PEEK");
        if (auto st = parse_section(lex, item.section, binary); !st) return st.failure();
        if (auto st = lex.expect(']'); !st) return st.failure();
        // RFC 3516 4.1: BINARY.SIZE has no partial.
        if (item.attr != FetchAttr::binary_size) {
            if (auto st = parse_partial(lex, item); !st) return st.failure();
        }
        return item;
    }
    for (const auto& s : kSimple) {
        if (name == s.name) {
            item.attr = s.attr;
            return item;
        }
    }
    return bad("Unknown fetch item " + name);
}

std::vector<FetchItem> simple_items(std::initializer_list<FetchAttr> attrs) {
    std::vector<FetchItem> out;
    for (FetchAttr a : attrs) {
        FetchItem item;
        item.attr = a;
        out.push_back(item);
    }
    return out;
}

std::string section_text(const Section& s) {
    std::string out;
    for (std::uint32_t p : s.part) {
        if (!out.empty()) out += '.';
        out += std::to_string(p);
    }
    std::string text;
    switch (s.text) {
        case SectionText::none:
            return out;
        case SectionText::header:
            text = "HEADER";
            break;
        case SectionText::header_fields:
        case SectionText::header_fields_not: {
            text = s.text == SectionText::header_fields ? "HEADER.FIELDS (" : "HEADER.FIELDS.NOT (";
            for (std::size_t i = 0; i < s.fields.size(); ++i)
                text += (i ? " " : "") + s.fields[i];
            text += ')';
            break;
        }
        case SectionText::text:
            text = "TEXT";
            break;
        case SectionText::mime:
            text = "MIME";
            break;
    }
    return out.empty() ? text : out + "." + text;
}

}  // namespace

Result<std::vector<FetchItem>> parse_fetch_items(Lexer& lex, bool& macro) {
    macro = false;
    // RFC 9051 6.4.5: the macros, expanded here so the session sees items.
    if (lex.consume_keyword("ALL")) {
        macro = true;
        return simple_items({FetchAttr::flags, FetchAttr::internal_date, FetchAttr::rfc822_size,
                             FetchAttr::envelope});
    }
    if (lex.consume_keyword("FAST")) {
        macro = true;
        return simple_items({FetchAttr::flags, FetchAttr::internal_date, FetchAttr::rfc822_size});
    }
    if (lex.consume_keyword("FULL")) {
        macro = true;
        return simple_items({FetchAttr::flags, FetchAttr::internal_date, FetchAttr::rfc822_size,
                             FetchAttr::envelope, FetchAttr::body});
    }
    std::vector<FetchItem> items;
    if (!lex.consume('(')) {
        auto item = parse_item(lex);
        if (!item) return item.failure();
        items.push_back(std::move(*item));
        return items;
    }
    do {
        auto item = parse_item(lex);
        if (!item) return item.failure();
        items.push_back(std::move(*item));
    } while (lex.consume(' '));
    if (auto st = lex.expect(')'); !st) return st.failure();
    return items;
}

std::string response_name(const FetchItem& item) {
    switch (item.attr) {
        case FetchAttr::body_section:
        case FetchAttr::binary:
        case FetchAttr::binary_size: {
            std::string out = item.attr == FetchAttr::body_section ? "BODY["
                              : item.attr == FetchAttr::binary     ? "BINARY["
                                                                   : "BINARY.SIZE[";
            out += section_text(item.section) + "]";
            // RFC 9051 7.5.2: the response names only the origin octet.
            if (item.partial) out += "<" + std::to_string(item.partial->offset) + ">";
            return out;
        }
        default:
            break;
    }
    for (const auto& s : kSimple) {
        if (s.attr == item.attr) return std::string(s.name);
    }
    return "";
}

}  // namespace tern::imap
