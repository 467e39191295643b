// Message splitting and DKIM canonicalization (RFC 6376 3.4, 3.7, 5.4.2).
//
// split_message() cuts raw message bytes into header fields and body. It
// never fails: bare LF line ends are read as CRLF first (mail stored in
// files often has them; dkimpy does the same), a message without a blank
// line is all header, and a line without a colon is a field whose name
// matches nothing.
//
// Canonicalization follows RFC 6376 3.4.1-3.4.4 exactly; the worked examples
// of 3.4.5 are unit tests. select_headers() implements the h= selection rule
// of 5.4.2: each listed name takes the last not-yet-used instance, counting
// from the bottom, and a name with no instance left contributes nothing
// (which is how oversigning signs the absence of a field).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tern::mailauth::dkim {

enum class Canon { simple, relaxed };

struct HeaderField {
    std::string name;  // as written, before the colon
    std::string raw;   // the whole field, folds included, ending in CRLF
};

struct Message {
    std::vector<HeaderField> headers;  // top to bottom
    std::string body;                  // after the blank line, CRLF line ends
};

// Rewrites every LF not preceded by CR as CRLF.
std::string to_crlf(std::string_view bytes);
Message split_message(std::string_view bytes);

// RFC 6376 3.4.1 / 3.4.2: the canonical form of one field, ending in CRLF.
std::string canonicalize_header(const HeaderField& field, Canon canon);
// RFC 6376 3.4.3 / 3.4.4.
std::string canonicalize_body(std::string_view body, Canon canon);

// RFC 6376 5.4.2: the fields h= names, in h= order, each at most once.
// Absent instances are skipped.
std::vector<const HeaderField*> select_headers(const Message& message,
                                               const std::vector<std::string>& names);

// RFC 6376 3.7: the bytes the header hash covers: each selected field in
// canonical form, then the DKIM-Signature field itself (`signature_field`,
// raw, name included, its b= value already removed) canonicalized and
// without its trailing CRLF.
std::string header_hash_input(const Message& message, const std::vector<std::string>& names,
                              Canon canon, std::string_view signature_field);

}  // namespace tern::mailauth::dkim
