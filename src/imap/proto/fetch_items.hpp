// FETCH data items (RFC 9051 6.4.5, RFC 3501 6.4.5) and their parser.
//
// Items: BINARY[part]<partial>, BINARY.PEEK, BINARY.SIZE (RFC 3516 4.1),
// BODY, BODY[section]<partial>, BODY.PEEK, BODYSTRUCTURE, ENVELOPE, FLAGS,
// INTERNALDATE, RFC822, RFC822.HEADER, RFC822.SIZE, RFC822.TEXT, UID, MODSEQ
// (RFC 7162 3.1.4), and the macros ALL, FAST, FULL which parse_fetch_items()
// expands (RFC 9051 6.4.5). Sections: part numbers "1.2.3", then HEADER,
// HEADER.FIELDS (list), HEADER.FIELDS.NOT (list), TEXT, or MIME (only after a
// part number, RFC 9051 6.4.5).
//
// Promises: the parsers never throw; they fail (Errc::invalid) on an unknown
// item, a malformed section or partial (<origin.length>, length non-zero), a
// section on BINARY that is not just part numbers, or an empty list.
// response_name() gives the name the FETCH response uses for an item
// (RFC 9051 7.5.2: no .PEEK, and only the partial's origin).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace tern::imap {

class Lexer;

enum class FetchAttr {
    envelope,
    flags,
    internal_date,
    rfc822,
    rfc822_header,
    rfc822_size,
    rfc822_text,
    body,
    bodystructure,
    uid,
    modseq,
    body_section,
    binary,
    binary_size,
};

enum class SectionText { none, header, header_fields, header_fields_not, text, mime };

struct Section {
    std::vector<std::uint32_t> part;  // "1.2" is {1, 2}; empty: the whole message
    SectionText text = SectionText::none;
    std::vector<std::string> fields;  // HEADER.FIELDS[.NOT], upper-cased

    bool operator==(const Section&) const = default;
};

struct Partial {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;

    bool operator==(const Partial&) const = default;
};

struct FetchItem {
    FetchAttr attr = FetchAttr::flags;
    bool peek = false;  // BODY.PEEK / BINARY.PEEK: do not set \Seen
    Section section;    // body_section, binary, binary_size
    std::optional<Partial> partial;

    bool operator==(const FetchItem&) const = default;
};

// Reads "ALL" / "FAST" / "FULL" / one item / "(" item *(SP item) ")".
// macro is set when a macro was expanded.
Result<std::vector<FetchItem>> parse_fetch_items(Lexer& lex, bool& macro);

std::string response_name(const FetchItem& item);

}  // namespace tern::imap
