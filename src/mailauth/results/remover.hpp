// Removing forged Authentication-Results fields (RFC 8601 5): before Tern
// adds its own field, every Authentication-Results field already in the
// message that claims Tern's authserv-id is deleted, since a client could
// otherwise forge "dkim=pass" in Tern's name.
//
// remove_own_results() works on the raw bytes: it finds the header fields
// with mime::parse_header() (folded continuation lines belong to their
// field; CRLF and bare LF endings both work), reads each
// Authentication-Results field's authserv-id (after optional comments and
// whitespace, as a token or a quoted-string, RFC 8601 2.2), and cuts out
// exactly the fields whose id equals `authserv_id` ignoring ASCII case,
// including their line endings. Everything else, the body included, is
// returned byte for byte. Fields with another id are kept: they belong to
// other ADMDs and a downstream reader judges them by their id. The field
// name matches case-insensitively (RFC 5322 1.2.2), with obsolete
// whitespace before the colon (RFC 5322 4.5).
//
// Never fails: a malformed field whose id cannot be read is kept (it names
// no one, so nobody trusts it as ours).
//
// RFCs: RFC 8601 2.2, 5; RFC 5322 2.2, 3.2.2 (comments), 3.2.4.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tern::mailauth::results {

struct Removal {
    std::string message;      // the message without our fields
    std::size_t removed = 0;  // how many fields were removed
};

Removal remove_own_results(std::string_view message, std::string_view authserv_id);

// The authserv-id of an Authentication-Results field value (the text after
// the colon, possibly folded), or nullopt when it does not start with one.
std::optional<std::string> authserv_id_of(std::string_view value);

}  // namespace tern::mailauth::results
