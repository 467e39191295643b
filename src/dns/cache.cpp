#include "dns/cache.hpp"

#include "dns/packet.hpp"

namespace tern::dns {

std::string AnswerCache::key_of(const Question& question) {
    return std::to_string(static_cast<unsigned>(question.type)) + ' ' +
           normalize_name(question.name);
}

std::optional<Answer> AnswerCache::get(const Question& question, Clock::time_point now) {
    auto it = entries_.find(key_of(question));
    if (it == entries_.end()) return std::nullopt;
    auto entry = it->second;
    if (now >= entry->expires) {
        lru_.erase(entry);
        entries_.erase(it);
        return std::nullopt;
    }
    lru_.splice(lru_.begin(), lru_, entry);
    Answer answer = entry->answer;
    // RFC 1035 3.2.1: a cached record's TTL counts down while it is held.
    auto left = std::chrono::duration_cast<std::chrono::seconds>(entry->expires - now).count();
    answer.ttl = static_cast<std::uint32_t>(left);
    return answer;
}

void AnswerCache::put(const Question& question, const Answer& answer, Clock::time_point now) {
    if (capacity_ == 0 || answer.ttl == 0) return;
    if (answer.rcode != Rcode::noerror && answer.rcode != Rcode::nxdomain) return;
    std::string key = key_of(question);
    if (auto it = entries_.find(key); it != entries_.end()) {
        lru_.erase(it->second);
        entries_.erase(it);
    }
    while (entries_.size() >= capacity_ && !lru_.empty()) {
        entries_.erase(lru_.back().key);
        lru_.pop_back();
    }
    lru_.push_front(Entry{key, answer, now + std::chrono::seconds(answer.ttl)});
    entries_.emplace(std::move(key), lru_.begin());
}

}  // namespace tern::dns
