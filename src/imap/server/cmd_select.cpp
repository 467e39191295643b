// The selected state: SELECT and EXAMINE (RFC 9051 6.3.2, 6.3.3), CLOSE
// (6.4.1), UNSELECT (RFC 3691), EXPUNGE (6.4.3), UID EXPUNGE (RFC 4315 2.1)
// and CHECK (RFC 3501 6.4.1), with the CONDSTORE/QRESYNC parameters of
// SELECT (RFC 7162 3.1.8, 3.2.5) and the IMAP4rev2 SELECT responses.
#include <algorithm>
#include <set>

#include "base/log.hpp"
#include "imap/server/list_match.hpp"
#include "imap/server/session.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {

void Session::unselect() {
    selected_.reset();
    saved_uids_.clear();  // RFC 5182 2.1: "$" does not outlive the mailbox
    map_.reset({});
    read_only_ = false;
    if (state_ == State::selected) state_ = State::authenticated;
}

net::Task<void> Session::cmd_select(const Command& c) {
    const auto& args = std::get<SelectArgs>(c.args);
    if (args.qresync && !qresync_) {
        // RFC 7162 3.2.5: QRESYNC parameters need ENABLE QRESYNC first.
        bad(c, "QRESYNC is not enabled");
        co_return;
    }
    if (args.condstore) condstore_ = true;  // RFC 7162 3.1.8
    const bool examine = c.name == CommandName::examine;
    if (state_ == State::selected) {
        // RFC 9051 7.1: CLOSED tells the client the old mailbox is gone
        // before anything about the new one arrives.
        unselect();
        reply(
            untagged_status(Condition::ok, "previous mailbox closed", ResponseCode{"CLOSED", ""}));
    }
    const store::AccountId account = account_->id;
    Result<store::Mailbox> box = fail(Errc::internal, "not run");
    Result<std::vector<store::Message>> messages = fail(Errc::internal, "not run");
    bool has_children = false;
    std::function<void()> job = [&] {
        box = deps_.store.find_mailbox(account, args.mailbox);
        if (box) messages = deps_.store.list_messages(box->id);
        if (box && rev2_) {
            // For the LIST response of an IMAP4rev2 SELECT (RFC 9051 6.3.2).
            auto all = deps_.store.list_mailboxes(account);
            const std::string prefix = box->name + std::string(1, kDelimiter);
            if (all)
                for (const auto& b : *all)
                    if (b.name.starts_with(prefix)) has_children = true;
        }
    };
    changed_->store(false);
    co_await run_job(job);
    if (!box) {
        mailbox_failed(c, box.error());  // RFC 9051 6.3.2: no mailbox stays selected
        co_return;
    }
    if (!messages) {
        store_failed(c, messages.error());
        co_return;
    }
    std::set<std::string> keywords;
    std::uint32_t first_unseen = 0;
    for (std::size_t i = 0; i < messages->size(); ++i) {
        const auto& m = (*messages)[i];
        for (const auto& f : m.flags)
            if (!f.empty() && f[0] != '\\') keywords.insert(f);
        if (!first_unseen && !has_flag(m.flags, "\\Seen"))
            first_unseen = static_cast<std::uint32_t>(i + 1);
    }
    std::uint32_t uid_next = box->uid_next;
    if (!messages->empty() && messages->back().uid >= uid_next) uid_next = messages->back().uid + 1;
    map_.reset(std::move(*messages));
    selected_ = *box;
    read_only_ = examine;
    state_ = State::selected;

    std::vector<std::string> flags = system_flags();
    flags.insert(flags.end(), keywords.begin(), keywords.end());
    // RFC 9051 6.3.2 / RFC 3501 6.3.1: the required untagged responses.
    reply(untagged("FLAGS " + flag_list(flags)));
    reply(untagged(std::to_string(map_.size()) + " EXISTS"));
    if (rev2_) {
        // RFC 9051 6.3.2: a LIST response with the mailbox's attributes
        // instead of RECENT and UNSEEN, which IMAP4rev2 dropped (Appendix E).
        std::vector<std::string> attrs = {has_children ? "\\HasChildren" : "\\HasNoChildren"};
        if (!box->special_use.empty()) attrs.push_back(box->special_use);
        std::string line = "LIST " + flag_list(attrs) + " \"/\" ";
        append_mailbox(line, box->name, true);
        reply(untagged(line));
    } else {
        reply(untagged("0 RECENT"));  // RFC 3501 7.3.2; \Recent is not kept
    }
    if (first_unseen && !rev2_)
        reply(untagged_status(Condition::ok, "first unseen",
                              ResponseCode{"UNSEEN", std::to_string(first_unseen)}));
    reply(untagged_status(Condition::ok, "UIDs valid",
                          ResponseCode{"UIDVALIDITY", std::to_string(box->uid_validity)}));
    reply(untagged_status(Condition::ok, "predicted next UID",
                          ResponseCode{"UIDNEXT", std::to_string(uid_next)}));
    reply(untagged_status(Condition::ok, "highest modseq",
                          ResponseCode{"HIGHESTMODSEQ", std::to_string(box->highest_modseq)}));
    // RFC 9051 7.1: \* says new keywords may be created.
    std::string permanent = flag_list(system_flags());
    permanent.insert(permanent.size() - 1, " \\*");  // RFC 9051 7.1: new keywords allowed
    reply(untagged_status(Condition::ok, examine ? "read-only mailbox" : "flags permitted",
                          ResponseCode{"PERMANENTFLAGS", examine ? "()" : permanent}));
    if (args.qresync && args.qresync->uidvalidity == box->uid_validity)
        co_await qresync_report(*args.qresync);
    log::info("imap.select")
        .kv("sid", conn_.session_id)
        .kv("mailbox", box->name)
        .kv("messages", map_.size())
        .kv("read_only", examine);
    ok(c, examine ? "EXAMINE completed" : "SELECT completed",
       ResponseCode{examine ? "READ-ONLY" : "READ-WRITE", ""});
}

