// IMAP ENVELOPE (RFC 9051 7.5.2, RFC 3501 7.4.2) of a message or of an
// enclosed message/rfc822 part.
//
// Fields are the unfolded header values, not RFC 2047-decoded (clients
// decode them). RFC 9051 7.5.2: Sender and Reply-To default to From when
// absent or empty; an absent field or empty address list is NIL; groups are
// (NIL NIL "name" NIL) ... (NIL NIL NIL NIL). An address without a domain
// gets the host "MISSING_DOMAIN" and one without a local part the mailbox
// "MISSING_MAILBOX", so no address ever reads as a group marker.
#pragma once

#include <string>
#include <vector>

#include "mime/header.hpp"
#include "mime/message.hpp"

namespace tern::mime {

std::string envelope(const Message& message);
std::string envelope_of(const std::vector<HeaderField>& fields);

}  // namespace tern::mime
