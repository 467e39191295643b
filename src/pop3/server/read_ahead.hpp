// ReadAhead: message bytes read from the store before RETR or TOP asks for
// them, so a client that downloads its maildrop in order costs one store job
// (one hop to a net::Blocking thread and back) per batch of messages instead
// of one per message (issue 5: sessions per second).
//
// The plan: when message n is asked for and not held, read n alone, unless
// the client reads in order (n is the message after the one asked for last,
// or the first access of the session is message 1): then also read the
// messages after n that are not marked deleted, while the batch stays within
// kBudget octets (by their wire sizes) and kMaxMessages messages. A message
// larger than kBudget is read alone. Held bytes that were not asked for in
// order are dropped at the next plan, so a session holds at most one batch
// (kBudget, or one message when it alone is larger).
//
// Message contents never change in the store (a blob is immutable), so bytes
// read early are the bytes a later read would give; a message expunged
// meanwhile by IMAP is still sent, as the session's snapshot of the maildrop
// (RFC 1939 8) lists it. A store error for a read-ahead message is not kept:
// that message is read again when asked for, and its error reported then.
//
// Not thread-safe: one per session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pop3/server/maildrop.hpp"

namespace tern::pop3 {

class ReadAhead {
  public:
    static constexpr uint64_t kBudget = 256 * 1024;
    static constexpr std::size_t kMaxMessages = 64;

    // The held bytes of message `number` (moved out), or nullopt. Either
    // way `number` counts as the message asked for last.
    std::optional<std::string> take(uint32_t number);
    // The message numbers to read in one store job for `number` (first in
    // the list), which take() did not hold; `messages` is the maildrop
    // (Maildrop::messages(), numbered from 1). Drops whatever is still held.
    std::vector<uint32_t> plan(const std::vector<MaildropMessage>& messages, uint32_t number);
    // Holds the bytes of a message read ahead by plan().
    void keep(uint32_t number, std::string bytes);

    std::size_t held() const { return held_.size(); }

  private:
    uint32_t last_ = 0;  // the message asked for last; 0: none yet
    std::vector<std::pair<uint32_t, std::string>> held_;
};

}  // namespace tern::pop3
