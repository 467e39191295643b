// SEARCH keys and the SEARCH, SORT and THREAD commands.
#include <array>
#include <utility>

#include "base/strings.hpp"
#include "imap/proto/parse_internal.hpp"
#include "imap/proto/search_key.hpp"

namespace tern::imap {

namespace {

using K = SearchKeyType;

Failure bad(std::string message) {
    return fail(Errc::invalid, std::move(message));
}

enum class Arg { none, astring, keyword, date, number, nz_number, header, set, not_, or_, modseq };

struct KeySpec {
    std::string_view name;
    K type;
    Arg arg;
};

// RFC 9051 6.4.4 and RFC 3501 6.4.4 (RECENT, NEW, OLD, UNKEYWORD... are
// IMAP4rev1 keys that IMAP4rev2 clients may still send).
constexpr std::array<KeySpec, 38> kKeys{{
    {"ALL", K::all, Arg::none},
    {"ANSWERED", K::answered, Arg::none},
    {"DELETED", K::deleted, Arg::none},
    {"DRAFT", K::draft, Arg::none},
    {"FLAGGED", K::flagged, Arg::none},
    {"SEEN", K::seen, Arg::none},
    {"RECENT", K::recent, Arg::none},
    {"NEW", K::new_, Arg::none},
    {"OLD", K::old, Arg::none},
    {"UNANSWERED", K::unanswered, Arg::none},
    {"UNDELETED", K::undeleted, Arg::none},
    {"UNDRAFT", K::undraft, Arg::none},
    {"UNFLAGGED", K::unflagged, Arg::none},
    {"UNSEEN", K::unseen, Arg::none},
    {"KEYWORD", K::keyword, Arg::keyword},
    {"UNKEYWORD", K::unkeyword, Arg::keyword},
    {"BCC", K::bcc, Arg::astring},
    {"BODY", K::body, Arg::astring},
    {"CC", K::cc, Arg::astring},
    {"FROM", K::from, Arg::astring},
    {"SUBJECT", K::subject, Arg::astring},
    {"TEXT", K::text, Arg::astring},
    {"TO", K::to, Arg::astring},
    {"HEADER", K::header, Arg::header},
    {"BEFORE", K::before, Arg::date},
    {"ON", K::on, Arg::date},
    {"SINCE", K::since, Arg::date},
    {"SENTBEFORE", K::sent_before, Arg::date},
    {"SENTON", K::sent_on, Arg::date},
    {"SENTSINCE", K::sent_since, Arg::date},
    {"LARGER", K::larger, Arg::number},
    {"SMALLER", K::smaller, Arg::number},
    // RFC 5032 3: OLDER/YOUNGER take an interval in seconds, nz-number.
    {"OLDER", K::older, Arg::nz_number},
    {"YOUNGER", K::younger, Arg::nz_number},
    {"UID", K::uid, Arg::set},
    {"NOT", K::not_, Arg::not_},
    {"OR", K::or_, Arg::or_},
    {"MODSEQ", K::modseq, Arg::modseq},
}};

bool is_set_char(char c) {
    return (c >= '0' && c <= '9') || c == '*' || c == ':' || c == ',' || c == '$';
}

bool is_key_char(char c) {
    return is_atom_char(c);
}

Result<SearchKey> parse_key(Lexer& lex, int depth);

Result<SearchKey> parse_key_list(Lexer& lex, int depth, bool nested) {
    SearchKey all;
    all.type = K::and_;
    while (true) {
        auto key = parse_key(lex, depth);
        if (!key) return key;
        all.children.push_back(std::move(*key));
        if (lex.at_end() || (nested && lex.peek() == ')')) break;
        if (auto st = lex.sp(); !st) return st.failure();
    }
    if (all.children.size() == 1) return std::move(all.children.front());
    return all;
}

Result<Date> search_date(Lexer& lex) {
    // RFC 9051 9: date = date-text / DQUOTE date-text DQUOTE.
    if (lex.peek() == '"') {
        auto s = lex.string();
        if (!s) return s.failure();
        return parse_date(s->value);
    }
    auto a = lex.run(is_key_char, "a date");
    if (!a) return a.failure();
    return parse_date(*a);
}

// RFC 7162 3.1.5: MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer.
Status parse_modseq(Lexer& lex, SearchKey& key) {
    if (lex.peek() == '"') {
        auto name = lex.string();
        if (!name) return name.failure();
        key.field = std::move(name->value);
        if (auto st = lex.sp(); !st) return st;
        auto type = lex.atom();
        if (!type) return type.failure();
        key.entry_type = to_lower(*type);
        if (key.entry_type != "priv" && key.entry_type != "shared" && key.entry_type != "all")
            return bad("MODSEQ entry type must be priv, shared or all");
        if (auto st = lex.sp(); !st) return st;
    }
    auto n = lex.number64();
    if (!n) return n.failure();
    key.number = *n;
    return {};
}

Status parse_argument(Lexer& lex, const KeySpec& spec, SearchKey& key, int depth) {
    if (spec.arg == Arg::none) return {};
    if (auto st = lex.sp(); !st) return bad(std::string(spec.name) + " needs an argument");
    switch (spec.arg) {
        case Arg::none:
            return {};
        case Arg::astring: {
            auto s = lex.astring();
            if (!s) return s.failure();
            key.value = std::move(*s);
            return {};
        }
        case Arg::keyword: {
            auto a = lex.atom();  // RFC 9051 9: flag-keyword is an atom
            if (!a) return a.failure();
            key.value = std::move(*a);
            return {};
        }
        case Arg::date: {
            auto d = search_date(lex);
            if (!d) return d.failure();
            key.date = *d;
            return {};
        }
        case Arg::number:
        case Arg::nz_number: {
            auto n = spec.arg == Arg::number ? lex.number64() : lex.nz_number64();
            if (!n) return n.failure();
            key.number = *n;
            return {};
        }
        case Arg::header: {
            auto name = lex.astring();
            if (!name) return name.failure();
            if (auto st = lex.sp(); !st) return st;
            auto value = lex.astring();
            if (!value) return value.failure();
            key.field = std::move(*name);
            key.value = std::move(*value);
            return {};
        }
        case Arg::set: {
            auto set = detail::sequence_set(lex);
            if (!set) return set.failure();
            key.set = std::move(*set);
            return {};
        }
        case Arg::not_:
        case Arg::or_: {
            for (int i = spec.arg == Arg::or_ ? 2 : 1; i > 0; --i) {
                auto child = parse_key(lex, depth - 1);
                if (!child) return child.failure();
                key.children.push_back(std::move(*child));
                if (i > 1) {
                    if (auto st = lex.sp(); !st) return bad("OR needs two search keys");
                }
            }
            return {};
        }
        case Arg::modseq:
            return parse_modseq(lex, key);
    }
    return {};
}

Result<SearchKey> parse_key(Lexer& lex, int depth) {
    // DESIGN.md rule 4: bounded nesting keeps recursion bounded.
    if (depth <= 0) return bad("Search criteria nested too deeply");
    if (lex.consume('(')) {
        if (lex.peek() == ')') return bad("Empty search key list");
        auto inner = parse_key_list(lex, depth - 1, true);
        if (!inner) return inner;
        if (auto st = lex.expect(')'); !st) return st.failure();
        return inner;
    }
    const char c = lex.peek();
    if ((c >= '0' && c <= '9') || c == '*' || c == '$') {
        auto text = lex.run(is_set_char, "a sequence set");
        if (!text) return text.failure();
        auto set = parse_sequence_set(*text);
        if (!set) return set.failure();
        SearchKey key;
        key.type = K::sequence_set;
        key.set = std::move(*set);
        return key;
    }
    auto name = lex.run(is_key_char, "a search key");
    if (!name) return name.failure();
    for (const auto& spec : kKeys) {
        if (!iequals(*name, spec.name)) continue;
        SearchKey key;
        key.type = spec.type;
        if (auto st = parse_argument(lex, spec, key, depth); !st) return st.failure();
        return key;
    }
    return bad("Unknown search key " + std::string(*name));
}

// [CHARSET SP astring SP]: RFC 9051 6.4.4 requires UTF-8 and US-ASCII support.
Status optional_charset(Lexer& lex, std::optional<std::string>& charset) {
    if (!lex.consume_keyword("CHARSET")) return {};
    if (auto st = lex.sp(); !st) return st;
    auto cs = lex.astring();
    if (!cs) return cs.failure();
    charset = to_upper(*cs);
    return lex.sp();
}

Status optional_return(Lexer& lex, std::optional<std::vector<SearchReturn>>& returns) {
    if (!lex.consume_keyword("RETURN")) return {};
    if (auto st = lex.sp(); !st) return st;
    auto r = detail::search_return(lex);
    if (!r) return r.failure();
    returns = std::move(*r);
    return lex.sp();
}

}  // namespace

Result<SearchKey> parse_search_keys(Lexer& lex, int max_depth) {
    return parse_key_list(lex, max_depth, false);
}

namespace detail {

Result<std::vector<SearchReturn>> search_return(Lexer& lex) {
    // RFC 4731 3.1: RETURN (MIN MAX ALL COUNT), RFC 5182 2.2: SAVE.
    static constexpr std::array<std::pair<std::string_view, SearchReturn>, 5> kOptions{{
        {"MIN", SearchReturn::min},
        {"MAX", SearchReturn::max},
        {"ALL", SearchReturn::all},
        {"COUNT", SearchReturn::count},
        {"SAVE", SearchReturn::save},
    }};
    if (auto st = lex.expect('('); !st) return st.failure();
    std::vector<SearchReturn> out;
    while (!lex.consume(')')) {
        if (!out.empty()) {
            if (auto st = lex.sp(); !st) return st.failure();
        }
        auto word = lex.atom();
        if (!word) return word.failure();
        bool known = false;
        for (const auto& [name, option] : kOptions) {
            if (iequals(*word, name)) out.push_back(option), known = true;
        }
        if (!known) return bad("Unknown RETURN option " + *word);
    }
    return out;
}

Status parse_search(Lexer& lex, Command& cmd, const ParseOptions& options) {
    SearchArgs args;
    if (auto st = lex.sp(); !st) return bad("SEARCH needs search criteria");
    if (auto st = optional_return(lex, args.returns); !st) return st;
    if (auto st = optional_charset(lex, args.charset); !st) return st;
    auto key = parse_search_keys(lex, options.max_search_depth);
    if (!key) return key.failure();
    args.key = std::move(*key);
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_sort(Lexer& lex, Command& cmd, const ParseOptions& options) {
    // RFC 5256 3: SORT SP sort-criteria SP search-criteria (charset first).
    static constexpr std::array<std::pair<std::string_view, SortKeyName>, 9> kSortKeys{{
        {"ARRIVAL", SortKeyName::arrival},
        {"CC", SortKeyName::cc},
        {"DATE", SortKeyName::date},
        {"FROM", SortKeyName::from},
        {"SIZE", SortKeyName::size},
        {"SUBJECT", SortKeyName::subject},
        {"TO", SortKeyName::to},
        {"DISPLAYFROM", SortKeyName::display_from},  // RFC 5957 3
        {"DISPLAYTO", SortKeyName::display_to},
    }};
    SortArgs args;
    if (auto st = lex.sp(); !st) return bad("SORT needs sort criteria");
    if (auto st = optional_return(lex, args.returns); !st) return st;
    if (auto st = lex.expect('('); !st) return st;
    while (!lex.consume(')')) {
        if (!args.criteria.empty()) {
            if (auto st = lex.sp(); !st) return st;
        }
        SortCriterion c;
        if (lex.consume_keyword("REVERSE")) {
            c.reverse = true;
            if (auto st = lex.sp(); !st) return st;
        }
        auto word = lex.atom();
        if (!word) return word.failure();
        bool known = false;
        for (const auto& [name, key] : kSortKeys) {
            if (iequals(*word, name)) c.key = key, known = true;
        }
        if (!known) return bad("Unknown sort key " + *word);
        args.criteria.push_back(c);
    }
    if (args.criteria.empty()) return bad("Empty sort criteria");
    if (auto st = lex.sp(); !st) return st;
    auto cs = lex.astring();
    if (!cs) return cs.failure();
    args.charset = to_upper(*cs);
    if (auto st = lex.sp(); !st) return bad("SORT needs search criteria");
    auto key = parse_search_keys(lex, options.max_search_depth);
    if (!key) return key.failure();
    args.key = std::move(*key);
    cmd.args = std::move(args);
    return lex.end();
}

Status parse_thread(Lexer& lex, Command& cmd, const ParseOptions& options) {
    // RFC 5256 4: THREAD SP thread-alg SP search-criteria.
    ThreadArgs args;
    if (auto st = lex.sp(); !st) return bad("THREAD needs an algorithm");
    auto alg = lex.atom();
    if (!alg) return alg.failure();
    args.algorithm = to_upper(*alg);
    if (auto st = lex.sp(); !st) return bad("THREAD needs a charset");
    auto cs = lex.astring();
    if (!cs) return cs.failure();
    args.charset = to_upper(*cs);
    if (auto st = lex.sp(); !st) return bad("THREAD needs search criteria");
    auto key = parse_search_keys(lex, options.max_search_depth);
    if (!key) return key.failure();
    args.key = std::move(*key);
    cmd.args = std::move(args);
    return lex.end();
}

}  // namespace detail

}  // namespace tern::imap
