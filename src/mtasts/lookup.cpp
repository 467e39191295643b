#include "mtasts/lookup.hpp"

#include "base/log.hpp"
#include "dns/async_lookup.hpp"

namespace tern::mtasts {

namespace {

Lookup from_entry(const PolicyCache::Entry& e, std::string note) {
    Lookup out;
    out.policy = e.policy;
    out.from_cache = true;
    out.id = e.id;
    out.note = std::move(note);
    return out;
}

// After a failed fetch or parse: the cached policy still protects the
// domain until it expires (RFC 8461 5.1); without one, no policy applies.
Lookup fall_back(const std::optional<PolicyCache::Entry>& cached, const std::string& why) {
    if (cached) return from_entry(*cached, why + "; using cached policy id " + cached->id);
    Lookup out;
    out.note = why + "; no policy applies";
    return out;
}

void log_result(const std::string& domain, const Lookup& r) {
    log::Level level = r.policy ? log::Level::info : log::Level::debug;
    log::Event(level, "mtasts.discover")
        .kv("domain", domain)
        .kv("mode", r.policy ? to_string(r.policy->mode) : std::string_view("-"))
        .kv("id", r.id)
        .kv("cached", r.from_cache)
        .kv("note", r.note);
}

net::Task<Lookup> discover_inner(dns::Resolver& resolver, PolicyCache& cache,
                                 const std::string& domain, FetchOptions opts, int64_t now) {
    std::optional<PolicyCache::Entry> cached = cache.get(domain, now);

    // RFC 8461 3.1: the TXT record at _mta-sts.<domain> announces a policy
    // and its id.
    const std::string txt_name = "_mta-sts." + domain;
    auto asking = dns::async_lookup(resolver, dns::Question{txt_name, dns::RecordType::txt});
    dns::Answer txt = co_await std::move(asking);
    std::optional<std::string> id;
    std::string txt_problem;
    if (txt.ok()) {
        id = parse_sts_txt(txt.txt);
        if (!id) txt_problem = "no valid v=STSv1 TXT record at " + txt_name;
    } else if (txt.rcode == dns::Rcode::nxdomain) {
        txt_problem = "no TXT record at " + txt_name;
    } else {
        txt_problem = "TXT lookup of " + txt_name + " failed (" +
                      std::string(dns::to_string(txt.rcode)) + ")";
    }

    if (!id) {
        // RFC 8461 5.1: with a cached, unexpired policy, a missing record
        // does not mean the policy is gone (an attacker may have removed it).
        if (cached)
            co_return from_entry(*cached, txt_problem + "; using cached policy id " + cached->id);
        Lookup none;
        none.note = txt_problem;
        co_return none;
    }

    // RFC 8461 5.1: the same id as the cached policy: nothing changed.
    if (cached && cached->id == *id) co_return from_entry(*cached, "cached policy id " + *id);

    // RFC 8461 3.3: a new or changed id means a new policy to fetch.
    auto fetching = fetch_policy_resolved(resolver, domain, std::move(opts));
    Result<std::string> body = co_await std::move(fetching);
    if (!body) co_return fall_back(cached, "policy fetch failed: " + body.error().message);
    Result<Policy> policy = parse_policy(*body);
    if (!policy) co_return fall_back(cached, "policy is invalid: " + policy.error().message);

    cache.put(domain, *id, *policy, now);
    Lookup out;
    out.policy = std::move(*policy);
    out.id = *id;
    out.note = "fetched policy id " + *id;
    co_return out;
}

}  // namespace

net::Task<Lookup> discover(dns::Resolver& resolver, PolicyCache& cache, std::string domain,
                           FetchOptions opts, int64_t now) {
    domain = canonical_domain(domain);
    auto running = discover_inner(resolver, cache, domain, std::move(opts), now);
    Lookup result = co_await std::move(running);
    log_result(domain, result);
    co_return result;
}

}  // namespace tern::mtasts
