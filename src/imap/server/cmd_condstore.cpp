// QRESYNC resynchronisation (RFC 7162 3.2.5.1 SELECT ... (QRESYNC ...) and
// 3.2.6 UID FETCH ... (CHANGEDSINCE n VANISHED)): which UIDs vanished since
// the client's modseq, and which messages changed.
//
// The store keeps a tombstone (uid, modseq) for every expunge, so VANISHED
// (EARLIER) is exact and the client's seq-match data (RFC 7162 3.2.5.2) is
// never needed to narrow it down; it is accepted and ignored.
#include <algorithm>

#include "base/log.hpp"
#include "imap/server/session.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {

std::vector<std::uint32_t> uids_in_set(const std::vector<std::uint32_t>& uids,
                                       const SequenceSet& set, std::uint32_t highest_uid) {
    // "*" is the highest UID the mailbox ever had among those we compare,
    // so "n:*" always reaches the newest expunged message.
    std::uint32_t max = highest_uid;
    for (auto u : uids)
        max = std::max(max, u);
    std::vector<std::uint32_t> out;
    for (auto u : uids)
        if (set.contains(u, max)) out.push_back(u);
    return out;
}

net::Task<void> Session::qresync_report(const QresyncParams& q) {
    const store::MailboxId id = selected_->id;
    Result<std::vector<std::uint32_t>> gone = fail(Errc::internal, "not run");
    std::function<void()> job = [&] { gone = deps_.store.expunged_since(id, q.modseq); };
    co_await run_job(job);
    if (!gone) {
        // The mailbox is selected already; the client can still resync the
        // slow way, so this is logged rather than failing the SELECT.
        log::warn("imap.qresync_failed")
            .kv("sid", conn_.session_id)
            .kv("error", gone.error().message);
        co_return;
    }
    const std::uint32_t highest = map_.empty() ? 0 : map_.at(map_.size()).uid;
    // RFC 7162 3.2.5.1: with known-uids, only those UIDs are reported gone.
    std::vector<std::uint32_t> vanished =
        q.known_uids ? uids_in_set(*gone, *q.known_uids, highest) : std::move(*gone);
    std::sort(vanished.begin(), vanished.end());
    if (!vanished.empty()) reply("* VANISHED (EARLIER) " + uid_set_text(vanished) + "\r\n");
    // RFC 7162 3.2.5.1: FETCH (UID FLAGS MODSEQ) for every message changed
    // (or added) since the client's modseq.
    for (std::uint32_t seq = 1; seq <= map_.size(); ++seq) {
        const auto& m = map_.at(seq);
        if (m.modseq > q.modseq) reply(fetch_flags_line(seq, m, true));
    }
}

}  // namespace tern::imap
