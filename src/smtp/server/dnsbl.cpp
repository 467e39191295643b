#include "smtp/server/dnsbl.hpp"

#include <algorithm>

#include "base/strings.hpp"
#include "dns/async_lookup.hpp"

namespace tern::smtp {
namespace {

// RFC 1035 2.3.4: labels of 1..63 octets, names of at most 253 characters
// in text form. Letters, digits, '-' and '_' (some lists use '_' in names).
bool valid_zone(std::string_view zone) {
    if (zone.empty() || zone.size() > 253) return false;
    for (std::string_view label : split(zone, '.')) {
        if (label.empty() || label.size() > 63) return false;
        for (char c : label) {
            bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) return false;
        }
    }
    return true;
}

// The client as a blocklist sees it: a mapped IPv4 address is the IPv4 one.
dns::IpAddress plain(const dns::IpAddress& ip) {
    return ip.unmapped();
}

}  // namespace

Result<std::vector<std::string>> parse_zones(std::string_view text) {
    std::vector<std::string> zones;
    for (std::string_view item : split(text, ',')) {
        std::string zone = to_lower(trim(item));
        if (zone.empty()) continue;  // "a, b," is a harmless typo
        if (zone.back() == '.') zone.pop_back();
        if (!valid_zone(zone))
            return fail(Errc::invalid,
                        "dnsbl zone \"" + std::string(trim(item)) + "\" is not a DNS name");
        if (std::find(zones.begin(), zones.end(), zone) == zones.end()) zones.push_back(zone);
    }
    return zones;
}

std::string dnsbl_labels(const dns::IpAddress& client) {
    // RFC 5782 2.1 (IPv4) and 2.4 (IPv6) use exactly the label order of the
    // reverse-mapping names (RFC 1035 3.5, RFC 3596 2.5), minus their suffix.
    std::string name = plain(client).reverse_name();
    std::string_view suffix = client.unmapped().is_v4() ? ".in-addr.arpa" : ".ip6.arpa";
    name.resize(name.size() - suffix.size());
    return name;
}

std::string dnsbl_query_name(const dns::IpAddress& client, std::string_view zone) {
    return dnsbl_labels(client) + "." + std::string(zone);
}

std::string_view to_string(Listing listing) {
    switch (listing) {
        case Listing::not_listed:
            return "not_listed";
        case Listing::listed:
            return "listed";
        case Listing::error:
            return "error";
    }
    return "error";
}

std::string_view iprev_result(Fcrdns result) {
    switch (result) {
        case Fcrdns::pass:
            return "pass";
        case Fcrdns::fail:
            return "fail";
        case Fcrdns::none:
            // RFC 8601 2.7.3: no PTR data published is permerror; the
            // method has no "none".
            return "permerror";
        case Fcrdns::temperror:
            return "temperror";
    }
    return "temperror";
}

std::string_view to_string(Fcrdns result) {
    switch (result) {
        case Fcrdns::pass:
            return "pass";
        case Fcrdns::fail:
            return "fail";
        case Fcrdns::none:
            return "none";
        case Fcrdns::temperror:
            return "temperror";
    }
    return "temperror";
}

ZoneResult classify_answer(std::string_view zone, const dns::Answer& answer) {
    ZoneResult r;
    r.zone = std::string(zone);
    // RFC 5782 2.3: NXDOMAIN (or a name without A records) means "not listed".
    if (answer.rcode == dns::Rcode::nxdomain) return r;
    if (answer.rcode != dns::Rcode::noerror) {
        r.listing = Listing::error;
        r.detail = std::string(dns::to_string(answer.rcode));
        return r;
    }
    static const dns::IpAddress loopback_net = dns::IpAddress::v4(127, 0, 0, 0);
    static const dns::IpAddress test_code = dns::IpAddress::v4(127, 0, 0, 1);
    static const dns::IpAddress spamhaus_errors = dns::IpAddress::v4(127, 255, 255, 252);
    bool listed = false;
    bool broken = false;
    for (const dns::IpAddress& a : answer.addresses) {
        if (!r.detail.empty()) r.detail += ',';
        r.detail += a.to_string();
        if (!a.is_v4() || !a.in_network(loopback_net, 8)) {
            broken = true;  // RFC 5782 2.1: codes are in 127.0.0.0/8; anything else is wrong
        } else if (a == test_code || a.in_network(spamhaus_errors, 30)) {
            // RFC 5782 5: 127.0.0.1 must not be a listing; 127.255.255.252/30
            // are Spamhaus's "you may not query us" error codes.
            broken = true;
        } else {
            listed = true;
        }
    }
    if (listed)
        r.listing = Listing::listed;
    else if (broken)
        r.listing = Listing::error;
    return r;
}

Fcrdns confirm_forward(const dns::IpAddress& client, const dns::Answer& ptr,
                       const std::vector<dns::Answer>& forward, std::string& name) {
    name.clear();
    if (ptr.rcode == dns::Rcode::nxdomain) return Fcrdns::none;
    if (!ptr.ok()) return Fcrdns::temperror;
    if (ptr.names.empty()) return Fcrdns::none;
    name = ptr.names.front();
    const dns::IpAddress wanted = plain(client);
    bool temporary = false;
    for (std::size_t i = 0; i < forward.size() && i < ptr.names.size(); ++i) {
        const dns::Answer& f = forward[i];
        if (f.rcode == dns::Rcode::servfail || f.rcode == dns::Rcode::timeout) temporary = true;
        for (const dns::IpAddress& a : f.addresses) {
            if (a.unmapped() == wanted) {
                name = ptr.names[i];
                return Fcrdns::pass;
            }
        }
    }
    // A failed forward lookup might have held the address: not a verdict.
    return temporary ? Fcrdns::temperror : Fcrdns::fail;
}

