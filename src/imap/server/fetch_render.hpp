// FETCH response data for one message (RFC 9051 7.5.2, RFC 3501 7.4.2):
// the text inside "* n FETCH (...)" for the items requested, in their order.
//
// Metadata items (UID, FLAGS, INTERNALDATE, RFC822.SIZE, MODSEQ) come from
// the store's Message; the rest from the raw bytes through the mime library:
// ENVELOPE, BODY, BODYSTRUCTURE, BODY[section]<partial> (RFC822,
// RFC822.HEADER, RFC822.TEXT are BODY[], BODY.PEEK[HEADER], BODY[TEXT]),
// BINARY[part]<partial> and BINARY.SIZE (RFC 3516).
//
// Errors: Errc::not_found for a part number the message does not have is
// answered as an empty string (RFC 9051 6.4.5 leaves it to the server;
// clients cope with "" better than NO); Errc::invalid from BINARY for an
// encoding that cannot be decoded (the session answers NO [UNKNOWN-CTE],
// RFC 3516 4.3).
//
// needs_raw() tells whether the bytes must be read at all; sets_seen()
// whether the items set \Seen (every BODY[...]/BINARY[...] without .PEEK,
// RFC822 and RFC822.TEXT: RFC 9051 6.4.5).
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"
#include "imap/proto/fetch_items.hpp"
#include "store/store.hpp"

namespace tern::imap {

bool needs_raw(const std::vector<FetchItem>& items);
bool sets_seen(const std::vector<FetchItem>& items);

// raw may be null when needs_raw() is false.
Result<std::string> render_fetch(const std::vector<FetchItem>& items, const store::Message& m,
                                 const std::string* raw);

}  // namespace tern::imap
