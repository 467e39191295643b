// LIST (RFC 9051 6.3.9 with LIST-EXTENDED, RFC 5258; SPECIAL-USE, RFC 6154;
// LIST-STATUS, RFC 5819) and LSUB (RFC 3501 6.3.9).
#include <utility>

#include "base/strings.hpp"
#include "imap/proto/parse_internal.hpp"

namespace tern::imap {

namespace {

Failure bad(std::string message) {
    return fail(Errc::invalid, std::move(message));
}

Result<std::string> pattern(Lexer& lex, const ParseOptions& options) {
    auto raw = lex.list_mailbox();
    if (!raw) return bad("Expected a mailbox pattern");
    return detail::decode_mailbox(*raw, options);
}

Status selection_options(Lexer& lex, ListArgs& args) {
    if (auto st = lex.expect('('); !st) return st;
    bool first = true;
    while (!lex.consume(')')) {
        if (!first) {
            if (auto st = lex.sp(); !st) return st;
        }
        first = false;
        auto word = lex.atom();
        if (!word) return word.failure();
        const std::string w = to_upper(*word);
        if (w == "SUBSCRIBED") {
            args.select_subscribed = true;
        } else if (w == "REMOTE") {
            args.select_remote = true;
        } else if (w == "RECURSIVEMATCH") {
            args.select_recursive_match = true;
        } else if (w == "SPECIAL-USE") {
            args.select_special_use = true;  // RFC 6154 5.1
        } else {
            // RFC 5258 3: an unrecognized selection option is a BAD.
            return bad("Unknown LIST selection option " + w.substr(0, 40));
        }
    }
    // RFC 5258 3.1: RECURSIVEMATCH needs another selection option.
    if (args.select_recursive_match && !args.select_subscribed && !args.select_special_use)
        return bad("RECURSIVEMATCH needs another selection option");
    return {};
}

Status return_options(Lexer& lex, ListArgs& args) {
    if (auto st = lex.sp(); !st) return st;
    if (auto st = lex.expect('('); !st) return st;
    bool first = true;
    while (!lex.consume(')')) {
        if (!first) {
            if (auto st = lex.sp(); !st) return st;
        }
        first = false;
        auto word = lex.atom();
        if (!word) return word.failure();
        const std::string w = to_upper(*word);
        if (w == "SUBSCRIBED") {
            args.return_subscribed = true;
        } else if (w == "CHILDREN") {
            args.return_children = true;
        } else if (w == "SPECIAL-USE") {
            args.return_special_use = true;  // RFC 6154 5.2
        } else if (w == "STATUS") {
            // RFC 5819 2: STATUS (status-att ...).
            if (auto st = lex.sp(); !st) return st;
            auto items = detail::status_items(lex);
            if (!items) return items.failure();
            args.return_status = std::move(*items);
        } else {
            return bad("Unknown LIST return option " + w.substr(0, 40));
        }
    }
    return {};
}

}  // namespace

namespace detail {

Status parse_list(Lexer& lex, Command& cmd, const ParseOptions& options) {
    ListArgs args;
    if (auto st = lex.sp(); !st) return bad("LIST needs a reference and a pattern");
    if (lex.peek() == '(') {
        args.extended = true;
        if (auto st = selection_options(lex, args); !st) return st;
        if (auto st = lex.sp(); !st) return st;
    }
    auto reference = mailbox(lex, options);
    if (!reference) return reference.failure();
    args.reference = std::move(*reference);
    if (auto st = lex.sp(); !st) return bad("LIST needs a reference and a pattern");
    if (lex.consume('(')) {
        // RFC 5258 3: several patterns in parentheses.
        args.extended = true;
        do {
            auto p = pattern(lex, options);
            if (!p) return p.failure();
            args.patterns.push_back(std::move(*p));
        } while (lex.consume(' '));
        if (auto st = lex.expect(')'); !st) return st;
    } else {
        auto p = pattern(lex, options);
        if (!p) return p.failure();
        args.patterns.push_back(std::move(*p));
    }
    if (lex.consume(' ')) {
        if (!lex.consume_keyword("RETURN")) return bad("Expected RETURN options");
        args.extended = true;
        if (auto st = return_options(lex, args); !st) return st;
    }
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_lsub(Lexer& lex, Command& cmd, const ParseOptions& options) {
    ListArgs args;
    if (auto st = lex.sp(); !st) return bad("LSUB needs a reference and a pattern");
    auto reference = mailbox(lex, options);
    if (!reference) return reference.failure();
    args.reference = std::move(*reference);
    if (auto st = lex.sp(); !st) return bad("LSUB needs a reference and a pattern");
    auto p = pattern(lex, options);
    if (!p) return p.failure();
    args.patterns.push_back(std::move(*p));
    cmd.args = std::move(args);
    return lex.end();
}

}  // namespace detail

}  // namespace tern::imap
