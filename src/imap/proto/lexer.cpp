#include "imap/proto/lexer.hpp"

#include "base/strings.hpp"
#include "imap/proto/mutf7.hpp"

namespace tern::imap {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

Failure bad(std::string message) {
    return fail(Errc::invalid, std::move(message));
}

}  // namespace

bool is_atom_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    // RFC 9051 9: ATOM-CHAR = <any CHAR except atom-specials>; CHAR is 7-bit.
    if (u <= 0x20 || u >= 0x7f) return false;
    switch (c) {
        case '(':
        case ')':
        case '{':
        case '%':
        case '*':
        case '"':
        case '\\':
        case ']':
            return false;
        default:
            return true;
    }
}

bool is_astring_char(char c) {
    return is_atom_char(c) || c == ']';
}

bool is_list_char(char c) {
    return is_astring_char(c) || c == '%' || c == '*';
}

bool Lexer::consume(char c) {
    if (peek() != c || at_end()) return false;
    ++pos_;
    return true;
}

bool Lexer::consume_keyword(std::string_view word) {
    if (text_.size() - pos_ < word.size()) return false;
    if (!iequals(text_.substr(pos_, word.size()), word)) return false;
    const std::size_t after = pos_ + word.size();
    if (after < text_.size() && is_atom_char(text_[after])) return false;
    pos_ = after;
    return true;
}

Status Lexer::expect(char c) {
    if (consume(c)) return {};
    if (at_end()) return bad(std::string("Expected '") + c + "' but the command ended");
    return bad(std::string("Expected '") + c + "'");
}

Status Lexer::sp() {
    // RFC 9051 9: arguments are separated by exactly one SP.
    if (consume(' ')) return {};
    if (at_end()) return bad("Missing argument");
    return bad("Expected a space");
}

Status Lexer::end() {
    if (at_end()) return {};
    if (peek() == ' ') return bad("Unexpected extra arguments");
    return bad("Unexpected characters after the arguments");
}

Result<std::string_view> Lexer::run(bool (*pred)(char), std::string_view what) {
    const std::size_t start = pos_;
    while (!at_end() && pred(text_[pos_]))
        ++pos_;
    if (pos_ == start) return bad("Expected " + std::string(what));
    return text_.substr(start, pos_ - start);
}

Result<std::string> Lexer::atom() {
    auto r = run(is_atom_char, "an atom");
    if (!r) return r.failure();
    return std::string(*r);
}

Result<std::string> Lexer::quoted() {
    ++pos_;  // the opening DQUOTE
    std::string out;
    bool eight_bit = false;
    while (true) {
        if (at_end()) return bad("Unterminated quoted string");
        const char c = text_[pos_++];
        if (c == '"') {
            // RFC 6855 3: uQUOTED-CHAR adds UTF8-2 / UTF8-3 / UTF8-4 only,
            // so other 8-bit sequences stay a syntax error.
            if (eight_bit && !is_valid_utf8(out)) return bad("Quoted string is not valid UTF-8");
            return out;
        }
        if (c == '\\') {
            // RFC 9051 9: only quoted-specials may be escaped.
            if (at_end() || (peek() != '"' && peek() != '\\'))
                return bad("Invalid escape in quoted string");
            out += text_[pos_++];
            continue;
        }
        // RFC 9051 9: TEXT-CHAR excludes CR and LF; CHAR excludes NUL.
        if (c == '\r' || c == '\n' || c == '\0') return bad("Invalid character in quoted string");
        if (static_cast<unsigned char>(c) >= 0x80) {
            // RFC 3501 9: TEXT-CHAR is 7-bit; UTF-8 in a quoted string needs
            // ENABLE UTF8=ACCEPT (RFC 6855 3) or IMAP4rev2 (RFC 9051 9).
            if (!utf8_) return bad("8-bit characters in a quoted string need a literal");
            eight_bit = true;
        }
        out += c;
    }
}

