// SELECT EXAMINE CREATE DELETE RENAME SUBSCRIBE UNSUBSCRIBE STATUS
// GETQUOTAROOT: commands whose first argument is a mailbox name.
#include <array>
#include <utility>

#include "base/strings.hpp"
#include "imap/proto/parse_internal.hpp"

namespace tern::imap {

namespace {

Failure bad(std::string message) {
    return fail(Errc::invalid, std::move(message));
}

constexpr std::array<std::pair<std::string_view, StatusItem>, 10> kStatusItems{{
    {"MESSAGES", StatusItem::messages},
    {"UIDNEXT", StatusItem::uidnext},
    {"UIDVALIDITY", StatusItem::uidvalidity},
    {"UNSEEN", StatusItem::unseen},
    {"DELETED", StatusItem::deleted},                  // RFC 9051 6.3.11
    {"SIZE", StatusItem::size},                        // RFC 8438 STATUS=SIZE
    {"RECENT", StatusItem::recent},                    // RFC 3501 6.3.10
    {"HIGHESTMODSEQ", StatusItem::highestmodseq},      // RFC 7162 3.1.6
    {"APPENDLIMIT", StatusItem::appendlimit},          // RFC 7889 3.2
    {"DELETED-STORAGE", StatusItem::deleted_storage},  // RFC 9208 (QUOTA=RES-STORAGE)
}};

// RFC 7162 3.2.5.2: "(" uidvalidity SP modseq [SP known-uids]
// [SP "(" known-sequence-set SP known-uid-set ")"] ")".
Status parse_qresync(Lexer& lex, QresyncParams& q) {
    if (auto st = lex.expect('('); !st) return st;
    auto validity = lex.nz_number();
    if (!validity) return validity.failure();
    q.uidvalidity = *validity;
    if (auto st = lex.sp(); !st) return st;
    auto modseq = lex.nz_number64();
    if (!modseq) return modseq.failure();
    q.modseq = *modseq;
    if (lex.consume(' ')) {
        if (lex.peek() != '(') {
            auto uids = detail::sequence_set(lex);
            if (!uids) return uids.failure();
            q.known_uids = std::move(*uids);
            if (lex.consume(' ') && lex.peek() != '(') return bad("Expected known sequence data");
        }
        if (lex.consume('(')) {
            auto seqs = detail::sequence_set(lex);
            if (!seqs) return seqs.failure();
            if (auto st = lex.sp(); !st) return st;
            auto uids = detail::sequence_set(lex);
            if (!uids) return uids.failure();
            q.known_sequence_set = std::move(*seqs);
            q.known_uid_set = std::move(*uids);
            if (auto st = lex.expect(')'); !st) return st;
        }
    }
    return lex.expect(')');
}

}  // namespace

namespace detail {

Status parse_select(Lexer& lex, Command& cmd, const ParseOptions& options) {
    SelectArgs args;
    if (auto st = lex.sp(); !st) return bad("Expected a mailbox name");
    auto name = mailbox(lex, options);
    if (!name) return name.failure();
    args.mailbox = std::move(*name);
    if (lex.consume(' ')) {
        // RFC 4466 2.1: select-params = "(" select-param *(SP select-param) ")".
        if (auto st = lex.expect('('); !st) return st;
        do {
            if (lex.consume_keyword("CONDSTORE")) {
                args.condstore = true;  // RFC 7162 3.1.8
            } else if (lex.consume_keyword("QRESYNC")) {
                if (args.qresync) return bad("QRESYNC given twice");
                args.qresync.emplace();
                if (auto st = lex.sp(); !st) return st;
                if (auto st = parse_qresync(lex, *args.qresync); !st) return st;
            } else {
                return bad("Unknown SELECT parameter");
            }
        } while (lex.consume(' '));
        if (auto st = lex.expect(')'); !st) return st;
    }
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_mailbox_only(Lexer& lex, Command& cmd, const ParseOptions& options) {
    if (auto st = lex.sp(); !st) return bad("Expected a mailbox name");
    auto name = mailbox(lex, options);
    if (!name) return name.failure();
    cmd.args = MailboxArgs{std::move(*name), {}};
    return lex.end();
}

Status parse_create(Lexer& lex, Command& cmd, const ParseOptions& options) {
    MailboxArgs args;
    if (auto st = lex.sp(); !st) return bad("Expected a mailbox name");
    auto name = mailbox(lex, options);
    if (!name) return name.failure();
    args.mailbox = std::move(*name);
    if (lex.consume(' ')) {
        // RFC 6154 3: CREATE mailbox (USE (\Drafts ...)).
        if (auto st = lex.expect('('); !st) return st;
        if (!lex.consume_keyword("USE")) return bad("Unknown CREATE parameter");
        if (auto st = lex.sp(); !st) return st;
        auto uses = flag_list(lex);
        if (!uses) return uses.failure();
        if (uses->empty()) return bad("USE needs at least one special-use attribute");
        args.special_use = std::move(*uses);
        if (auto st = lex.expect(')'); !st) return st;
    }
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_rename(Lexer& lex, Command& cmd, const ParseOptions& options) {
    RenameArgs args;
    if (auto st = lex.sp(); !st) return bad("RENAME needs two mailbox names");
    auto from = mailbox(lex, options);
    if (!from) return from.failure();
    if (auto st = lex.sp(); !st) return bad("RENAME needs two mailbox names");
    auto to = mailbox(lex, options);
    if (!to) return to.failure();
    args.from = std::move(*from);
    args.to = std::move(*to);
    cmd.args = std::move(args);
    return lex.end();
}

Result<std::vector<StatusItem>> status_items(Lexer& lex) {
    if (auto st = lex.expect('('); !st) return st.failure();
    std::vector<StatusItem> items;
    do {
        auto word = lex.atom();
        if (!word) return word.failure();
        bool known = false;
        for (const auto& [name, item] : kStatusItems) {
            if (iequals(*word, name)) items.push_back(item), known = true;
        }
        if (!known) return bad("Unknown STATUS item " + to_upper(word->substr(0, 40)));
    } while (lex.consume(' '));
    if (auto st = lex.expect(')'); !st) return st.failure();
    return items;
}

Status parse_status(Lexer& lex, Command& cmd, const ParseOptions& options) {
    StatusArgs args;
    if (auto st = lex.sp(); !st) return bad("Expected a mailbox name");
    auto name = mailbox(lex, options);
    if (!name) return name.failure();
    args.mailbox = std::move(*name);
    if (auto st = lex.sp(); !st) return bad("STATUS needs a list of items");
    auto items = status_items(lex);
    if (!items) return items.failure();
    args.items = std::move(*items);
    cmd.args = std::move(args);
    return lex.end();
}

}  // namespace detail

std::string_view to_string(StatusItem item) {
    for (const auto& [name, value] : kStatusItems) {
        if (value == item) return name;
    }
    return "";
}

}  // namespace tern::imap
