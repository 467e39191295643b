// RFC 5322 header section: splitting a message into header fields and body.
//
// parse_header() never fails: it scans from `offset` to the first empty line
// (CRLF or bare LF tolerated), returning each field as views into the raw
// bytes, and where the body begins. Lines that are neither a field nor a
// continuation (no colon, e.g. an mbox "From " line) are skipped, as mail
// readers do. unfold() joins continuation lines (RFC 5322 2.2.3).
//
// RFCs: RFC 5322 2.1, 2.2, 3.6 (and 4.5 obsolete whitespace before the colon).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tern::mime {

struct HeaderField {
    std::string_view name;   // as written, without trailing whitespace
    std::string_view value;  // after the colon, still folded, without the final line ending
    std::size_t offset = 0;  // of the field's first byte in the raw message
    std::size_t size = 0;    // of the whole field including its final line ending
};

struct HeaderBlock {
    std::vector<HeaderField> fields;
    std::size_t offset = 0;       // first byte of the header section
    std::size_t size = 0;         // header section including the empty separator line
    std::size_t body_offset = 0;  // first byte after the separator line
    bool complete = false;        // the empty separator line was found
    bool truncated = false;       // more fields than the limit; the rest were not recorded
};

// Scans raw[offset, end). Records at most max_fields fields.
HeaderBlock parse_header(std::string_view raw, std::size_t offset, std::size_t end,
                         std::size_t max_fields = 10000);

// RFC 5322 2.2.3: unfolding removes each CRLF (or LF) that precedes whitespace.
std::string unfold(std::string_view folded);

// unfold() and trim spaces/tabs at both ends.
std::string field_text(std::string_view folded);

// The first field named `name` (ASCII case-insensitive), or nullptr.
const HeaderField* find_field(const std::vector<HeaderField>& fields, std::string_view name);

}  // namespace tern::mime
