#include "pop3/server/read_ahead.hpp"

namespace tern::pop3 {

std::optional<std::string> ReadAhead::take(uint32_t number) {
    last_ = number;
    for (auto it = held_.begin(); it != held_.end(); ++it) {
        if (it->first != number) continue;
        std::optional<std::string> bytes = std::move(it->second);
        held_.erase(it);
        return bytes;
    }
    return std::nullopt;
}

std::vector<uint32_t> ReadAhead::plan(const std::vector<MaildropMessage>& all, uint32_t number) {
    // What is still held was read for a sequential download the client left:
    // it would only grow the session's memory.
    held_.clear();
    const bool in_order = number == last_ + 1;
    last_ = number;
    std::vector<uint32_t> numbers{number};
    if (!in_order) return numbers;
    if (number == 0 || number > all.size()) return numbers;
    uint64_t octets = all[number - 1].size;
    for (std::size_t i = number; i < all.size() && numbers.size() < kMaxMessages; ++i) {
        if (all[i].deleted) continue;  // RFC 1939 5: may not be asked for
        if (octets + all[i].size > kBudget) break;
        octets += all[i].size;
        numbers.push_back(static_cast<uint32_t>(i + 1));
    }
    return numbers;
}

void ReadAhead::keep(uint32_t number, std::string bytes) {
    held_.emplace_back(number, std::move(bytes));
}

}  // namespace tern::pop3
