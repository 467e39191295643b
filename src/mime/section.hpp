// IMAP section addressing (RFC 9051 6.4.5 FETCH BODY[section], RFC 3516
// BINARY[section]) over a parsed message.
//
// parse_section() reads the text between the brackets ("1.2.HEADER",
// "HEADER.FIELDS (From To)", "3.MIME", "") and fails with Errc::invalid on
// bad syntax. section_bytes() returns the addressed bytes, raw as stored;
// it fails with Errc::not_found for a part number that does not exist and
// Errc::invalid for HEADER/TEXT on a part that is not message/rfc822.
// binary_section() returns a leaf part's content with its transfer encoding
// removed; it fails with Errc::invalid ("UNKNOWN-CTE") for an encoding it
// cannot decode (RFC 3516 4.3).
//
// Part numbering (RFC 9051 6.4.5): each part of a multipart has a number
// from 1; a non-multipart message has one part, 1, its body. After a
// message/rfc822 part, the next number addresses parts of the enclosed
// message's body.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "mime/message.hpp"

namespace tern::mime {

struct SectionSpec {
    enum class Text { none, header, header_fields, header_fields_not, text, mime };
    std::vector<std::size_t> path;
    Text text = Text::none;
    std::vector<std::string> fields;  // for HEADER.FIELDS[.NOT]
};

struct ByteRange {
    std::size_t offset = 0;
    std::size_t size = 0;
};

Result<SectionSpec> parse_section(std::string_view spec);

// The part addressed by `path`; the root when path is empty.
Result<const Part*> find_part(const Message& message, const std::vector<std::size_t>& path);

// Byte range of every section except HEADER.FIELDS[.NOT] (which is not contiguous).
Result<ByteRange> section_range(const Message& message, const SectionSpec& spec);

// The section's bytes; HEADER.FIELDS[.NOT] gives the matching fields in
// message order followed by an empty line (CRLF).
Result<std::string> section_bytes(const Message& message, const SectionSpec& spec);

Result<std::string> binary_section(const Message& message, const std::vector<std::size_t>& path);

}  // namespace tern::mime
