// The IMAP response writer: server lines and the quoting rules for the
// values inside them (RFC 9051 2.2.2, 4, 7 and 9; RFC 3501 4, 7, 9).
//
// Values (append_* add to an output string, no CRLF):
//   append_astring  an atom when every octet is an ASTRING-CHAR (and the
//                   value is not empty and not "NIL"), else as append_string
//   append_string   a quoted string when every octet is a 7-bit TEXT-CHAR
//                   (or valid UTF-8 when utf8: RFC 6855 3, RFC 9051 9
//                   QUOTED-CHAR), escaping DQUOTE and "\"; otherwise a
//                   literal "{n}" CRLF octets (8-bit, CR, LF, NUL-free)
//   append_nstring  NIL for an absent value, else append_string
//   append_binary   append_string, or a literal8 "~{n}" when the octets
//                   contain NUL (RFC 3516 4.3: BINARY[] responses only)
//   append_mailbox  a UTF-8 name as modified UTF-7 (RFC 3501 5.1.3) or as
//                   UTF-8 when utf8 (RFC 6855 3), then append_astring;
//                   "INBOX" in any case is written INBOX (RFC 9051 5.1)
//   append_flag_list "(" flags separated by SP ")"
// Lines (each ends in CRLF; a CR, LF or NUL in free text becomes a space so
// a line can never be split or forged, RFC 9051 9 TEXT-CHAR):
//   tagged(tag, cond, text, code)    "<tag> OK [CODE args] text"
//   untagged_status(cond, text, code) "* OK|NO|BAD|BYE|PREAUTH [..] text"
//   untagged(data)                   "* <data>" (data already formatted)
//   continuation(text)               "+ text" (RFC 9051 7.5); text may be
//                                    empty or a base64 SASL challenge
// An empty text on a status line becomes "Done" (RFC 3501 9: text is
// 1*TEXT-CHAR).
// read_error_reply(error)          the reply to a CommandReader error
// Promises: never throws; invalid UTF-8 given to append_mailbox is written
// as a literal of the raw octets rather than failing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/proto/reader.hpp"

namespace tern::imap {

enum class Condition { ok, no, bad, bye, preauth };

std::string_view to_string(Condition cond);

// A response code (RFC 9051 7.1): name and its arguments, already formatted
// ("UIDNEXT", "4392"; "PERMANENTFLAGS", "(\\Seen \\*)"; "TOOBIG", "").
struct ResponseCode {
    std::string name;
    std::string args;
};

void append_astring(std::string& out, std::string_view value, bool utf8 = false);
void append_string(std::string& out, std::string_view value, bool utf8 = false);
void append_nstring(std::string& out, const std::optional<std::string>& value, bool utf8 = false);
void append_binary(std::string& out, std::string_view value);
void append_literal(std::string& out, std::string_view value);
void append_mailbox(std::string& out, std::string_view utf8_name, bool utf8 = false);
void append_flag_list(std::string& out, const std::vector<std::string>& flags);

std::string tagged(std::string_view tag, Condition cond, std::string_view text,
                   const std::optional<ResponseCode>& code = std::nullopt);
std::string untagged_status(Condition cond, std::string_view text,
                            const std::optional<ResponseCode>& code = std::nullopt);
std::string untagged(std::string_view data);
std::string continuation(std::string_view text);

// The reply to a CommandReader error (reader.hpp): "<tag> BAD ..." for an
// over-long line, "<tag> NO [TOOBIG] ..." for an over-size literal (RFC 9051
// 7.1), "<tag> BAD [TOOBIG] ..." for a LITERAL- violation (RFC 7888 4);
// "* BAD ..." when no tag could be read; then "* BYE ..." when the reader
// gave up on the connection (RFC 9051 7.1.5: BYE precedes a server close).
std::string read_error_reply(const ReadError& error);

}  // namespace tern::imap