// Expunges the messages (among `uids` when given) flagged \Deleted.
// Returns the store's error, if any.
Status Session::expunge_deleted(const std::optional<SequenceSet>& uids) {
    std::vector<std::uint32_t> doomed;
    const std::uint32_t max_uid = map_.empty() ? 0 : map_.at(map_.size()).uid;
    for (std::uint32_t seq = 1; seq <= map_.size(); ++seq) {
        const auto& m = map_.at(seq);
        if (!has_flag(m.flags, "\\Deleted")) continue;
        if (uids && uids->saved &&
            !std::binary_search(saved_uids_.begin(), saved_uids_.end(), m.uid))
            continue;
        if (uids && !uids->saved && !uids->contains(m.uid, max_uid)) continue;
        doomed.push_back(m.uid);
    }
    if (doomed.empty()) return {};
    auto r = deps_.store.expunge(selected_->id, doomed);
    if (!r) return r.failure();
    return {};
}

net::Task<void> Session::cmd_close(const Command& c) {
    if (!read_only_) {
        // RFC 9051 6.4.1: CLOSE expunges silently; no EXPUNGE responses.
        Status st;
        std::function<void()> job = [&] { st = expunge_deleted(std::nullopt); };
        co_await run_job(job);
        if (!st)
            log::warn("imap.close_expunge_failed")
                .kv("sid", conn_.session_id)
                .kv("error", st.error().message);
    }
    unselect();
    changed_->store(false);
    ok(c, "CLOSE completed");
}

net::Task<void> Session::cmd_unselect(const Command& c) {
    unselect();  // RFC 3691 2: like CLOSE, but nothing is expunged
    changed_->store(false);
    ok(c, "UNSELECT completed");
    co_return;
}

net::Task<void> Session::cmd_expunge(const Command& c) {
    if (read_only_) {
        no(c, "mailbox is read-only", ResponseCode{"READ-ONLY", ""});
        co_return;
    }
    const auto& args = std::get<ExpungeArgs>(c.args);
    if (c.uid && !args.uids) {
        bad(c, "UID EXPUNGE needs a UID set");
        co_return;
    }
    // The flags the client saw may be stale: refresh first so a \Deleted set
    // by another session counts, as the client's EXPUNGE means "now".
    std::string updates;
    co_await sync_into(updates, true);
    reply(updates);
    Status st;
    std::function<void()> job = [&] { st = expunge_deleted(args.uids); };
    co_await run_job(job);
    if (!st) {
        store_failed(c, st.error());
        co_return;
    }
    std::string expunged;
    co_await sync_into(expunged, true);
    reply(expunged);
    std::optional<ResponseCode> code;
    if (condstore_) {
        // RFC 7162: once CONDSTORE is on, the tagged OK of EXPUNGE carries
        // the mailbox's new HIGHESTMODSEQ, so the client's cache stays exact
        // without a STATUS.
        Result<store::Mailbox> box = fail(Errc::internal, "not run");
        const store::MailboxId id = selected_->id;
        std::function<void()> box_job = [&] { box = deps_.store.get_mailbox(id); };
        co_await run_job(box_job);
        if (box) code = ResponseCode{"HIGHESTMODSEQ", std::to_string(box->highest_modseq)};
    }
    ok(c, c.uid ? "UID EXPUNGE completed" : "EXPUNGE completed", code);
}

net::Task<void> Session::cmd_check(const Command& c) {
    // RFC 3501 6.4.1: every change is already durable (DESIGN.md rule 3);
    // CHECK is a NOOP that may carry updates.
    changed_->store(true);
    ok(c, "CHECK completed");
    co_return;
}

}  // namespace tern::imap
