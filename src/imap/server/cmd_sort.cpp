// SORT, THREAD and their UID forms (RFC 5256 3, 4), with SORT=DISPLAY
// (RFC 5957) and ESORT (RFC 5267). The messages are chosen with the SEARCH
// machinery (search_scan.cpp, scan_matches()); the keys come from
// sort_keys.hpp and the threading from thread.hpp. Answers:
//  - "* SORT n n ..." in the requested order (RFC 5256 3), with
//    "(MODSEQ m)" after a MODSEQ key (RFC 7162 3.1.5);
//  - with SORT RETURN (...): "* ESEARCH (TAG "t") [UID] MIN MAX COUNT ALL"
//    where MIN and MAX are the first and last in sort order and ALL is in
//    sort order (RFC 5267 3.1); SAVE keeps the result for "$" (RFC 5182);
//  - "* THREAD (..)(..)" (RFC 5256 4), ORDEREDSUBJECT or REFERENCES; any
//    other algorithm is BAD.
// CHARSET: US-ASCII and UTF-8; others NO [BADCHARSET (US-ASCII UTF-8)].
#include <algorithm>

#include "base/strings.hpp"
#include "imap/server/search_eval.hpp"
#include "imap/server/session.hpp"
#include "imap/server/sort_keys.hpp"
#include "imap/server/thread.hpp"
#include "imap/server/util.hpp"
#include "mime/header.hpp"

namespace tern::imap {
namespace {

bool uses_modseq(const SearchKey& key) {
    if (key.type == SearchKeyType::modseq) return true;
    return std::any_of(key.children.begin(), key.children.end(), uses_modseq);
}

bool wants(const std::vector<SearchReturn>& returns, SearchReturn r) {
    return std::find(returns.begin(), returns.end(), r) != returns.end();
}

// RFC 9051 6.4.4 (SEARCH's rule, which RFC 5256 3 and 4 adopt): US-ASCII
// and UTF-8 are always accepted.
bool known_charset(std::string_view charset) {
    return iequals(charset, "UTF-8") || iequals(charset, "US-ASCII");
}

// RFC 5267 3.1: ALL keeps the sort order, so only ascending runs fold
// into "a:b" ranges.
std::string ordered_set_text(const std::vector<std::uint32_t>& numbers) {
    std::string out;
    for (std::size_t i = 0; i < numbers.size();) {
        std::size_t j = i;
        while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1)
            ++j;
        if (!out.empty()) out += ',';
        out += std::to_string(numbers[i]);
        if (j > i) out += ':' + std::to_string(numbers[j]);
        i = j + 1;
    }
    return out;
}

}  // namespace

