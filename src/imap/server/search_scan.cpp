// The scan behind SEARCH, SORT and THREAD (session.hpp scan_matches()):
// every message of the selected mailbox against the search key, on one
// worker job. Cheap keys use the message map; header keys read the stored
// header block (message_view.hpp) before ever reading a whole message;
// BODY and TEXT are answered for the whole mailbox by the store's full-text
// index (one query per distinct key), and only messages the index has not
// reached yet are decoded and compared here.
#include <algorithm>
#include <ctime>
#include <map>

#include "imap/server/fetch_render.hpp"
#include "imap/server/search_eval.hpp"
#include "imap/server/session.hpp"

namespace tern::imap {
namespace {

using TextKey = std::pair<bool, std::string>;  // (TEXT rather than BODY, needle)

void collect_text_keys(const SearchKey& key, std::vector<TextKey>& out) {
    if (key.type == SearchKeyType::body || key.type == SearchKeyType::text)
        out.emplace_back(key.type == SearchKeyType::text, key.value);
    for (const auto& child : key.children)
        collect_text_keys(child, out);
}

bool contains(const std::vector<std::uint32_t>& sorted, std::uint32_t uid) {
    return std::binary_search(sorted.begin(), sorted.end(), uid);
}

}  // namespace

net::Task<Status> Session::scan_matches(const SearchKey& key, const MatchSink& matched) {
    Status st;
    const std::uint32_t max_seq = map_.size();
    const std::uint32_t max_uid = map_.empty() ? 0 : map_.at(map_.size()).uid;
    const std::vector<std::uint32_t> saved = saved_uids_;
    const std::int64_t now = std::time(nullptr);
    const store::MailboxId mailbox = selected_->id;
    std::vector<TextKey> text_keys;
    collect_text_keys(key, text_keys);
    std::function<void()> job = [&] {
        std::map<TextKey, store::TextMatches> answers;
        for (const auto& k : text_keys) {
            if (answers.count(k)) continue;
            auto found = deps_.store.search_text(
                mailbox, k.first ? store::TextScope::all : store::TextScope::body, k.second);
            if (!found) {
                st = found.failure();
                return;
            }
            answers.emplace(k, std::move(*found));
        }
        for (std::uint32_t seq = 1; seq <= max_seq; ++seq) {
            if (map_.vanished(seq)) continue;
            const store::Message& m = map_.at(seq);
            MessageSource source(deps_.store, m.blob);
            std::optional<std::string> header;
            const auto raw = [&]() -> const std::string* {
                auto r = source.raw();
                return r ? *r : nullptr;
            };
            SearchContext ctx;
            ctx.seq = seq;
            ctx.max_seq = max_seq;
            ctx.max_uid = max_uid;
            ctx.now = now;
            ctx.saved = &saved;
            ctx.raw = raw;
            ctx.header = [&]() -> const std::string* {
                if (!header) {
                    auto h = source.header();
                    if (!h) return nullptr;
                    header.emplace(*h);
                }
                return &*header;
            };
            ctx.text = [&](const SearchKey& k) -> Result<bool> {
                const bool whole = k.type == SearchKeyType::text;
                const auto& answer = answers.at(TextKey{whole, k.value});
                if (contains(answer.uids, m.uid)) return true;
                if (!contains(answer.unindexed, m.uid)) return false;
                const std::string* bytes = raw();
                if (!bytes) return fail(Errc::io, "message unreadable");
                return text_contains(*bytes, whole, k.value);
            };
            auto r = search_matches(key, m, ctx);
            // RFC 2180 4.1: a message another session expunged matches nothing.
            if (!r && source.gone()) continue;
            if (!r) {
                st = r.failure();
                return;
            }
            if (*r) matched(seq, m, ctx.header);
        }
    };
    co_await run_job(job);
    co_return st;
}

void Session::scan_failed(const Command& c, const Error& e) {
    if (e.code == Errc::denied)
        no(c, e.message, ResponseCode{"CANNOT", ""});
    else if (e.code == Errc::invalid)
        bad(c, e.message);
    else
        store_failed(c, e);
}

}  // namespace tern::imap
