// IMAP BODY and BODYSTRUCTURE (RFC 9051 7.5.2, RFC 3501 7.4.2) of a parsed
// message: the parenthesized list in exactly the grammar's form.
//
// Types, subtypes, encodings and parameter names are written in upper case.
// `extensible` adds the extension data (BODYSTRUCTURE): body-fld-md5,
// body-fld-dsp, body-fld-lang and body-fld-loc for single parts, and
// body-fld-param, dsp, lang, loc for multiparts. Parameter values are
// written as decoded (RFC 2231 sections joined); a value that is not 7-bit
// after decoding is re-encoded as RFC 2231 "name*" "utf-8''%XX..." so every
// client can read it and no 8-bit byte reaches a non-UTF8=ACCEPT client.
// message/rfc822 and message/global parts carry the enclosed message's
// envelope, body and line count.
#pragma once

#include <string>

#include "mime/message.hpp"

namespace tern::mime {

std::string bodystructure(const Message& message, bool extensible);
std::string bodystructure_of(const Part& part, bool extensible);

}  // namespace tern::mime
