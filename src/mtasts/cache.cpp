#include "mtasts/cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/log.hpp"

namespace tern::mtasts {

namespace json = boost::json;

namespace {

constexpr int64_t kFormatVersion = 1;

std::optional<int64_t> int_field(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (const int64_t* i = v->if_int64()) return *i;
    if (const uint64_t* u = v->if_uint64(); u && *u <= static_cast<uint64_t>(INT64_MAX))
        return static_cast<int64_t>(*u);
    return std::nullopt;
}

std::optional<std::string> string_field(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

// One stored entry; nullopt when any field is missing or out of range (the
// file is ours, but a disk or a hand edit may have damaged it).
std::optional<PolicyCache::Entry> entry_from_json(const json::value& v) {
    const json::object* o = v.if_object();
    if (!o) return std::nullopt;
    PolicyCache::Entry e;
    auto domain = string_field(*o, "domain");
    auto id = string_field(*o, "id");
    auto mode = string_field(*o, "mode");
    auto max_age = int_field(*o, "max_age");
    auto fetched = int_field(*o, "fetched_at");
    auto expires = int_field(*o, "expires_at");
    const json::value* mx = o->if_contains("mx");
    if (!domain || domain->empty() || !id || !mode || !max_age || !fetched || !expires || !mx ||
        !mx->is_array())
        return std::nullopt;
    auto parsed_mode = parse_mode(*mode);
    if (!parsed_mode || *max_age < 0 || *max_age > kMaxAgeLimit) return std::nullopt;
    for (const json::value& m : mx->get_array()) {
        if (!m.is_string()) return std::nullopt;
        e.policy.mx.emplace_back(m.get_string());
    }
    e.domain = canonical_domain(*domain);
    e.id = *id;
    e.policy.mode = *parsed_mode;
    e.policy.max_age = static_cast<uint32_t>(*max_age);
    e.fetched_at = *fetched;
    e.expires_at = *expires;
    return e;
}

json::value entry_to_json(const PolicyCache::Entry& e) {
    json::array mx;
    for (const std::string& m : e.policy.mx)
        mx.emplace_back(m);
    return json::object{{"domain", e.domain},
                        {"id", e.id},
                        {"mode", to_string(e.policy.mode)},
                        {"mx", std::move(mx)},
                        {"max_age", e.policy.max_age},
                        {"fetched_at", e.fetched_at},
                        {"expires_at", e.expires_at}};
}

Status write_all_fd(int fd, const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail(Errc::io, std::strerror(errno));
        off += static_cast<std::size_t>(n);
    }
    return {};
}

// Temp file, fsync, rename, fsync of the directory: the file is either the
// old content or the new, even across a crash.
Status write_atomically(const std::string& path, const std::string& data) {
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail(Errc::io, "cannot create " + tmp + ": " + std::strerror(errno));
    Status st = write_all_fd(fd, data);
    if (st && ::fsync(fd) != 0) st = fail(Errc::io, std::strerror(errno));
    ::close(fd);
    if (!st) {
        ::unlink(tmp.c_str());
        return fail(Errc::io, "cannot write " + tmp + ": " + st.error().message);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        return fail(Errc::io, "cannot rename " + tmp + " to " + path + ": " + why);
    }
    std::string dir = std::filesystem::path(path).parent_path().string();
    int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);  // best effort: the rename is durable once the directory is
        ::close(dfd);
    }
    return {};
}

}  // namespace

PolicyCache::PolicyCache(std::string path, std::size_t max_entries)
    : path_(std::move(path)), max_entries_(max_entries == 0 ? 1 : max_entries) {
    if (!path_.empty()) load();
}

void PolicyCache::load() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return;  // no file yet: an empty cache
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    json::value doc = json::parse(text.str(), ec);
    const json::object* root = ec ? nullptr : doc.if_object();
    const json::value* list = root ? root->if_contains("policies") : nullptr;
    if (!list || !list->is_array() || int_field(*root, "version") != kFormatVersion) {
        log::warn("mtasts.cache.corrupt")
            .kv("file", path_)
            .kv("error", ec ? ec.message() : std::string("unexpected layout"));
        return;
    }
    std::size_t skipped = 0;
    for (const json::value& v : list->get_array()) {
        auto e = entry_from_json(v);
        if (!e) {
            ++skipped;
            continue;
        }
        std::string key = e->domain;
        entries_[key] = std::move(*e);
    }
    if (skipped > 0) log::warn("mtasts.cache.bad_entries").kv("file", path_).kv("skipped", skipped);
    log::debug("mtasts.cache.loaded").kv("file", path_).kv("policies", entries_.size());
}

std::optional<PolicyCache::Entry> PolicyCache::get(std::string_view domain, int64_t now) const {
    std::string key = canonical_domain(domain);
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    // RFC 8461 3.2 / 5.1: a policy is usable for max_age seconds after it
    // was fetched, and not after.
    if (it == entries_.end() || now >= it->second.expires_at) return std::nullopt;
    return it->second;
}

void PolicyCache::put(std::string_view domain, std::string id, Policy policy, int64_t now) {
    Entry e;
    e.domain = canonical_domain(domain);
    e.id = std::move(id);
    e.fetched_at = now;
    e.expires_at = now + static_cast<int64_t>(std::min(policy.max_age, kMaxAgeLimit));
    e.policy = std::move(policy);
    std::string json;
    uint64_t generation = 0;
    {
        std::lock_guard lock(mu_);
        std::erase_if(entries_, [now](const auto& kv) { return now >= kv.second.expires_at; });
        std::string key = e.domain;
        entries_[key] = std::move(e);
        while (entries_.size() > max_entries_) {
            auto victim = entries_.end();
            for (auto it = entries_.begin(); it != entries_.end(); ++it) {
                if (it->first == key) continue;
                if (victim == entries_.end() || it->second.expires_at < victim->second.expires_at)
                    victim = it;
            }
            if (victim == entries_.end()) break;
            entries_.erase(victim);
        }
        if (path_.empty()) return;
        json = serialize_locked();
        generation = ++generation_;
    }
    // Disk work outside mu_, so readers on other threads are not held up.
    write_file(json, generation);
}

std::size_t PolicyCache::size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
}

std::string PolicyCache::serialize_locked() const {
    json::array list;
    for (const auto& [key, e] : entries_)
        list.push_back(entry_to_json(e));
    json::object root{{"version", kFormatVersion}, {"policies", std::move(list)}};
    return json::serialize(root) + "\n";
}

void PolicyCache::write_file(const std::string& json, uint64_t generation) {
    std::lock_guard lock(write_mu_);
    // A later put may have written already: never put an older view back.
    if (generation <= written_) return;
    Status st = write_atomically(path_, json);
    if (!st) {
        log::warn("mtasts.cache.write_failed").kv("file", path_).kv("error", st.error().message);
        return;
    }
    written_ = generation;
}

}  // namespace tern::mtasts
