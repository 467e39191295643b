// APPEND (RFC 9051 6.3.12) with MULTIAPPEND (RFC 3502 6), binary literals
// (RFC 3516 4.2) and the UTF8 data extension (RFC 6855 4).
#include <utility>

#include "imap/proto/parse_internal.hpp"

namespace tern::imap {

namespace {

Failure bad(std::string message) {
    return fail(Errc::invalid, std::move(message));
}

// append-message = [SP flag-list] [SP date-time] SP append-data, where the
// leading SP has been read.
Result<AppendMessage> append_message(Lexer& lex) {
    AppendMessage msg;
    if (lex.peek() == '(') {
        auto flags = detail::flag_list(lex);
        if (!flags) return flags.failure();
        msg.flags = std::move(*flags);
        if (auto st = lex.sp(); !st) return bad("APPEND needs the message");
    }
    if (lex.peek() == '"') {
        auto text = lex.string();
        if (!text) return text.failure();
        auto dt = parse_date_time(text->value);
        if (!dt) return dt.failure();
        msg.internal_date = *dt;
        if (auto st = lex.sp(); !st) return bad("APPEND needs the message");
    }
    if (lex.consume_keyword("UTF8")) {
        // RFC 6855 4: append-data =/ "UTF8" SP "(" literal8 ")".
        msg.utf8 = true;
        if (auto st = lex.sp(); !st) return st.failure();
        if (auto st = lex.expect('('); !st) return st.failure();
        if (lex.peek() != '~') return bad("UTF8 data must be a binary literal");
        auto data = lex.string_or_literal8();
        if (!data) return data.failure();
        msg.data = std::move(data->value);
        msg.binary = true;
        if (auto st = lex.expect(')'); !st) return st.failure();
        return msg;
    }
    // RFC 9051 6.3.12: the message is a literal (or literal8), never quoted.
    if (lex.peek() != '{' && lex.peek() != '~') return bad("APPEND message must be a literal");
    auto data = lex.string_or_literal8();
    if (!data) return data.failure();
    msg.data = std::move(data->value);
    msg.binary = data->binary;
    return msg;
}

}  // namespace

namespace detail {

Status parse_append(Lexer& lex, Command& cmd, const ParseOptions& options) {
    AppendArgs args;
    if (auto st = lex.sp(); !st) return bad("APPEND needs a mailbox name");
    auto name = mailbox(lex, options);
    if (!name) return name.failure();
    args.mailbox = std::move(*name);
    // RFC 3502 6: append = "APPEND" SP mailbox 1*append-message.
    while (lex.consume(' ')) {
        auto msg = append_message(lex);
        if (!msg) return msg.failure();
        args.messages.push_back(std::move(*msg));
    }
    if (args.messages.empty()) return bad("APPEND needs a message");
    cmd.args = std::move(args);
    return lex.end();
}

}  // namespace detail

}  // namespace tern::imap
