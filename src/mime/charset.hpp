// Charset conversion to UTF-8 through glibc's iconv.
//
// to_utf8() never fails: bytes that do not decode become U+FFFD, and a
// charset that iconv does not know leaves the bytes as they are (callers
// cannot do better, and the raw message is kept anyway). us-ascii and utf-8
// are passed through without iconv.
//
// RFCs: RFC 2047 (charset names in encoded-words), RFC 2231 4, RFC 6657.
#pragma once

#include <string>
#include <string_view>

namespace tern::mime {

// Converts `bytes` in `charset` (case-insensitive name, as in MIME) to UTF-8.
// `known` (optional) is set to whether the charset was recognised.
std::string to_utf8(std::string_view charset, std::string_view bytes, bool* known = nullptr);

}  // namespace tern::mime