Result<StringToken> Lexer::literal(bool allow_binary) {
    StringToken tok;
    tok.literal = true;
    if (consume('~')) {
        // RFC 3516 4.2: literal8 only where the grammar allows it.
        if (!allow_binary) return bad("Binary literal not allowed here");
        tok.binary = true;
    }
    if (auto st = expect('{'); !st) return st.failure();
    auto n = number64();
    if (!n) return bad("Invalid literal length");
    consume('+');  // RFC 7888: "{n+}" differs only on the wire
    if (auto st = expect('}'); !st) return st.failure();
    if (!consume('\r') || !consume('\n')) return bad("Literal length must end the line");
    if (*n > text_.size() - pos_) return bad("Literal shorter than announced");
    tok.value.assign(text_.substr(pos_, static_cast<std::size_t>(*n)));
    pos_ += static_cast<std::size_t>(*n);
    // RFC 9051 4.3: a literal cannot contain NUL; literal8 can (RFC 3516).
    if (!tok.binary && tok.value.find('\0') != std::string::npos)
        return bad("NUL in literal (use a binary literal)");
    return tok;
}

Result<StringToken> Lexer::string() {
    if (peek() == '"') {
        auto q = quoted();
        if (!q) return q.failure();
        return StringToken{std::move(*q), false, false};
    }
    if (peek() == '{' && !at_end()) return literal(false);
    return bad("Expected a string");
}

Result<StringToken> Lexer::string_or_literal8() {
    if (peek() == '~' && !at_end()) return literal(true);
    return string();
}

Result<std::string> Lexer::astring() {
    if (!at_end() && (peek() == '"' || peek() == '{')) {
        auto s = string();
        if (!s) return s.failure();
        return std::move(s->value);
    }
    auto r = run(is_astring_char, "a string");
    if (!r) return r.failure();
    return std::string(*r);
}

Result<std::optional<std::string>> Lexer::nstring() {
    if (consume_keyword("NIL")) return std::optional<std::string>();
    auto s = string();
    if (!s) return s.failure();
    return std::optional<std::string>(std::move(s->value));
}

Result<std::string> Lexer::list_mailbox() {
    if (!at_end() && (peek() == '"' || peek() == '{')) {
        auto s = string();
        if (!s) return s.failure();
        return std::move(s->value);
    }
    auto r = run(is_list_char, "a mailbox pattern");
    if (!r) return r.failure();
    return std::string(*r);
}

Result<std::string> Lexer::flag() {
    std::string out;
    if (consume('\\')) out = "\\";
    auto a = atom();
    if (!a) return bad("Invalid flag");
    return out + *a;
}

Result<std::uint64_t> Lexer::number64() {
    const std::size_t start = pos_;
    std::uint64_t n = 0;
    while (!at_end() && is_digit(peek())) {
        const auto digit = static_cast<std::uint64_t>(text_[pos_++] - '0');
        // RFC 9051 9: number64 is at most 9223372036854775807.
        if (n > (0x7FFFFFFFFFFFFFFFull - digit) / 10) return bad("Number too large");
        n = n * 10 + digit;
    }
    if (pos_ == start) return bad("Expected a number");
    return n;
}

Result<std::uint64_t> Lexer::nz_number64() {
    auto n = number64();
    if (!n) return n;
    if (*n == 0) return bad("Expected a non-zero number");
    return n;
}

Result<std::uint32_t> Lexer::number() {
    auto n = number64();
    if (!n) return n.failure();
    // RFC 9051 9: number is a 32-bit unsigned value.
    if (*n > 0xFFFFFFFFull) return bad("Number too large");
    return static_cast<std::uint32_t>(*n);
}

Result<std::uint32_t> Lexer::nz_number() {
    auto n = number();
    if (!n) return n;
    if (*n == 0) return bad("Expected a non-zero number");
    return n;
}

}  // namespace tern::imap
