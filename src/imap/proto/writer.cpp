#include "imap/proto/writer.hpp"

#include "base/strings.hpp"
#include "imap/proto/lexer.hpp"
#include "imap/proto/mutf7.hpp"

namespace tern::imap {

namespace {

// RFC 9051 9: QUOTED-CHAR is a TEXT-CHAR (7-bit, no CR/LF; NUL is not a
// CHAR) or, for UTF-8 capable peers, a UTF-8 sequence.
bool quotable(std::string_view value, bool utf8) {
    bool eight_bit = false;
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\0' || c == '\r' || c == '\n') return false;
        if (u >= 0x80) eight_bit = true;
    }
    return !eight_bit || (utf8 && is_valid_utf8(value));
}

void append_quoted(std::string& out, std::string_view value) {
    out += '"';
    for (char c : value) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
}

// Free text in a status line: no CR, LF or NUL (RFC 9051 9 TEXT-CHAR).
void append_text(std::string& out, std::string_view text) {
    for (char c : text)
        out += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
}

void append_status(std::string& out, Condition cond, std::string_view text,
                   const std::optional<ResponseCode>& code) {
    out += to_string(cond);
    out += ' ';
    if (code) {
        out += '[';
        append_text(out, code->name);
        if (!code->args.empty()) {
            out += ' ';
            for (char c : code->args)
                out += (c == '\r' || c == '\n' || c == '\0' || c == ']') ? ' ' : c;
        }
        out += "] ";
    }
    // RFC 3501 9: a status line's text is 1*TEXT-CHAR, never empty.
    append_text(out, text.empty() ? std::string_view("Done") : text);
    out += "\r\n";
}

}  // namespace

std::string_view to_string(Condition cond) {
    switch (cond) {
        case Condition::ok:
            return "OK";
        case Condition::no:
            return "NO";
        case Condition::bad:
            return "BAD";
        case Condition::bye:
            return "BYE";
        case Condition::preauth:
            return "PREAUTH";
    }
    return "BAD";
}

void append_literal(std::string& out, std::string_view value) {
    out += '{';
    out += std::to_string(value.size());
    out += "}\r\n";
    out.append(value);
}

void append_string(std::string& out, std::string_view value, bool utf8) {
    if (quotable(value, utf8)) return append_quoted(out, value);
    append_literal(out, value);
}

void append_astring(std::string& out, std::string_view value, bool utf8) {
    bool atom = !value.empty() && !iequals(value, "NIL");
    for (char c : value) {
        if (!is_astring_char(c)) atom = false;
    }
    if (atom) {
        out.append(value);
        return;
    }
    append_string(out, value, utf8);
}

void append_nstring(std::string& out, const std::optional<std::string>& value, bool utf8) {
    if (!value) {
        out += "NIL";
        return;
    }
    append_string(out, *value, utf8);
}

void append_binary(std::string& out, std::string_view value) {
    if (value.find('\0') == std::string_view::npos) return append_string(out, value);
    // RFC 3516 4.3: NUL can only travel in a literal8.
    out += '~';
    append_literal(out, value);
}

void append_mailbox(std::string& out, std::string_view utf8_name, bool utf8) {
    if (iequals(utf8_name, "INBOX")) {
        out += "INBOX";
        return;
    }
    if (utf8) return append_astring(out, utf8_name, true);
    auto encoded = mutf7_encode(utf8_name);
    if (!encoded) return append_literal(out, utf8_name);
    append_astring(out, *encoded, false);
}

void append_flag_list(std::string& out, const std::vector<std::string>& flags) {
    out += '(';
    for (std::size_t i = 0; i < flags.size(); ++i) {
        if (i) out += ' ';
        out += flags[i];
    }
    out += ')';
}

std::string tagged(std::string_view tag, Condition cond, std::string_view text,
                   const std::optional<ResponseCode>& code) {
    std::string out(tag);
    out += ' ';
    append_status(out, cond, text, code);
    return out;
}

std::string untagged_status(Condition cond, std::string_view text,
                            const std::optional<ResponseCode>& code) {
    std::string out = "* ";
    append_status(out, cond, text, code);
    return out;
}

std::string untagged(std::string_view data) {
    std::string out = "* ";
    out.append(data);
    out += "\r\n";
    return out;
}

std::string continuation(std::string_view text) {
    std::string out = "+ ";
    append_text(out, text);
    out += "\r\n";
    return out;
}

std::string read_error_reply(const ReadError& error) {
    std::optional<ResponseCode> code;
    Condition cond = Condition::bad;
    if (error.kind == ReadErrorKind::literal_too_big) {
        // RFC 9051 7.1: TOOBIG; NO because the command itself was well formed.
        code = ResponseCode{"TOOBIG", ""};
        cond = Condition::no;
    } else if (error.kind == ReadErrorKind::nonsync_too_big) {
        code = ResponseCode{"TOOBIG", ""};  // RFC 7888 4: tagged BAD with TOOBIG
    }
    // Without a tag only an untagged BAD is possible (RFC 9051 7.1.3).
    std::string out = error.tag ? tagged(*error.tag, cond, error.message, code)
                                : untagged_status(Condition::bad, error.message, code);
    if (error.close_connection) out += untagged_status(Condition::bye, "Too much data, closing");
    return out;
}

}  // namespace tern::imap
