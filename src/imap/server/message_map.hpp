// MessageMap: the selected mailbox as one session sees it: its messages in
// UID order, numbered 1..n (RFC 9051 2.3.1.2 message sequence numbers), and
// the untagged updates owed to the client when the store has moved on.
//
// Pure: no store, no I/O. The session loads a fresh message list from the
// store and calls reconcile(), which brings the map up to date and returns
// what to tell the client:
//  - expunged: sequence numbers to send as "* n EXPUNGE", highest first, so
//    each number is right at the moment it is sent (RFC 9051 7.5.1: every
//    EXPUNGE renumbers the messages after it);
//  - exists: the new message count when messages were added (RFC 9051 7.4.1);
//  - changed: sequence numbers (after expunges) whose flags changed, for
//    "* n FETCH (FLAGS ...)" (RFC 9051 7.5.2).
// When expunges may not be sent (RFC 3501 7.4.1 / RFC 9051 7.5.1: not during
// FETCH, STORE or SEARCH), reconcile(fresh, false) keeps the vanished
// messages in the map so numbers stay stable; they are reported later.
//
// expunged_uids names the same messages by UID, for VANISHED (RFC 7162
// 3.2.10).
// resolve() turns a sequence set into sequence numbers (ascending, unique),
// reading it as UIDs for UID commands; "*" is the largest number in use
// (RFC 9051 6.4.8 / 9). An empty mailbox resolves every set to nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "imap/proto/sequence_set.hpp"
#include "store/store.hpp"

namespace tern::imap {

struct MapUpdates {
    std::vector<std::uint32_t> expunged;       // highest first
    std::vector<std::uint32_t> expunged_uids;  // the same messages' UIDs, ascending
    std::optional<std::uint32_t> exists;
    std::vector<std::uint32_t> changed;  // ascending
};

class MessageMap {
  public:
    void reset(std::vector<store::Message> messages);
    std::uint32_t size() const { return static_cast<std::uint32_t>(messages_.size()); }
    bool empty() const { return messages_.empty(); }

    // seq is 1-based and must be in 1..size().
    const store::Message& at(std::uint32_t seq) const { return messages_[seq - 1]; }
    store::Message& at(std::uint32_t seq) { return messages_[seq - 1]; }
    // The sequence number of a UID, 0 when it is not in the map.
    std::uint32_t seq_of(std::uint32_t uid) const;
    // Whether the message was seen gone by a reconcile that could not
    // announce it yet.
    bool vanished(std::uint32_t seq) const;
    bool has_vanished() const;

    std::vector<std::uint32_t> resolve(const SequenceSet& set, bool uid) const;
    // The sequence numbers of the listed UIDs (ascending; UIDs not in the
    // map are skipped): how "$" (RFC 5182) is resolved.
    std::vector<std::uint32_t> resolve_uids(const std::vector<std::uint32_t>& uids) const;
    MapUpdates reconcile(std::vector<store::Message> fresh, bool allow_expunge);

  private:
    std::vector<store::Message> messages_;  // UID order
    std::vector<bool> vanished_;            // parallel to messages_
};

}  // namespace tern::imap
