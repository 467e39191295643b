// AnswerCache: a bounded, TTL-respecting cache of DNS answers, keyed by
// (normalized name, type). Not thread-safe: one per resolver (per thread).
//
// Promises:
//   - get() returns an answer only before its TTL has run out, with `ttl`
//     lowered to the seconds that remain (RFC 1035 3.2.1, RFC 2181 8);
//   - negative answers (NXDOMAIN, NODATA) are cached for their RFC 2308 5
//     negative TTL, as the parser computed it into Answer::ttl;
//   - SERVFAIL and timeouts are never cached (RFC 2308 7 allows a short
//     cache; a mail server prefers retrying), nor are TTL-0 answers;
//   - at most `capacity` entries: the least recently used one is evicted.
// Time is passed in, so tests need no sleeping.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "dns/records.hpp"

namespace tern::dns {

class AnswerCache {
  public:
    using Clock = std::chrono::steady_clock;

    explicit AnswerCache(std::size_t capacity) : capacity_(capacity) {}

    std::optional<Answer> get(const Question& question, Clock::time_point now);
    void put(const Question& question, const Answer& answer, Clock::time_point now);

    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        std::string key;
        Answer answer;
        Clock::time_point expires;
    };
    using List = std::list<Entry>;

    static std::string key_of(const Question& question);

    std::size_t capacity_;
    List lru_;  // most recently used first
    std::unordered_map<std::string, List::iterator> entries_;
};

}  // namespace tern::dns