net::Task<void> Session::cmd_sort(const Command& c) {
    const auto& args = std::get<SortArgs>(c.args);
    // RFC 5267 3.1: "RETURN ()" means RETURN (ALL).
    std::optional<std::vector<SearchReturn>> returns = args.returns;
    if (returns && returns->empty()) returns->push_back(SearchReturn::all);
    const bool save = returns && wants(*returns, SearchReturn::save);
    if (save) saved_uids_.clear();  // RFC 5182 2.1: a failed SAVE leaves "$" empty
    if (!known_charset(args.charset)) {
        no(c, "unsupported charset", ResponseCode{"BADCHARSET", "(US-ASCII UTF-8)"});
        co_return;
    }
    const bool modseq_key = uses_modseq(args.key);
    if (modseq_key) condstore_ = true;  // RFC 7162 3.1
    std::vector<SortFacts> facts;
    MatchSink sink = [&](std::uint32_t seq, const store::Message& m, const HeaderBytes& bytes) {
        const std::string* header = bytes();
        facts.push_back(
            sort_facts(seq, m, header ? std::string_view(*header) : std::string_view()));
    };
    const Status st = co_await scan_matches(args.key, sink);
    if (!st) {
        scan_failed(c, st.error());
        co_return;
    }
    std::vector<std::uint32_t> numbers;
    std::vector<std::uint32_t> uids;
    std::optional<std::uint64_t> highest;
    for (std::size_t i : sort_order(facts, args.criteria)) {
        const store::Message& m = map_.at(facts[i].seq);
        numbers.push_back(c.uid ? m.uid : facts[i].seq);
        uids.push_back(m.uid);
        if (modseq_key && (!highest || m.modseq > *highest)) highest = m.modseq;
    }
    const char* done = c.uid ? "UID SORT completed" : "SORT completed";
    if (!returns) {
        std::string line = "SORT";
        for (auto n : numbers)
            line += " " + std::to_string(n);
        if (highest) line += " (MODSEQ " + std::to_string(*highest) + ")";
        reply(untagged(line));
        ok(c, done);
        co_return;
    }
    const auto& r = *returns;
    if (save) {
        // RFC 5182 2.4: MIN and/or MAX alone save just those messages.
        const bool partial = (wants(r, SearchReturn::min) || wants(r, SearchReturn::max)) &&
                             !wants(r, SearchReturn::all) && !wants(r, SearchReturn::count);
        for (std::size_t i = 0; i < uids.size(); ++i) {
            const bool edge = (i == 0 && wants(r, SearchReturn::min)) ||
                              (i + 1 == uids.size() && wants(r, SearchReturn::max));
            if (!partial || edge) saved_uids_.push_back(uids[i]);
        }
        std::sort(saved_uids_.begin(), saved_uids_.end());
        saved_uids_.erase(std::unique(saved_uids_.begin(), saved_uids_.end()), saved_uids_.end());
    }
    if (std::all_of(r.begin(), r.end(), [](SearchReturn x) { return x == SearchReturn::save; })) {
        ok(c, done);  // RFC 5182 2.1: SAVE alone gets no ESEARCH response
        co_return;
    }
    std::string line = "ESEARCH (TAG ";
    append_string(line, c.tag);
    line += ")";
    if (c.uid) line += " UID";
    // RFC 5267 3.1: MIN/MAX are the first/last message in sort order; as in
    // RFC 4731, they and ALL are left out when nothing matched.
    if (!numbers.empty() && wants(r, SearchReturn::min))
        line += " MIN " + std::to_string(numbers.front());
    if (!numbers.empty() && wants(r, SearchReturn::max))
        line += " MAX " + std::to_string(numbers.back());
    if (wants(r, SearchReturn::count)) line += " COUNT " + std::to_string(numbers.size());
    if (!numbers.empty() && wants(r, SearchReturn::all))
        line += " ALL " + ordered_set_text(numbers);
    if (highest) line += " MODSEQ " + std::to_string(*highest);
    reply(untagged(line));
    ok(c, done);
}

net::Task<void> Session::cmd_thread(const Command& c) {
    const auto& args = std::get<ThreadArgs>(c.args);
    const bool references = args.algorithm == "REFERENCES";
    if (!references && args.algorithm != "ORDEREDSUBJECT") {
        bad(c, "unknown threading algorithm " + args.algorithm);
        co_return;
    }
    if (!known_charset(args.charset)) {
        no(c, "unsupported charset", ResponseCode{"BADCHARSET", "(US-ASCII UTF-8)"});
        co_return;
    }
    if (uses_modseq(args.key)) condstore_ = true;  // RFC 7162 3.1
    std::vector<ThreadMessage> messages;
    MatchSink sink = [&](std::uint32_t seq, const store::Message& m, const HeaderBytes& bytes) {
        const std::string* header = bytes();
        const SortFacts f =
            sort_facts(seq, m, header ? std::string_view(*header) : std::string_view());
        ThreadMessage t;
        t.number = c.uid ? m.uid : seq;
        t.seq = seq;
        t.sent = f.sent;
        t.subject = f.subject;
        t.reply_or_forward = f.reply_or_forward;
        if (references && header) {
            const auto block = mime::parse_header(*header, 0, header->size());
            const auto value = [&](std::string_view name) {
                const mime::HeaderField* field = mime::find_field(block.fields, name);
                return field ? field->value : std::string_view();
            };
            set_thread_links(t, value("Message-ID"), value("References"), value("In-Reply-To"));
        }
        messages.push_back(std::move(t));
    };
    const Status st = co_await scan_matches(args.key, sink);
    if (!st) {
        scan_failed(c, st.error());
        co_return;
    }
    const std::string threads =
        references ? thread_references(messages) : thread_ordered_subject(messages);
    // RFC 5256 4: "* THREAD" alone when nothing matched.
    reply(untagged(threads.empty() ? std::string("THREAD") : "THREAD " + threads));
    ok(c, c.uid ? "UID THREAD completed" : "THREAD completed");
}

}  // namespace tern::imap
