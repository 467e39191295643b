// parse_command(): the tag, the command name and the UID prefix, then the
// family parser for the arguments; and the argument readers the families
// share (mailbox names, sequence sets, flag lists).
#include <array>
#include <utility>

#include "base/strings.hpp"
#include "imap/proto/command.hpp"
#include "imap/proto/mutf7.hpp"
#include "imap/proto/parse_internal.hpp"

namespace tern::imap {

namespace {

using N = CommandName;
using Parser = Status (*)(Lexer&, Command&, const ParseOptions&);

Failure bad(std::string message) {
    return fail(Errc::invalid, std::move(message));
}

Status no_arguments(Lexer& lex, Command&, const ParseOptions&) {
    // RFC 9051 9: these commands take no arguments at all.
    return lex.end();
}

struct Entry {
    std::string_view name;
    N command;
    Parser parser;
    bool uid_form;  // may follow "UID " (RFC 9051 6.4.9, RFC 4315 2.1, RFC 6851 3)
};

constexpr std::array<Entry, 36> kCommands{{
    {"CAPABILITY", N::capability, no_arguments, false},
    {"NOOP", N::noop, no_arguments, false},
    {"LOGOUT", N::logout, no_arguments, false},
    {"STARTTLS", N::starttls, no_arguments, false},
    {"AUTHENTICATE", N::authenticate, detail::parse_authenticate, false},
    {"LOGIN", N::login, detail::parse_login, false},
    {"SELECT", N::select, detail::parse_select, false},
    {"EXAMINE", N::examine, detail::parse_select, false},
    {"CREATE", N::create, detail::parse_create, false},
    {"DELETE", N::delete_mailbox, detail::parse_mailbox_only, false},
    {"RENAME", N::rename, detail::parse_rename, false},
    {"SUBSCRIBE", N::subscribe, detail::parse_mailbox_only, false},
    {"UNSUBSCRIBE", N::unsubscribe, detail::parse_mailbox_only, false},
    {"LIST", N::list, detail::parse_list, false},
    {"LSUB", N::lsub, detail::parse_lsub, false},
    {"NAMESPACE", N::namespace_, no_arguments, false},
    {"STATUS", N::status, detail::parse_status, false},
    {"APPEND", N::append, detail::parse_append, false},
    {"CHECK", N::check, no_arguments, false},
    {"CLOSE", N::close, no_arguments, false},
    {"UNSELECT", N::unselect, no_arguments, false},
    {"EXPUNGE", N::expunge, detail::parse_expunge, true},
    {"SEARCH", N::search, detail::parse_search, true},
    {"FETCH", N::fetch, detail::parse_fetch, true},
    {"STORE", N::store, detail::parse_store, true},
    {"COPY", N::copy, detail::parse_copy, true},
    {"MOVE", N::move, detail::parse_copy, true},
    {"ENABLE", N::enable, detail::parse_enable, false},
    {"IDLE", N::idle, no_arguments, false},
    {"ID", N::id, detail::parse_id, false},
    {"SORT", N::sort, detail::parse_sort, true},
    {"THREAD", N::thread, detail::parse_thread, true},
    {"GETQUOTA", N::getquota, detail::parse_getquota, false},
    {"GETQUOTAROOT", N::getquotaroot, detail::parse_mailbox_only, false},
    {"SETQUOTA", N::setquota, detail::parse_setquota, false},
    {"COMPRESS", N::compress, detail::parse_compress, false},
}};

bool is_tag_char(char c) {
    return is_astring_char(c) && c != '+';
}

bool is_set_char(char c) {
    return (c >= '0' && c <= '9') || c == '*' || c == ':' || c == ',' || c == '$';
}

}  // namespace

std::string_view to_string(CommandName name) {
    for (const auto& e : kCommands) {
        if (e.command == name) return e.name;
    }
    return "UNKNOWN";
}

std::optional<std::string> tag_of(std::string_view raw) {
    std::size_t n = 0;
    while (n < raw.size() && is_tag_char(raw[n]))
        ++n;
    if (n == 0 || (n < raw.size() && raw[n] != ' ')) return std::nullopt;
    return std::string(raw.substr(0, n));
}

Result<Command> parse_command(std::string_view raw, const ParseOptions& options) {
    Command cmd;
    auto tag = tag_of(raw);
    if (!tag) return bad(raw.empty() ? "Empty command" : "Invalid tag");
    cmd.tag = std::move(*tag);
    Lexer lex(raw.substr(cmd.tag.size()), options.utf8);
    if (auto st = lex.sp(); !st) return bad("Missing command");
    auto name = lex.atom();
    if (!name) return bad("Missing command name");
    if (iequals(*name, "UID")) {
        cmd.uid = true;
        if (auto st = lex.sp(); !st) return bad("UID needs a command");
        name = lex.atom();
        if (!name) return bad("UID needs a command");
    }
    for (const auto& e : kCommands) {
        if (!iequals(*name, e.name)) continue;
        if (cmd.uid && !e.uid_form) return bad("UID " + to_upper(*name) + " is not a command");
        cmd.name = e.command;
        if (auto st = e.parser(lex, cmd, options); !st) return st.failure();
        return cmd;
    }
    return bad("Unknown command " + to_upper(name->substr(0, 40)));
}

bool is_idle_done(std::string_view line) {
    return iequals(line, "DONE");
}

Result<std::string> parse_sasl_response(std::string_view line) {
    // RFC 9051 6.2.2: "*" cancels the exchange.
    if (line == "*") return fail(Errc::denied, "Authentication cancelled");
    std::string out;
    if (!base64_decode(line, out)) return bad("Invalid base64 in SASL response");
    return out;
}

namespace detail {

Result<std::string> decode_mailbox(const std::string& raw, const ParseOptions& options) {
    std::string name;
    if (options.utf8) {
        // RFC 6855 3: after ENABLE UTF8=ACCEPT names are sent as UTF-8.
        if (!is_valid_utf8(raw)) return bad("Mailbox name is not valid UTF-8");
        // RFC 6855 3: names must be Net-Unicode (RFC 5198 2) without
        // controls (U+0000-U+001F, U+007F, U+0080-U+009F) and without the
        // line and paragraph separators U+2028 and U+2029.
        for (std::size_t i = 0; i < raw.size(); ++i) {
            const auto u = static_cast<unsigned char>(raw[i]);
            const auto next = [&](std::size_t k) {
                return i + k < raw.size() ? static_cast<unsigned char>(raw[i + k]) : 0;
            };
            if (u < 0x20 || u == 0x7f || (u == 0xc2 && next(1) < 0xa0))
                return bad("Control character in mailbox name");
            if (u == 0xe2 && next(1) == 0x80 && (next(2) == 0xa8 || next(2) == 0xa9))
                return bad("Line or paragraph separator in mailbox name");
        }
        name = raw;
    } else {
        // RFC 3501 5.1.3: international names travel in modified UTF-7.
        auto decoded = mutf7_decode(raw);
        if (!decoded) return bad("Invalid mailbox name: " + decoded.error().message);
        name = std::move(*decoded);
    }
    // RFC 9051 5.1: INBOX is case-insensitive.
    if (iequals(name, "INBOX")) name = "INBOX";
    return name;
}

Result<std::string> mailbox(Lexer& lex, const ParseOptions& options) {
    auto raw = lex.astring();
    if (!raw) return bad("Expected a mailbox name");
    return decode_mailbox(*raw, options);
}

Result<SequenceSet> sequence_set(Lexer& lex) {
    auto text = lex.run(is_set_char, "a sequence set");
    if (!text) return text.failure();
    return parse_sequence_set(*text);
}

Result<std::vector<std::string>> flag_list(Lexer& lex) {
    if (auto st = lex.expect('('); !st) return st.failure();
    std::vector<std::string> flags;
    while (!lex.consume(')')) {
        if (!flags.empty()) {
            if (auto st = lex.sp(); !st) return st.failure();
        }
        auto f = lex.flag();
        if (!f) return f.failure();
        flags.push_back(std::move(*f));
    }
    return flags;
}

}  // namespace detail

}  // namespace tern::imap
