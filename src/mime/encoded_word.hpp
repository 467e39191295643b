// RFC 2047 encoded-words in header text, decoded to UTF-8.
//
// decode_header_text() never fails. It finds every =?charset?B|Q?text?=
// (charset may carry an RFC 2231 5 "*language" suffix), decodes it, and
// converts it to UTF-8 (charset.hpp; an unknown charset keeps its bytes).
// RFC 2047 6.2: whitespace between two adjacent encoded-words is dropped;
// adjacent words in one charset are joined before conversion, so a
// multi-byte character split across two words survives. Malformed words
// stay as literal text. Like most readers it also accepts an encoded-word
// touching other text ("(=?...?=)", RFC 2047 8 examples in comments).
// Text outside encoded-words is kept; if it is not valid UTF-8 it is kept
// byte for byte (callers that need UTF-8 may convert with a guessed charset).
// Folded input is unfolded first (RFC 5322 2.2.3).
//
// RFCs: RFC 2047 2, 4, 5, 6; RFC 2231 5.
#pragma once

#include <string>
#include <string_view>

namespace tern::mime {

std::string decode_header_text(std::string_view folded);

}  // namespace tern::mime
