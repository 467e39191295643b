#include "pop3/server/maildrop.hpp"

#include "pop3/proto/multiline.hpp"
#include "store/normalize.hpp"

namespace tern::pop3 {

Result<Maildrop> Maildrop::load(store::Store& store, store::AccountId account) {
    auto inbox = store.find_mailbox(account, "INBOX");
    if (!inbox) return inbox.failure();
    auto list = store.list_messages(inbox->id);
    if (!list) return list.failure();
    Maildrop drop;
    drop.mailbox_ = inbox->id;
    drop.uid_validity_ = inbox->uid_validity;
    drop.messages_.reserve(list->size());
    for (const store::Message& m : *list) {
        MaildropMessage mm;
        mm.uid = m.uid;
        mm.blob = m.blob;
        // The store keeps the CRLF size since delivery: no message is read
        // at login (issue 5: sessions per second).
        mm.size = m.crlf_size;
        mm.seen = store::has_flag(m.flags, "\\Seen");
        drop.messages_.push_back(mm);
    }
    return drop;
}

MaildropMessage* Maildrop::find(uint32_t number) {
    if (number == 0 || number > messages_.size()) return nullptr;
    return &messages_[number - 1];
}

uint32_t Maildrop::live_count() const {
    uint32_t n = 0;
    for (const auto& m : messages_)
        n += m.deleted ? 0 : 1;
    return n;
}

uint64_t Maildrop::live_size() const {
    uint64_t n = 0;
    for (const auto& m : messages_)
        n += m.deleted ? 0 : m.size;
    return n;
}

std::string Maildrop::unique_id(const MaildropMessage& m) const {
    // RFC 1939 7: 1 to 70 characters from 0x21 to 0x7E.
    return std::to_string(uid_validity_) + "." + std::to_string(m.uid);
}

void Maildrop::undelete_all() {
    for (auto& m : messages_) {
        m.deleted = false;
        m.retrieved = false;
    }
}

std::vector<uint32_t> Maildrop::to_expunge(bool delete_retrieved) const {
    std::vector<uint32_t> uids;
    for (const auto& m : messages_)
        if (m.deleted || (delete_retrieved && m.retrieved)) uids.push_back(m.uid);
    return uids;
}

}  // namespace tern::pop3
