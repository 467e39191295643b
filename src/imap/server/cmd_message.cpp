// Commands that change messages: APPEND (RFC 9051 6.3.12, MULTIAPPEND RFC
// 3502, APPENDUID RFC 4315 3), STORE (6.4.6), COPY (6.4.7), MOVE (RFC 6851)
// and their UID forms (6.4.9, COPYUID RFC 4315 3).
#include <algorithm>
#include <ctime>
#include <iterator>

#include "base/log.hpp"
#include "imap/server/session.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {

// RFC 4315 4: a uid-set, with consecutive UIDs folded into ranges.
std::string uid_set_text(const std::vector<std::uint32_t>& uids) {
    std::string out;
    for (std::size_t i = 0; i < uids.size();) {
        std::size_t j = i;
        while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1)
            ++j;
        if (!out.empty()) out += ',';
        out += std::to_string(uids[i]);
        if (j > i) out += ':' + std::to_string(uids[j]);
        i = j + 1;
    }
    return out;
}

bool Session::sequence_valid(const SequenceSet& set, bool uid) const {
    // RFC 5182 2.1: "$" is always valid; it may name no message at all.
    if (uid || set.saved) return true;
    // RFC 9051 6.4.8: a message number above the count is an error (BAD);
    // "*" is always valid, even in an empty mailbox it names nothing.
    for (const auto& r : set.ranges)
        if (r.first > map_.size() || r.last > map_.size()) return false;
    return true;
}

net::Task<void> Session::cmd_append(const Command& c) {
    const auto& args = std::get<AppendArgs>(c.args);
    std::vector<store::NewMessage> messages;
    for (const auto& m : args.messages) {
        store::NewMessage nm;
        store::NewMessage::Target target;
        for (const auto& f : m.flags) {
            auto flag = canonical_flag(f);
            if (!flag) {
                bad(c, flag.error().message);
                co_return;
            }
            target.flags.push_back(std::move(*flag));
        }
        if (m.data.empty()) {
            no(c, "empty message", ResponseCode{"CANNOT", ""});
            co_return;
        }
        nm.raw = m.data;
        nm.internal_date = m.internal_date ? to_unix(*m.internal_date) : std::time(nullptr);
        nm.targets.push_back(std::move(target));
        messages.push_back(std::move(nm));
    }
    const store::AccountId account = account_->id;
    Result<store::Mailbox> box = fail(Errc::internal, "not run");
    std::vector<std::uint32_t> uids;
    Status st;
    std::function<void()> job = [&] {
        box = deps_.store.find_mailbox(account, args.mailbox);
        if (!box) return;
        // Every message is stored (and synced) before the OK (DESIGN.md
        // rule 3), all in one transaction: RFC 3502 3 MULTIAPPEND is atomic.
        for (auto& m : messages)
            m.targets[0].mailbox = box->id;
        auto r = deps_.store.append_all(messages);
        if (!r) {
            st = r.failure();
            return;
        }
        for (const auto& one : *r)
            uids.push_back(one.at(0).uid);
    };
    co_await run_job(job);
    if (!box) {
        // RFC 9051 6.3.12: TRYCREATE tells the client it may create it.
        no(c, "no such mailbox", ResponseCode{"TRYCREATE", ""});
        co_return;
    }
    if (!st) {
        if (st.error().code == Errc::quota)
            no(c, "over quota", ResponseCode{"OVERQUOTA", ""});
        else
            store_failed(c, st.error());
        co_return;
    }
    log::info("imap.append")
        .kv("sid", conn_.session_id)
        .kv("mailbox", box->name)
        .kv("messages", uids.size());
    if (selected_ && selected_->id == box->id) {
        std::string updates;
        co_await sync_into(updates, true);
        reply(updates);
    }
    ok(c, "APPEND completed",
       ResponseCode{"APPENDUID", std::to_string(box->uid_validity) + " " + uid_set_text(uids)});
}

