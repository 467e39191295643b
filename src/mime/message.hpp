// The MIME tree of one message (RFC 2045, 2046, 5322): each entity's header
// fields and body as byte offsets into the raw message, which the caller
// keeps alive (views and offsets point into it; nothing is copied).
//
// parse() never fails and never throws: broken input gets the reading a mail
// client would give it. RFC 2045 5.2: an entity without a (valid)
// Content-Type is text/plain; charset=us-ascii (message/rfc822 inside
// multipart/digest, RFC 2046 5.1.5). A multipart without a boundary
// parameter, or in which no delimiter line is found, is read as text/plain.
// Delimiter lines: an exact match beats a prefix match, then the innermost
// boundary wins (multipart.hpp). A last delimiter with nothing after it opens
// no part. A missing
// close delimiter ends the last part at the next delimiter of an enclosing
// multipart, or at the end of the message.
// Limits (MIME bombs): past max_depth nested multiparts/messages, or once
// max_parts entities exist, further containers are read as
// application/octet-stream leaves, further body parts are skipped, and
// Message::limited is set. message/rfc822 and message/global parts with a
// non-identity transfer encoding (forbidden by RFC 2046 5.2.1) are
// application/octet-stream leaves too (BODYSTRUCTURE cannot show them as
// messages without an envelope).
//
// RFCs: RFC 5322 2.1; RFC 2045 5, 6, 8, 9; RFC 2046 5.1, 5.2; RFC 2183;
// RFC 3282 (Content-Language); RFC 2557 (Content-Location); RFC 6532 3.7.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mime/content_type.hpp"
#include "mime/header.hpp"

namespace tern::mime {

struct Limits {
    std::size_t max_depth = 64;
    std::size_t max_parts = 10000;
    std::size_t max_header_fields = 10000;  // per entity
};

enum class Kind {
    leaf,       // a single body
    multipart,  // children are the body parts
    message,    // message/rfc822 or message/global: children[0] is the enclosed message
};

struct Part {
    std::size_t header_offset = 0;
    std::size_t header_size = 0;  // including the empty line that ends the header
    std::size_t body_offset = 0;
    std::size_t body_size = 0;
    std::size_t body_lines = 0;  // RFC 9051 7.5.2 body-fld-lines
    std::vector<HeaderField> fields;
    ContentType content_type;  // effective type (defaults applied), lowercase
    std::string encoding;      // Content-Transfer-Encoding, lowercase; "7bit" if absent
    std::optional<Disposition> disposition;
    std::optional<std::string> id;           // Content-ID, unfolded
    std::optional<std::string> description;  // Content-Description, unfolded, not decoded
    std::optional<std::string> md5;          // Content-MD5
    std::optional<std::string> location;     // Content-Location
    std::vector<std::string> languages;      // Content-Language tags
    Kind kind = Kind::leaf;
    std::vector<Part> children;
};

struct Message {
    std::string_view raw;
    Part root;  // the message itself: its header is the message header
    std::size_t part_count = 0;
    bool limited = false;  // a limit was reached; the tree is partial
};

Message parse(std::string_view raw, const Limits& limits = {});

}  // namespace tern::mime
