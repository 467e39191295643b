// The text of a message as a reader sees it, for the full-text index behind
// IMAP SEARCH TEXT and BODY (RFC 9051 6.4.4).
//
// header: every top-level header field as "Name: value" lines, unfolded,
// RFC 2047 encoded-words decoded. body: the text/* leaves (an entity without
// Content-Type is text/plain, RFC 2045 5.2), transfer encoding undone and
// converted from their charset to UTF-8 (mime/charset.hpp), plus the header
// fields and text of enclosed message/rfc822 parts; other leaves
// (attachments) contribute their file name only. Line endings become "\n".
// Each half stops at max_bytes, so a huge message cannot make a huge index
// entry. Never fails: undecodable parts are indexed as their raw bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tern::mime {

struct SearchText {
    std::string header;
    std::string body;
};

SearchText search_text(std::string_view raw, std::size_t max_bytes = 4u << 20);

}  // namespace tern::mime
