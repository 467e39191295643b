// SEARCH and UID SEARCH (RFC 9051 6.4.4, RFC 3501 6.4.4): the matching is
// search_eval.hpp; this file runs it over the selected mailbox on a worker
// thread and answers
//  - "* SEARCH n ..." (RFC 3501 7.2.5) for a plain IMAP4rev1 SEARCH;
//  - "* ESEARCH (TAG "t") [UID] MIN MAX COUNT ALL" (RFC 4731 3.1) for
//    SEARCH RETURN (...) and for every SEARCH after ENABLE IMAP4rev2 (RFC
//    9051 6.4.4, 7.3.4);
//  - with a MODSEQ key, the highest modseq of the matches: "(MODSEQ n)" or
//    "MODSEQ n" (RFC 7162 3.1.5);
//  - RETURN (SAVE) keeps the result for "$" (RFC 5182 2.1, 2.4).
#include <algorithm>
#include <ctime>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "imap/server/search_eval.hpp"
#include "imap/server/session.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {
namespace {

bool uses_modseq(const SearchKey& key) {
    if (key.type == SearchKeyType::modseq) return true;
    for (const auto& child : key.children)
        if (uses_modseq(child)) return true;
    return false;
}

bool wants(const std::vector<SearchReturn>& returns, SearchReturn r) {
    return std::find(returns.begin(), returns.end(), r) != returns.end();
}

// RFC 4731 3.1: the ESEARCH data for `hits` (ascending numbers).
std::string esearch_line(const std::string& tag, bool uid, const std::vector<SearchReturn>& returns,
                         const std::vector<std::uint32_t>& hits,
                         std::optional<std::uint64_t> modseq) {
    std::string line = "ESEARCH (TAG ";
    append_string(line, tag);
    line += ")";
    if (uid) line += " UID";
    // RFC 4731 3.1: MIN, MAX and ALL are left out when nothing matched;
    // COUNT is always given when asked for.
    if (!hits.empty() && wants(returns, SearchReturn::min))
        line += " MIN " + std::to_string(hits.front());
    if (!hits.empty() && wants(returns, SearchReturn::max))
        line += " MAX " + std::to_string(hits.back());
    if (wants(returns, SearchReturn::count)) line += " COUNT " + std::to_string(hits.size());
    if (!hits.empty() && wants(returns, SearchReturn::all)) line += " ALL " + uid_set_text(hits);
    if (modseq && !hits.empty()) line += " MODSEQ " + std::to_string(*modseq);
    return untagged(line);
}

}  // namespace

net::Task<void> Session::cmd_search(const Command& c) {
    const auto& args = std::get<SearchArgs>(c.args);
    // RFC 4731 3.1: "RETURN ()" means RETURN (ALL); IMAP4rev2 answers every
    // SEARCH in ESEARCH form (RFC 9051 6.4.4).
    std::optional<std::vector<SearchReturn>> returns = args.returns;
    if (!returns && rev2_) returns.emplace();
    if (returns && returns->empty()) returns->push_back(SearchReturn::all);
    const bool save = returns && wants(*returns, SearchReturn::save);
    // RFC 5182 2.1: a SEARCH with SAVE that fails leaves "$" empty.
    if (save) saved_uids_.clear();
    // RFC 9051 6.4.4: US-ASCII and UTF-8 must be accepted; anything else
    // gets BADCHARSET with the list we know (RFC 9051 7.1).
    if (args.charset && !iequals(*args.charset, "UTF-8") && !iequals(*args.charset, "US-ASCII")) {
        no(c, "unsupported charset", ResponseCode{"BADCHARSET", "(US-ASCII UTF-8)"});
        co_return;
    }
    const bool modseq_key = uses_modseq(args.key);
    if (modseq_key) condstore_ = true;  // RFC 7162 3.1: SEARCH MODSEQ enables CONDSTORE
    std::vector<std::uint32_t> hit_seqs;
    MatchSink sink = [&](std::uint32_t seq, const store::Message&, const HeaderBytes&) {
        hit_seqs.push_back(seq);
    };
    const Status st = co_await scan_matches(args.key, sink);
    if (!st) {
        scan_failed(c, st.error());
        co_return;
    }
    std::vector<std::uint32_t> hits;
    std::optional<std::uint64_t> highest;
    for (auto seq : hit_seqs) {
        const auto& m = map_.at(seq);
        hits.push_back(c.uid ? m.uid : seq);
        if (modseq_key && (!highest || m.modseq > *highest)) highest = m.modseq;
    }
    if (save) {
        // RFC 5182 2.4: with MIN and/or MAX but neither ALL nor COUNT, only
        // those are saved; otherwise the whole result is.
        const bool partial =
            (wants(*returns, SearchReturn::min) || wants(*returns, SearchReturn::max)) &&
            !wants(*returns, SearchReturn::all) && !wants(*returns, SearchReturn::count);
        for (std::size_t i = 0; i < hit_seqs.size(); ++i) {
            const bool edge = (i == 0 && wants(*returns, SearchReturn::min)) ||
                              (i + 1 == hit_seqs.size() && wants(*returns, SearchReturn::max));
            if (!partial || edge) saved_uids_.push_back(map_.at(hit_seqs[i]).uid);
        }
    }
    if (returns) {
        // RFC 5182 2.1: SAVE alone gets no ESEARCH response.
        const bool only_save = std::all_of(returns->begin(), returns->end(),
                                           [](SearchReturn r) { return r == SearchReturn::save; });
        if (!only_save) reply(esearch_line(c.tag, c.uid, *returns, hits, highest));
    } else {
        std::string line = "SEARCH";
        for (auto n : hits)
            line += " " + std::to_string(n);
        if (highest) line += " (MODSEQ " + std::to_string(*highest) + ")";
        reply(untagged(line));
    }
    ok(c, c.uid ? "UID SEARCH completed" : "SEARCH completed");
}

}  // namespace tern::imap
