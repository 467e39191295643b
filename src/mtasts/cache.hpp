// PolicyCache: the MTA-STS policies a sender remembers (RFC 8461 5.1).
//
// A cached policy is what protects a domain when an attacker removes its
// TXT record or blocks the HTTPS fetch (RFC 8461 10.2): so the cache is
// kept on disk and survives restarts. Each entry is valid until
// fetched_at + max_age; get() never returns an expired entry.
//
// Thread-safe: any thread may call get() and put(). Domains are keys in
// canonical form (lower case, no trailing dot).
//
// Persistence: when constructed with a file path, the cache loads that file
// (a JSON document, Boost.JSON) and rewrites it after every put(): the new
// content goes to "<path>.tmp", is fsync'd, then renamed over the file, so a
// crash leaves the old file or the new one, never half of one. A missing
// file is an empty cache; a corrupt file (or a corrupt entry in it) is
// logged and ignored. A failed write is logged; the in-memory cache still
// has the entry. An empty path keeps everything in memory only.
//
// Size: at most max_entries domains; past that the entry expiring soonest
// is dropped, so hostile domains cannot grow the cache without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "mtasts/policy.hpp"

namespace tern::mtasts {

class PolicyCache {
  public:
    struct Entry {
        std::string domain;
        std::string id;  // the TXT record's id the policy was fetched under (RFC 8461 3.1)
        Policy policy;
        int64_t fetched_at = 0;  // Unix seconds
        int64_t expires_at = 0;  // fetched_at + policy.max_age
        bool operator==(const Entry&) const = default;
    };

    explicit PolicyCache(std::string path = {}, std::size_t max_entries = 100000);
    PolicyCache(const PolicyCache&) = delete;
    PolicyCache& operator=(const PolicyCache&) = delete;

    // The entry for domain when now < expires_at.
    std::optional<Entry> get(std::string_view domain, int64_t now) const;
    // Stores (or replaces) the domain's policy, fetched at `now`; drops
    // expired entries; writes the file when there is one.
    void put(std::string_view domain, std::string id, Policy policy, int64_t now);
    std::size_t size() const;
    const std::string& path() const { return path_; }

  private:
    void load();
    std::string serialize_locked() const;
    void write_file(const std::string& json, uint64_t generation);

    const std::string path_;
    const std::size_t max_entries_;
    mutable std::mutex mu_;
    std::map<std::string, Entry> entries_;
    uint64_t generation_ = 0;  // bumped per put, under mu_
    std::mutex write_mu_;      // one writer of the file at a time
    uint64_t written_ = 0;     // the generation on disk, under write_mu_
};

}  // namespace tern::mtasts
