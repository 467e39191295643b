#include "imap/server/message_map.hpp"

#include <algorithm>

namespace tern::imap {

void MessageMap::reset(std::vector<store::Message> messages) {
    messages_ = std::move(messages);
    vanished_.assign(messages_.size(), false);
}

std::uint32_t MessageMap::seq_of(std::uint32_t uid) const {
    auto it = std::lower_bound(messages_.begin(), messages_.end(), uid,
                               [](const store::Message& m, std::uint32_t u) { return m.uid < u; });
    if (it == messages_.end() || it->uid != uid) return 0;
    return static_cast<std::uint32_t>(it - messages_.begin()) + 1;
}

bool MessageMap::vanished(std::uint32_t seq) const {
    return seq >= 1 && seq <= vanished_.size() && vanished_[seq - 1];
}

bool MessageMap::has_vanished() const {
    for (bool v : vanished_)
        if (v) return true;
    return false;
}

std::vector<std::uint32_t> MessageMap::resolve(const SequenceSet& set, bool uid) const {
    std::vector<std::uint32_t> out;
    if (messages_.empty()) return out;
    if (!uid) {
        const auto n = size();
        for (std::uint32_t seq = 1; seq <= n; ++seq)
            if (set.contains(seq, n)) out.push_back(seq);
        return out;
    }
    // RFC 9051 6.4.9: UIDs in the set that do not exist are ignored; "*" is
    // the highest UID in the mailbox, so "UID n:*" always includes it.
    const std::uint32_t max_uid = messages_.back().uid;
    for (std::uint32_t i = 0; i < messages_.size(); ++i)
        if (set.contains(messages_[i].uid, max_uid)) out.push_back(i + 1);
    return out;
}

std::vector<std::uint32_t> MessageMap::resolve_uids(const std::vector<std::uint32_t>& uids) const {
    std::vector<std::uint32_t> out;
    for (auto uid : uids)
        if (auto seq = seq_of(uid)) out.push_back(seq);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

MapUpdates MessageMap::reconcile(std::vector<store::Message> fresh, bool allow_expunge) {
    MapUpdates up;
    std::vector<store::Message> merged;
    std::vector<bool> merged_vanished;
    merged.reserve(std::max(fresh.size(), messages_.size()));
    std::size_t i = 0;  // old
    std::size_t j = 0;  // fresh
    std::uint32_t old_seq = 0;
    std::vector<std::uint32_t> changed_uids;
    // Both lists are in UID order; walk them together.
    while (i < messages_.size()) {
        ++old_seq;
        store::Message& old = messages_[i];
        while (j < fresh.size() && fresh[j].uid < old.uid)
            ++j;  // not ours: new ones come later
        if (j < fresh.size() && fresh[j].uid == old.uid) {
            if (fresh[j].modseq != old.modseq || fresh[j].flags != old.flags)
                changed_uids.push_back(old.uid);
            merged.push_back(std::move(fresh[j]));
            merged_vanished.push_back(false);
            ++j;
        } else if (allow_expunge) {
            up.expunged.push_back(old_seq);
            up.expunged_uids.push_back(old.uid);
        } else {
            merged.push_back(std::move(old));
            merged_vanished.push_back(true);
        }
        ++i;
    }
    // Messages above the highest UID we knew are new (UIDs only grow, RFC
    // 9051 2.3.1.1); anything below it that we never saw cannot appear.
    const std::uint32_t last_uid = messages_.empty() ? 0 : messages_.back().uid;
    bool added = false;
    for (auto& m : fresh) {
        if (m.uid > last_uid && m.uid != 0) {
            merged.push_back(std::move(m));
            merged_vanished.push_back(false);
            added = true;
        }
    }
    std::reverse(up.expunged.begin(), up.expunged.end());
    messages_ = std::move(merged);
    vanished_ = std::move(merged_vanished);
    for (auto uid : changed_uids)
        if (auto seq = seq_of(uid)) up.changed.push_back(seq);
    if (added || !up.expunged.empty()) up.exists = size();
    if (!added) up.exists.reset();
    return up;
}

}  // namespace tern::imap
