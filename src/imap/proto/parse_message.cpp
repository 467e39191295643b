// FETCH STORE COPY MOVE EXPUNGE: the commands that act on a sequence set in
// the selected mailbox (and their UID forms).
#include <utility>

#include "base/strings.hpp"
#include "imap/proto/fetch_items.hpp"
#include "imap/proto/parse_internal.hpp"

namespace tern::imap {

namespace {

Failure bad(std::string message) {
    return fail(Errc::invalid, std::move(message));
}

// RFC 7162 3.1.4.1 / 3.2.6 and RFC 4466 2.4: "(" fetch-modifier *(SP ...) ")".
Status fetch_modifiers(Lexer& lex, FetchArgs& args, bool uid) {
    if (auto st = lex.expect('('); !st) return st;
    do {
        if (lex.consume_keyword("CHANGEDSINCE")) {
            if (auto st = lex.sp(); !st) return st;
            auto n = lex.number64();
            if (!n) return n.failure();
            args.changed_since = *n;
        } else if (lex.consume_keyword("VANISHED")) {
            args.vanished = true;
        } else {
            return bad("Unknown FETCH modifier");
        }
    } while (lex.consume(' '));
    if (auto st = lex.expect(')'); !st) return st;
    // RFC 7162 3.2.6: VANISHED only in UID FETCH, and only with CHANGEDSINCE.
    if (args.vanished && (!uid || !args.changed_since))
        return bad("VANISHED needs UID FETCH and CHANGEDSINCE");
    return {};
}

}  // namespace

namespace detail {

Status parse_fetch(Lexer& lex, Command& cmd, const ParseOptions&) {
    FetchArgs args;
    if (auto st = lex.sp(); !st) return bad("FETCH needs a sequence set");
    auto set = sequence_set(lex);
    if (!set) return set.failure();
    args.set = std::move(*set);
    if (auto st = lex.sp(); !st) return bad("FETCH needs data items");
    auto items = parse_fetch_items(lex, args.macro);
    if (!items) return items.failure();
    args.items = std::move(*items);
    if (lex.consume(' ')) {
        if (auto st = fetch_modifiers(lex, args, cmd.uid); !st) return st;
    }
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_store(Lexer& lex, Command& cmd, const ParseOptions&) {
    StoreArgs args;
    if (auto st = lex.sp(); !st) return bad("STORE needs a sequence set");
    auto set = sequence_set(lex);
    if (!set) return set.failure();
    args.set = std::move(*set);
    if (auto st = lex.sp(); !st) return bad("STORE needs a data item");
    if (lex.consume('(')) {
        // RFC 7162 3.1.3: store-modifier UNCHANGEDSINCE mod-sequence-valzer.
        if (!lex.consume_keyword("UNCHANGEDSINCE")) return bad("Unknown STORE modifier");
        if (auto st = lex.sp(); !st) return st;
        auto n = lex.number64();
        if (!n) return n.failure();
        args.unchanged_since = *n;
        if (auto st = lex.expect(')'); !st) return st;
        if (auto st = lex.sp(); !st) return st;
    }
    if (lex.consume('+')) {
        args.mode = StoreMode::add;
    } else if (lex.consume('-')) {
        args.mode = StoreMode::remove;
    }
    auto word = lex.atom();
    if (!word) return word.failure();
    const std::string item = to_upper(*word);
    // RFC 9051 9: store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP ...
    if (item != "FLAGS" && item != "FLAGS.SILENT") return bad("Unknown STORE data item");
    args.silent = item == "FLAGS.SILENT";
    if (auto st = lex.sp(); !st) return bad("STORE needs flags");
    if (lex.peek() == '(') {
        auto flags = flag_list(lex);
        if (!flags) return flags.failure();
        args.flags = std::move(*flags);
    } else {
        do {
            auto f = lex.flag();
            if (!f) return f.failure();
            args.flags.push_back(std::move(*f));
        } while (lex.consume(' '));
    }
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_copy(Lexer& lex, Command& cmd, const ParseOptions& options) {
    CopyArgs args;
    if (auto st = lex.sp(); !st) return bad("Expected a sequence set");
    auto set = sequence_set(lex);
    if (!set) return set.failure();
    args.set = std::move(*set);
    if (auto st = lex.sp(); !st) return bad("Expected a mailbox name");
    auto name = mailbox(lex, options);
    if (!name) return name.failure();
    args.mailbox = std::move(*name);
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_expunge(Lexer& lex, Command& cmd, const ParseOptions&) {
    ExpungeArgs args;
    if (cmd.uid) {
        // RFC 4315 2.1: UID EXPUNGE SP sequence-set.
        if (auto st = lex.sp(); !st) return bad("UID EXPUNGE needs a UID set");
        auto set = sequence_set(lex);
        if (!set) return set.failure();
        args.uids = std::move(*set);
    }
    cmd.args = std::move(args);
    return lex.end();
}

}  // namespace detail

}  // namespace tern::imap