net::Task<ClientCheck> check_client(dns::IpAddress client, std::vector<std::string> zones,
                                    bool reverse, dns::Resolver& resolver) {
    ClientCheck check;
    if (zones.empty() && !reverse) co_return check;
    const dns::IpAddress ip = plain(client);

    // One round trip for every list and the PTR record.
    std::vector<dns::Question> questions;
    for (const std::string& zone : zones)
        questions.push_back({dnsbl_query_name(ip, zone), dns::RecordType::a});
    if (reverse) questions.push_back({ip.reverse_name(), dns::RecordType::ptr});
    net::Task<std::vector<dns::Answer>> first = dns::async_lookup_all(resolver, questions);
    std::vector<dns::Answer> answers = co_await std::move(first);

    for (std::size_t i = 0; i < zones.size(); ++i) {
        check.zones.push_back(classify_answer(zones[i], answers[i]));
        if (check.zones.back().listing == Listing::listed && !check.listed_by)
            check.listed_by = zones[i];
    }
    if (!reverse) co_return check;

    // Forward confirmation: the PTR names' addresses of the client's family.
    const dns::Answer& ptr = answers.back();
    std::vector<dns::Question> forward_questions;
    const auto type = ip.is_v4() ? dns::RecordType::a : dns::RecordType::aaaa;
    for (std::size_t i = 0; i < ptr.names.size() && i < kMaxPtrNames; ++i)
        forward_questions.push_back({ptr.names[i], type});
    std::vector<dns::Answer> forward;
    if (ptr.ok() && !forward_questions.empty()) {
        net::Task<std::vector<dns::Answer>> second =
            dns::async_lookup_all(resolver, forward_questions);
        forward = co_await std::move(second);
    }
    check.reverse_checked = true;
    check.fcrdns = confirm_forward(ip, ptr, forward, check.fcrdns_name);
    co_return check;
}

std::optional<std::string> domain_query_name(std::string_view domain, std::string_view zone) {
    // RFC 5782 3: the domain name itself (not reversed) under the zone.
    std::string name = std::string(domain) + "." + std::string(zone);
    // RFC 1035 2.3.4: a name that cannot exist cannot be listed; asking a
    // truncated or hashed name instead would be a different question.
    if (name.size() > 253) return std::nullopt;
    return name;
}

std::vector<std::string> sender_domain_names(std::string_view domain,
                                             const mailauth::dmarc::PublicSuffixList& psl) {
    std::vector<std::string> names;
    // Address literals ("[192.0.2.1]") and malformed names are no domain a
    // list can hold; Unicode labels become A-labels (RFC 5891), the form the
    // lists publish.
    auto normalized = mailauth::dmarc::normalize_domain(domain);
    if (!normalized) return names;
    names.push_back(*normalized);
    // RFC 7489 3.2: the registered domain, which is what lists such as
    // Spamhaus's DBL mostly hold.
    std::string org = psl.organizational_domain(*normalized);
    if (org != *normalized) names.push_back(std::move(org));
    return names;
}

net::Task<DomainCheck> check_sender_domain(std::string domain, std::vector<std::string> zones,
                                           const mailauth::dmarc::PublicSuffixList& psl,
                                           DomainListCache& cache, dns::Resolver& resolver) {
    DomainCheck check;
    if (zones.empty()) co_return check;
    const std::vector<std::string> names = sender_domain_names(domain, psl);

    // Everything not cached yet, asked at once: one round trip.
    std::vector<dns::Question> questions;
    std::vector<std::pair<std::size_t, std::size_t>> slots;  // (name, zone) of each question
    for (std::size_t n = 0; n < names.size(); ++n) {
        if (cache.count(names[n])) continue;
        for (std::size_t z = 0; z < zones.size(); ++z) {
            auto qname = domain_query_name(names[n], zones[z]);
            if (!qname) continue;
            questions.push_back({std::move(*qname), dns::RecordType::a});
            slots.emplace_back(n, z);
        }
    }
    std::vector<dns::Answer> answers;
    if (!questions.empty()) {
        net::Task<std::vector<dns::Answer>> op = dns::async_lookup_all(resolver, questions);
        answers = co_await std::move(op);
    }

    std::map<std::string, std::vector<ZoneResult>> fresh;
    for (std::size_t n = 0; n < names.size(); ++n) {
        if (cache.count(names[n])) continue;
        // Zones too long for this name stay "not listed" with no question.
        std::vector<ZoneResult>& row = fresh[names[n]];
        for (const std::string& zone : zones)
            row.push_back(ZoneResult{zone, Listing::not_listed, {}});
    }
    for (std::size_t i = 0; i < slots.size() && i < answers.size(); ++i) {
        auto [n, z] = slots[i];
        fresh[names[n]][z] = classify_answer(zones[z], answers[i]);
    }
    for (auto& [name, row] : fresh) {
        // A DNS failure is asked again next time rather than remembered.
        bool failed = false;
        for (const ZoneResult& r : row)
            if (r.listing == Listing::error) failed = true;
        if (!failed) cache[name] = row;
    }

    for (const std::string& name : names) {
        auto known = fresh.find(name);
        const std::vector<ZoneResult>& row =
            known != fresh.end() ? known->second : cache.find(name)->second;
        for (const ZoneResult& r : row) {
            check.results.emplace_back(name, r);
            if (r.listing == Listing::listed && !check.listed_by) {
                check.listed_domain = name;
                check.listed_by = r.zone;
                check.listed_detail = r.detail;
            }
        }
    }
    co_return check;
}

}  // namespace tern::smtp
