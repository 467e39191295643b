// Maildrop: the snapshot of an account's INBOX a POP3 session works on
// (RFC 1939 8: message numbers are fixed for the whole session; messages
// that arrive later are not seen until the next login).
//
// Sizes are the octet counts as sent (RFC 1939 5 and 11): line ends CRLF,
// before byte-stuffing. A message stored with bare LFs is longer on the wire
// than in the store; the store records that CRLF size at delivery, so load()
// reads the message list only, never a message.
//
// Unique ids (RFC 1939 7, UIDL): "<uidvalidity>.<uid>" of the INBOX, stable
// across sessions and across IMAP activity, never reused (the store's UIDs
// strictly increase; a new UIDVALIDITY gives new ids).
//
// Deletion is only marked here; the session expunges at QUIT (UPDATE state).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "store/store.hpp"

namespace tern::pop3 {

struct MaildropMessage {
    uint32_t uid = 0;
    store::BlobId blob = 0;
    uint64_t size = 0;  // octets on the wire, before stuffing
    bool deleted = false;
    bool retrieved = false;  // sent whole by RETR
    bool seen = false;       // \Seen in the store at login
};

class Maildrop {
  public:
    // Blocking (the store): run it on net::Blocking. not_found if the
    // account has no INBOX; store errors are passed on.
    static Result<Maildrop> load(store::Store& store, store::AccountId account);

    store::MailboxId mailbox() const { return mailbox_; }
    // Message numbers run from 1 to size(), deleted ones included.
    uint32_t size() const { return static_cast<uint32_t>(messages_.size()); }
    // nullptr when the number is out of range.
    MaildropMessage* find(uint32_t number);
    const std::vector<MaildropMessage>& messages() const { return messages_; }

    uint32_t live_count() const;  // not marked deleted
    uint64_t live_size() const;
    std::string unique_id(const MaildropMessage& m) const;
    void undelete_all();  // RSET
    // UIDs to remove at QUIT: marked deleted, and retrieved when
    // delete_retrieved is set.
    std::vector<uint32_t> to_expunge(bool delete_retrieved) const;

  private:
    store::MailboxId mailbox_ = 0;
    uint32_t uid_validity_ = 0;
    std::vector<MaildropMessage> messages_;
};

}  // namespace tern::pop3
