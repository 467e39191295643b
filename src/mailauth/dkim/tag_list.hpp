// DKIM tag-list parser (RFC 6376 3.2), shared by the DKIM-Signature header
// field (3.5) and the DNS key record (3.6.1).
//
// parse_tag_list() is strict: a tag name must be ALPHA *(ALPHA / DIGIT /
// "_"), a value may hold only VALCHAR (%x21-3A / %x3C-7E) separated by
// whitespace or folding whitespace, and a tag may appear once only
// (RFC 6376 3.2: "Tags with duplicate names MUST NOT occur"). An empty value
// ("p=") is allowed; a trailing ";" is allowed. Every problem is an
// Errc::invalid error naming the offending tag; nothing throws.
//
// Each Tag keeps the byte span of its value in the input, so the verifier
// can blank the b= value (RFC 6376 3.7) in the exact bytes that were signed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace tern::mailauth::dkim {

struct Tag {
    std::string name;             // case-sensitive (RFC 6376 3.2)
    std::string value;            // as written, without surrounding whitespace
    std::size_t value_begin = 0;  // offset of the value in the input
    std::size_t value_end = 0;    // one past its last byte
};

struct TagList {
    std::vector<Tag> tags;
    const Tag* find(std::string_view name) const;
};

Result<TagList> parse_tag_list(std::string_view text);

// Removes every whitespace and folding byte (SP, HT, CR, LF): base64 values
// and colon lists may be folded (RFC 6376 3.5 b=, bh=, h=).
std::string strip_fws(std::string_view value);

// Splits "a : b:c" at colons, trimming whitespace and folds around each item.
std::vector<std::string> split_colon_list(std::string_view value);

}  // namespace tern::mailauth::dkim
