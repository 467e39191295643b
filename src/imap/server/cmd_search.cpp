// SEARCH and UID SEARCH (RFC 9051 6.4.4, RFC 3501 6.4.4): the matching is
// search_eval.hpp; this file runs it over the selected mailbox on a worker
// thread and writes "* SEARCH n ..." (RFC 3501 7.2.5). ESEARCH (RFC 4731
// RETURN) is not offered, so RETURN is refused.
#include <ctime>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "imap/server/search_eval.hpp"
#include "imap/server/session.hpp"

namespace tern::imap {

net::Task<void> Session::cmd_search(const Command& c) {
    const auto& args = std::get<SearchArgs>(c.args);
    if (args.returns) {
        bad(c, "SEARCH RETURN (ESEARCH) is not supported");
        co_return;
    }
    // RFC 9051 6.4.4: US-ASCII and UTF-8 must be accepted; anything else
    // gets BADCHARSET with the list we know (RFC 9051 7.1).
    if (args.charset && !iequals(*args.charset, "UTF-8") && !iequals(*args.charset, "US-ASCII")) {
        no(c, "unsupported charset", ResponseCode{"BADCHARSET", "(US-ASCII UTF-8)"});
        co_return;
    }
    std::vector<std::uint32_t> hits;
    Status st;
    const std::uint32_t max_seq = map_.size();
    const std::uint32_t max_uid = map_.empty() ? 0 : map_.at(map_.size()).uid;
    std::function<void()> job = [&] {
        for (std::uint32_t seq = 1; seq <= max_seq; ++seq) {
            if (map_.vanished(seq)) continue;
            const store::Message& m = map_.at(seq);
            std::optional<std::string> raw;
            bool raw_failed = false;
            SearchContext ctx;
            ctx.seq = seq;
            ctx.max_seq = max_seq;
            ctx.max_uid = max_uid;
            ctx.now = std::time(nullptr);
            ctx.raw = [&]() -> const std::string* {
                if (!raw && !raw_failed) {
                    auto r = deps_.store.read_blob(m.blob);
                    if (r)
                        raw = std::move(*r);
                    else
                        raw_failed = true;
                }
                return raw ? &*raw : nullptr;
            };
            auto r = search_matches(args.key, m, ctx);
            if (!r) {
                st = r.failure();
                return;
            }
            if (*r) hits.push_back(c.uid ? m.uid : seq);
        }
    };
    co_await run_job(job);
    if (!st) {
        if (st.error().code == Errc::denied)
            no(c, st.error().message, ResponseCode{"CANNOT", ""});
        else if (st.error().code == Errc::invalid)
            bad(c, st.error().message);
        else
            store_failed(c, st.error());
        co_return;
    }
    std::string line = "SEARCH";
    for (auto n : hits)
        line += " " + std::to_string(n);
    reply(untagged(line));
    ok(c, c.uid ? "UID SEARCH completed" : "SEARCH completed");
}

}  // namespace tern::imap
