// The IMAP token reader over one complete command (as CommandReader hands it
// out: lines joined by CRLF, each literal's "{n}"/"{n+}"/"~{n}" header
// followed by CRLF and exactly n octets). Internal to imap/proto: the
// parse_*.cpp files build typed commands from these tokens.
//
// Token rules (RFC 9051 9, RFC 3501 9):
//   atom     1*ATOM-CHAR (no "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]")
//   astring  1*ASTRING-CHAR (atom chars and "]") / string
//   string   quoted / literal; quoted allows "\\" and "\"" escapes, no CR,
//            LF or NUL; 8-bit octets only when the lexer was built with
//            utf8 (the client enabled UTF8=ACCEPT or IMAP4rev2), and then
//            only as valid UTF-8 (RFC 6855 3 uQUOTED-CHAR, RFC 9051 9
//            QUOTED-CHAR); otherwise they are a syntax error (RFC 3501 9:
//            TEXT-CHAR is 7-bit; 8-bit data travels in literals)
//   literal  "{" number ["+"] "}" CRLF *CHAR8 (no NUL, RFC 9051 4.3)
//   literal8 "~{" number ["+"] "}" CRLF *OCTET (RFC 3516 4.2, NUL allowed)
//   number   1*DIGIT up to 4294967295; number64 up to 2^63-1 (RFC 9051 9)
// Promises: no method throws; each returns Errc::invalid with a short
// reason suitable for a BAD reply, and leaves the position unspecified.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::imap {

bool is_atom_char(char c);
bool is_astring_char(char c);  // atom chars and "]"
bool is_list_char(char c);     // astring chars, "%" and "*"

// A string together with how it was sent: APPEND needs to know whether the
// message came as a binary literal (RFC 3516 4.2).
struct StringToken {
    std::string value;
    bool literal = false;
    bool binary = false;
};

class Lexer {
  public:
    // utf8: quoted strings may carry UTF-8 (RFC 6855 3, RFC 9051 9).
    explicit Lexer(std::string_view text, bool utf8 = false) : text_(text), utf8_(utf8) {}

    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }
    std::size_t position() const { return pos_; }
    std::string_view rest() const { return text_.substr(pos_); }

    bool consume(char c);
    // Consumes word case-insensitively when it is followed by a non-atom
    // character (so "ALL" does not match "ALLX").
    bool consume_keyword(std::string_view word);
    Status expect(char c);
    Status sp();
    Status end();  // nothing may follow

    Result<std::string> atom();
    // The longest run of characters satisfying pred (at least one).
    Result<std::string_view> run(bool (*pred)(char), std::string_view what);
    Result<std::string> astring();
    Result<StringToken> string();  // quoted / literal
    Result<StringToken> string_or_literal8();
    Result<std::optional<std::string>> nstring();
    Result<std::string> list_mailbox();  // 1*list-char / string
    Result<std::string> flag();          // "\" atom / atom
    Result<std::uint32_t> number();
    Result<std::uint32_t> nz_number();
    Result<std::uint64_t> number64();
    Result<std::uint64_t> nz_number64();

  private:
    Result<std::string> quoted();
    Result<StringToken> literal(bool allow_binary);

    std::string_view text_;
    std::size_t pos_ = 0;
    bool utf8_ = false;
};

}  // namespace tern::imap
