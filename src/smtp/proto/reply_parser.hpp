// SMTP reply parser: the client's reading of RFC 5321 4.2.
//
// Lines in (without CRLF), one complete reply out. A reply is one line
// "250 text", or several where every line but the last has '-' after the
// code and all carry the same code (RFC 5321 4.2.1). The text is optional
// ("250" alone is a reply). An enhanced status code (RFC 2034, RFC 3463
// "class.subject.detail") is recognised after the code when its class is
// the code's first digit, taken from the first line and removed from every
// line that carries one.
//
// Promises: pure, never throws. feed() fails with Errc::invalid on a line
// that is not a reply line (no three-digit code 2xx-5xx, no SP or '-' after
// it), on a code that changes within one reply, on a line longer than
// kReplyLineLimit and on a reply of more than kReplyMaxLines lines. After
// an error or take() the parser starts afresh.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace tern::smtp {

// RFC 5321 4.5.3.1.5 allows 512 octets per reply line; real servers send
// longer ones now and then, so the client is lenient up to 4 KiB.
inline constexpr std::size_t kReplyLineLimit = 4096;
// A generous EHLO reply has ~20 lines.
inline constexpr std::size_t kReplyMaxLines = 256;

struct ParsedReply {
    int code = 0;
    std::string enhanced;            // "5.1.1", or "" when the server sent none
    std::vector<std::string> lines;  // texts without code and enhanced code
};

class ReplyParser {
  public:
    // Returns true once the reply is complete (then take() it), false when
    // more lines belong to it.
    Result<bool> feed(std::string_view line);
    ParsedReply take();

  private:
    ParsedReply current_;
};

// The length of an enhanced status code at the start of text whose class is
// `klass` ('2', '4' or '5'), including the SP after it; 0 when there is none.
std::size_t enhanced_code_length(std::string_view text, char klass);

}  // namespace tern::smtp
