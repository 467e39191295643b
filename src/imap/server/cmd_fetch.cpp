// FETCH and UID FETCH (RFC 9051 6.4.5, 6.4.9): resolve the set, set \Seen
// where the items ask for it (read-write mailboxes only), render each
// message's data on a worker thread (fetch_render.hpp) and write
// "* n FETCH (...)" lines, flushing as the output grows so a large FETCH
// does not hold every message in memory at once.
#include "base/log.hpp"
#include "imap/server/fetch_render.hpp"
#include "imap/server/session.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {
namespace {
constexpr std::size_t kFlushAt = 256u << 10;
constexpr std::size_t kBatch = 64;
}  // namespace

net::Task<void> Session::cmd_fetch(const Command& c) {
    const auto& args = std::get<FetchArgs>(c.args);
    if (args.vanished && !qresync_) {
        bad(c, "VANISHED needs ENABLE QRESYNC");  // RFC 7162 3.2.6
        co_return;
    }
    if (!sequence_valid(args.set, c.uid)) {
        bad(c, "invalid message sequence number");
        co_return;
    }
    std::vector<FetchItem> items = args.items;
    bool has_uid = false;
    bool has_flags = false;
    bool has_modseq = false;
    for (const auto& i : items) {
        has_uid = has_uid || i.attr == FetchAttr::uid;
        has_flags = has_flags || i.attr == FetchAttr::flags;
        has_modseq = has_modseq || i.attr == FetchAttr::modseq;
    }
    // RFC 9051 6.4.9: UID FETCH always returns the UID.
    if (c.uid && !has_uid) items.insert(items.begin(), FetchItem{FetchAttr::uid, false, {}, {}});
    // RFC 7162 3.1: FETCH MODSEQ or CHANGEDSINCE enables CONDSTORE; RFC 7162
    // 3.1.4.1: CHANGEDSINCE implies the MODSEQ item.
    if (has_modseq || args.changed_since) condstore_ = true;
    if (args.changed_since && !has_modseq)
        items.push_back(FetchItem{FetchAttr::modseq, false, {}, {}});

    std::vector<std::uint32_t> seqs;
    for (auto seq : resolve(args.set, c.uid)) {
        if (map_.vanished(seq)) continue;
        // RFC 7162 3.1.4.1: only messages changed after the given modseq.
        if (args.changed_since && map_.at(seq).modseq <= *args.changed_since) continue;
        seqs.push_back(seq);
    }
    if (args.vanished) {
        // RFC 7162 3.2.6: the UIDs of the set expunged since CHANGEDSINCE,
        // as VANISHED (EARLIER), before the FETCH responses.
        Result<std::vector<std::uint32_t>> gone = fail(Errc::internal, "not run");
        const store::MailboxId id = selected_->id;
        const std::uint64_t since = *args.changed_since;
        std::function<void()> job = [&] { gone = deps_.store.expunged_since(id, since); };
        co_await run_job(job);
        if (!gone) {
            store_failed(c, gone.error());
            co_return;
        }
        const std::uint32_t highest = map_.empty() ? 0 : map_.at(map_.size()).uid;
        auto vanished =
            args.set.saved ? std::vector<std::uint32_t>{} : uids_in_set(*gone, args.set, highest);
        if (!vanished.empty()) reply("* VANISHED (EARLIER) " + uid_set_text(vanished) + "\r\n");
    }

    // RFC 9051 6.4.5: BODY[...] without .PEEK sets \Seen; the new flags are
    // reported in the same FETCH response.
    const bool mark_seen = sets_seen(items) && !read_only_;
    if (mark_seen) {
        std::vector<std::uint32_t> unseen;
        for (auto seq : seqs)
            if (!has_flag(map_.at(seq).flags, "\\Seen")) unseen.push_back(map_.at(seq).uid);
        if (!unseen.empty()) {
            Result<std::vector<store::Message>> after = fail(Errc::internal, "not run");
            const store::MailboxId id = selected_->id;
            const std::vector<std::string> seen = {"\\Seen"};
            std::function<void()> job = [&] {
                after = deps_.store.store_flags(id, unseen, store::FlagOp::add, seen, std::nullopt);
            };
            co_await run_job(job);
            if (!after) {
                store_failed(c, after.error());
                co_return;
            }
            for (auto& m : *after)
                if (auto seq = map_.seq_of(m.uid)) map_.at(seq) = m;
            if (!has_flags) items.push_back(FetchItem{FetchAttr::flags, false, {}, {}});
        }
    }

    // Messages are rendered in batches, one worker job each, so a FETCH of
    // many small messages pays one thread hop per batch instead of one per
    // message; a batch ends at kBatch messages or kFlushAt bytes of output.
    const bool store_needed = needs_store(items);
    std::size_t next = 0;
    bool expunge_issued = false;
    while (next < seqs.size()) {
        const std::size_t first = next;
        std::vector<store::Message> batch;
        for (; next < seqs.size() && batch.size() < kBatch; ++next)
            batch.push_back(map_.at(seqs[next]));
        std::vector<Result<std::string>> rendered;
        std::vector<bool> expunged;
        if (store_needed) {
            std::size_t done = 0;
            const bool wants_view = any_view_item(items);
            std::function<void()> job = [&] {
                // One read for the whole batch's views (message_view.hpp).
                std::vector<std::string> views;
                if (wants_view) {
                    std::vector<store::BlobId> blobs;
                    for (const auto& m : batch)
                        blobs.push_back(m.blob);
                    auto read = deps_.store.read_views(blobs);
                    if (read) views = std::move(*read);
                }
                std::size_t bytes = 0;
                for (; done < batch.size() && bytes < kFlushAt; ++done) {
                    MessageSource source =
                        views.empty() ? MessageSource(deps_.store, batch[done].blob)
                                      : MessageSource(deps_.store, batch[done].blob, views[done]);
                    rendered.push_back(render_fetch(items, batch[done], &source));
                    expunged.push_back(source.gone());
                    if (rendered.back()) bytes += rendered.back()->size();
                }
            };
            co_await run_job(job);
            next -= batch.size() - done;  // the rest goes into the next batch
        } else {
            for (const auto& m : batch)
                rendered.push_back(render_fetch(items, m, nullptr));
            expunged.assign(rendered.size(), false);
        }
        for (std::size_t i = 0; i < rendered.size(); ++i) {
            auto& data = rendered[i];
            if (!data && expunged[i]) {
                expunge_issued = true;  // RFC 2180 4.1.2: no data, NO at the end
                continue;
            }
            if (!data) {
                if (data.error().code == Errc::invalid) {
                    // RFC 3516 4.3: the part's encoding cannot be undone.
                    no(c, data.error().message, ResponseCode{"UNKNOWN-CTE", ""});
                    co_return;
                }
                store_failed(c, data.error());
                co_return;
            }
            reply("* " + std::to_string(seqs[first + i]) + " FETCH (" + *data + ")\r\n");
        }
        if (out_.size() >= kFlushAt && !co_await flush()) {
            state_ = State::logout;
            co_return;
        }
    }
    if (expunge_issued) {
        // RFC 5530 3: the client should NOOP to learn of the EXPUNGE.
        no(c, "some of the requested messages no longer exist", ResponseCode{"EXPUNGEISSUED", ""});
        co_return;
    }
    ok(c, c.uid ? "UID FETCH completed" : "FETCH completed");
}

}  // namespace tern::imap