net::Task<void> Session::cmd_store(const Command& c) {
    const auto& args = std::get<StoreArgs>(c.args);
    if (!sequence_valid(args.set, c.uid)) {
        bad(c, "invalid message sequence number");
        co_return;
    }
    if (read_only_) {
        no(c, "mailbox is read-only", ResponseCode{"READ-ONLY", ""});
        co_return;
    }
    std::vector<std::string> flags;
    for (const auto& f : args.flags) {
        auto flag = canonical_flag(f);
        if (!flag) {
            bad(c, flag.error().message);
            co_return;
        }
        flags.push_back(std::move(*flag));
    }
    if (args.unchanged_since) condstore_ = true;  // RFC 7162 3.1
    std::vector<std::uint32_t> uids;
    for (auto seq : resolve(args.set, c.uid))
        if (!map_.vanished(seq)) uids.push_back(map_.at(seq).uid);
    const store::FlagOp op = args.mode == StoreMode::add      ? store::FlagOp::add
                             : args.mode == StoreMode::remove ? store::FlagOp::remove
                                                              : store::FlagOp::replace;
    Result<std::vector<store::Message>> after = std::vector<store::Message>{};
    std::vector<std::uint32_t> modified;  // UIDs that failed UNCHANGEDSINCE
    const store::MailboxId id = selected_->id;
    const auto since = args.unchanged_since;
    std::function<void()> job = [&] {
        if (since) {
            // RFC 7162 3.1.3: a message whose modseq is above UNCHANGEDSINCE
            // is left alone and reported in [MODIFIED]; the store checks
            // again inside its transaction, so a race only leaves a message
            // unchanged, never wrongly changed.
            auto later = deps_.store.changed_since(id, *since);
            if (!later) {
                after = later.failure();
                return;
            }
            for (const auto& m : *later)
                if (std::binary_search(uids.begin(), uids.end(), m.uid)) modified.push_back(m.uid);
            std::vector<std::uint32_t> rest;
            std::set_difference(uids.begin(), uids.end(), modified.begin(), modified.end(),
                                std::back_inserter(rest));
            uids = std::move(rest);
        }
        if (!uids.empty()) after = deps_.store.store_flags(id, uids, op, flags, since);
    };
    if (!uids.empty()) co_await run_job(job);
    if (!after) {
        store_failed(c, after.error());
        co_return;
    }
    for (auto& m : *after) {
        const std::uint32_t seq = map_.seq_of(m.uid);
        if (!seq) continue;
        const bool changed = m.modseq != map_.at(seq).modseq;
        map_.at(seq) = m;
        if (!args.silent) {
            // RFC 9051 6.4.6: the new flags, unless .SILENT; UID forms carry UID.
            reply(flags_update(seq, m));
        } else if (condstore_ && changed) {
            // RFC 7162 3.1.3: even with .SILENT the new MODSEQ is sent, so
            // the client's cache knows the message moved on.
            reply("* " + std::to_string(seq) + " FETCH (" +
                  (c.uid ? "UID " + std::to_string(m.uid) + " " : std::string()) + "MODSEQ (" +
                  std::to_string(m.modseq) + "))\r\n");
        }
    }
    std::optional<ResponseCode> code;
    if (!modified.empty()) {
        // RFC 7162 3.1.3: [MODIFIED set] names them by UID for UID STORE,
        // by message number otherwise.
        std::vector<std::uint32_t> names;
        for (auto uid : modified)
            names.push_back(c.uid ? uid : map_.seq_of(uid));
        std::sort(names.begin(), names.end());
        code = ResponseCode{"MODIFIED", uid_set_text(names)};
    }
    ok(c, c.uid ? "UID STORE completed" : "STORE completed", code);
}

net::Task<void> Session::cmd_copy(const Command& c) {
    const auto& args = std::get<CopyArgs>(c.args);
    const bool move = c.name == CommandName::move;
    const char* done = move ? (c.uid ? "UID MOVE completed" : "MOVE completed")
                            : (c.uid ? "UID COPY completed" : "COPY completed");
    if (!sequence_valid(args.set, c.uid)) {
        bad(c, "invalid message sequence number");
        co_return;
    }
    if (move && read_only_) {
        no(c, "mailbox is read-only", ResponseCode{"READ-ONLY", ""});
        co_return;
    }
    std::vector<std::uint32_t> uids;
    for (auto seq : resolve(args.set, c.uid))
        if (!map_.vanished(seq)) uids.push_back(map_.at(seq).uid);
    const store::AccountId account = account_->id;
    const store::MailboxId from = selected_->id;
    Result<store::Mailbox> to = fail(Errc::internal, "not run");
    Result<std::vector<std::pair<std::uint32_t, std::uint32_t>>> pairs =
        std::vector<std::pair<std::uint32_t, std::uint32_t>>{};
    std::function<void()> job = [&] {
        to = deps_.store.find_mailbox(account, args.mailbox);
        if (!to || uids.empty()) return;
        pairs = move ? deps_.store.move_messages(from, uids, to->id)
                     : deps_.store.copy_messages(from, uids, to->id);
    };
    co_await run_job(job);
    if (!to) {
        no(c, "no such mailbox", ResponseCode{"TRYCREATE", ""});  // RFC 9051 6.4.7
        co_return;
    }
    if (!pairs) {
        if (pairs.error().code == Errc::quota)
            no(c, "over quota", ResponseCode{"OVERQUOTA", ""});
        else
            store_failed(c, pairs.error());
        co_return;
    }
    std::optional<ResponseCode> copyuid;
    if (!pairs->empty()) {
        std::vector<std::uint32_t> src, dst;
        for (const auto& [s, d] : *pairs) {
            src.push_back(s);
            dst.push_back(d);
        }
        copyuid = ResponseCode{"COPYUID", std::to_string(to->uid_validity) + " " +
                                              uid_set_text(src) + " " + uid_set_text(dst)};
    }
    if (move) {
        // RFC 6851 4.3: COPYUID goes in an untagged OK before the EXPUNGEs.
        if (copyuid) reply(untagged_status(Condition::ok, "moved", copyuid));
        std::string updates;
        co_await sync_into(updates, true);
        reply(updates);
        ok(c, done);
        co_return;
    }
    if (to->id == from) {
        std::string updates;
        co_await sync_into(updates, true);
        reply(updates);
    }
    ok(c, done, copyuid);
}

}  // namespace tern::imap
