// How a stored message goes on the wire: its end, DATA's dot-stuffing, and
// the envelope's MAIL/RCPT parameters. Pure functions, no I/O.
//
// A message is sent as stored (CRLF line ends). Only its end is made right:
// RFC 5321 4.1.1.4 needs the data to end with CRLF before the "." line, so a
// final bare LF becomes CRLF and a missing line end is added; bare LFs
// inside are left alone. DATA doubles a '.' at the start of a line (RFC
// 5321 4.5.2); BDAT (RFC 3030) sends the octets unchanged.
#pragma once

#include <string>
#include <string_view>

namespace tern::smtp::client {

// The message as sent: `content` then `tail` ("" or "\r\n").
struct BodyParts {
    std::string_view content;
    std::string_view tail;
    std::size_t size() const { return content.size() + tail.size(); }
};
BodyParts body_parts(std::string_view message);

// Appends `piece` to `out` with leading dots doubled. `at_line_start` carries
// the state across pieces and must start true for a message.
void dot_stuff_append(std::string_view piece, bool& at_line_start, std::string& out);

// True when an address can be put between <> in MAIL/RCPT: no control
// characters (CR and LF would inject commands), no '<' or '>'.
bool safe_path(std::string_view address);

}  // namespace tern::smtp::client
