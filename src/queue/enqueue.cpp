#include "queue/enqueue.hpp"

#include <string_view>

#include "base/log.hpp"

namespace tern::queue {
namespace {

bool has_non_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80) return true;
    return false;
}

// An envelope address we can put in RCPT TO: local@domain with no spaces,
// brackets or control characters (the SMTP parser checked the full grammar
// for mail that came over SMTP; this guards the other ways in).
bool plain_address(std::string_view a) {
    auto at = a.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == a.size()) return false;
    for (unsigned char c : a)
        if (c <= 0x20 || c == 0x7f || c == '<' || c == '>') return false;
    return true;
}

}  // namespace

bool needs_smtputf8(const store::NewQueued& message) {
    if (has_non_ascii(message.sender)) return true;
    for (const auto& r : message.recipients)
        if (has_non_ascii(r.address)) return true;
    auto end = message.raw.find("\r\n\r\n");
    std::string_view header = std::string_view(message.raw)
                                  .substr(0, end == std::string::npos ? message.raw.size() : end);
    return has_non_ascii(header);
}

Result<store::QueueId> enqueue(store::Store& store, store::NewQueued message, int64_t now,
                               Wakeup* wakeup) {
    if (message.recipients.empty()) return fail(Errc::invalid, "no recipients to queue for");
    for (const auto& r : message.recipients)
        if (!plain_address(r.address)) return fail(Errc::invalid, "bad recipient: " + r.address);
    if (!message.sender.empty() && !plain_address(message.sender))
        return fail(Errc::invalid, "bad sender: " + message.sender);
    if (message.created_at == 0) message.created_at = now;
    if (message.next_attempt == 0) message.next_attempt = now;
    if (!message.smtputf8) message.smtputf8 = needs_smtputf8(message);
    auto id = store.enqueue(message);
    if (!id) return id.failure();
    log::info("queue.enqueued")
        .kv("qid", *id)
        .kv("from", message.sender.empty() ? "<>" : message.sender)
        .kv("rcpts", message.recipients.size())
        .kv("size", message.raw.size());
    if (wakeup != nullptr) wakeup->notify();
    return id;
}

}  // namespace tern::queue
