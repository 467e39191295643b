// Multi-line POP3 responses (RFC 1939 3): the body of RETR and TOP.
//
// MultilineEncoder turns message bytes, fed in pieces of any size, into the
// form sent on the wire:
//  - RFC 1939 3: a line that begins with "." gets another "." in front
//    (byte-stuffing), so no line of the message can end the response;
//  - line ends are CRLF on the wire (RFC 1939 3: "lines end in CRLF"): a
//    bare LF becomes CRLF; a CRLF stays; a bare CR is content and is sent
//    as it is;
//  - finish() ends the response with ".\r\n", first adding a CRLF when the
//    message did not end with one, so the terminator always stands on a
//    line of its own.
// The encoder keeps two bits of state between pieces, so a message can be
// streamed in chunks without a second full copy.
//
// crlf_size(): the octet count of a message once its line ends are CRLF,
// without stuffing and without the added final CRLF (RFC 1939 5: LIST and
// STAT report the size of the message as sent, before stuffing).
// top_part(): the prefix TOP sends (RFC 1939 7): the header, the blank line
// after it, and the first n lines of the body.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tern::pop3 {

class MultilineEncoder {
  public:
    // Appends the wire form of `piece` to out.
    void encode(std::string_view piece, std::string& out);
    // Appends the end of the response (CRLF if needed, then ".\r\n") and
    // makes the encoder ready for another message.
    void finish(std::string& out);

  private:
    bool at_line_start_ = true;  // the next octet begins a line
    bool after_cr_ = false;      // the last octet sent was a CR
};

uint64_t crlf_size(std::string_view message);
std::string_view top_part(std::string_view message, uint64_t body_lines);

}  // namespace tern::pop3
