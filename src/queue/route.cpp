#include "queue/route.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "base/strings.hpp"
#include "dns/async_lookup.hpp"

namespace tern::queue {
namespace {

using Answers = std::vector<dns::Answer>;

// Every question at once (dns::async_lookup_all): a domain with five MX
// hosts costs one round trip, not ten; answers may come from any thread.
boost::asio::awaitable<Answers> lookup_all(dns::Resolver& resolver,
                                           std::vector<dns::Question> questions) {
    auto op = dns::async_lookup_all(resolver, std::move(questions));
    Answers answers = co_await std::move(op);
    co_return answers;
}

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

Route failure(Route::Kind kind, std::string status, std::string error) {
    Route r;
    r.kind = kind;
    r.status = std::move(status);
    r.error = std::move(error);
    return r;
}

// RFC 5321 4.1.3: "[" IPv4 "]" or "[IPv6:" IPv6 "]".
std::optional<dns::IpAddress> parse_literal(std::string_view literal) {
    if (literal.size() < 3 || literal.front() != '[' || literal.back() != ']') return std::nullopt;
    std::string_view inner = literal.substr(1, literal.size() - 2);
    bool v6 = istarts_with(inner, "IPv6:");
    if (v6) inner.remove_prefix(5);
    std::optional<dns::IpAddress> ip = dns::IpAddress::parse(inner);
    if (!ip || ip->is_v6() != v6) return std::nullopt;
    return ip;
}

// RFC 5321 5.1: an MX target is a domain name, never an address.
bool is_address(std::string_view host) {
    return (!host.empty() && host.front() == '[') || dns::IpAddress::parse(host).has_value();
}

std::string_view rcode_text(dns::Rcode rcode) {
    switch (rcode) {
        case dns::Rcode::nxdomain:
            return "does not exist (NXDOMAIN)";
        case dns::Rcode::servfail:
            return "lookup failed (SERVFAIL)";
        case dns::Rcode::timeout:
            return "lookup timed out";
        case dns::Rcode::noerror:
            break;
    }
    return "has no address records";
}

bool temporary(dns::Rcode rcode) {
    return rcode == dns::Rcode::servfail || rcode == dns::Rcode::timeout;
}

struct Candidate {
    std::string name;
    uint16_t preference = 0;
};

// The MX answer as hosts to resolve, best first, equal preferences in random
// order; `unusable` counts records skipped as invalid.
std::vector<Candidate> candidates_from(const std::vector<dns::MxRecord>& records,
                                       std::mt19937& random, std::size_t& unusable) {
    std::vector<Candidate> out;
    for (const dns::MxRecord& mx : records) {
        std::string host = to_lower(mx.host);
        while (!host.empty() && host.back() == '.')
            host.pop_back();
        // RFC 7505 3: "." next to real MX records is a misconfiguration; skip it.
        if (host.empty() || is_address(host)) {
            ++unusable;
            continue;
        }
        auto same = std::find_if(out.begin(), out.end(),
                                 [&](const Candidate& c) { return c.name == host; });
        if (same == out.end()) {
            out.push_back({std::move(host), mx.preference});
        } else {
            same->preference = std::min(same->preference, mx.preference);
        }
    }
    // RFC 5321 5.1: lowest preference first; among equals, spread the load
    // at random. Shuffle, then a stable sort keeps the shuffled order of ties.
    std::shuffle(out.begin(), out.end(), random);
    std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
        return a.preference < b.preference;
    });
    if (out.size() > kMaxMxHosts) out.resize(kMaxMxHosts);
    return out;
}

void append_family(std::vector<dns::IpAddress>& out, const dns::Answer& answer, bool v6) {
    for (const dns::IpAddress& ip : answer.addresses) {
        if (ip.is_v6() == v6 && std::find(out.begin(), out.end(), ip) == out.end()) {
            out.push_back(ip);
        }
    }
}

// The answers that gave addresses were all validated.
bool addresses_authenticated(const dns::Answer& a, const dns::Answer& aaaa) {
    bool any = false;
    for (const dns::Answer* x : {&a, &aaaa}) {
        if (x->addresses.empty()) continue;
        if (!x->authenticated) return false;
        any = true;
    }
    return any;
}

}  // namespace

boost::asio::awaitable<Route> find_host(dns::Resolver& resolver, std::string host,
                                        bool prefer_ipv6) {
    host = to_lower(trim(host));
    while (!host.empty() && host.back() == '.')
        host.pop_back();
    if (host.empty()) co_return failure(Route::Kind::no_such_domain, "5.4.4", "empty host name");
    Route route;
    if (std::optional<dns::IpAddress> ip = dns::IpAddress::parse(host)) {
        route.hosts.push_back({host, 0, {*ip}, false});
        co_return route;
    }
    boost::asio::awaitable<Answers> op =
        lookup_all(resolver, {{host, dns::RecordType::a}, {host, dns::RecordType::aaaa}});
    Answers answers = co_await std::move(op);
    const dns::Answer& a = answers[0];
    const dns::Answer& aaaa = answers[1];
    RouteHost h{host, 0, {}, addresses_authenticated(a, aaaa)};
    append_family(h.addresses, prefer_ipv6 ? aaaa : a, prefer_ipv6);
    append_family(h.addresses, prefer_ipv6 ? a : aaaa, !prefer_ipv6);
    if (!h.addresses.empty()) {
        route.mx_authenticated = h.authenticated;
        route.hosts.push_back(std::move(h));
        co_return route;
    }
    dns::Rcode worst = temporary(a.rcode) ? a.rcode : aaaa.rcode;
    if (temporary(worst)) {
        co_return failure(Route::Kind::temp_failure, "4.4.3",
                          "host " + host + ": " + std::string(rcode_text(worst)));
    }
    co_return failure(Route::Kind::no_such_domain, "5.4.4",
                      "host " + host + " " + std::string(rcode_text(worst)));
}

boost::asio::awaitable<Route> find_route(dns::Resolver& resolver, std::string domain,
                                         std::mt19937& random, bool prefer_ipv6) {
    domain = std::string(trim(domain));
    if (!domain.empty() && domain.back() == '.') domain.pop_back();
    if (domain.empty()) co_return failure(Route::Kind::no_such_domain, "5.1.2", "empty domain");

    if (domain.front() == '[') {
        std::optional<dns::IpAddress> ip = parse_literal(domain);
        if (!ip) {
            co_return failure(Route::Kind::no_such_domain, "5.1.2",
                              "invalid address literal " + domain);
        }
        Route route;
        route.hosts.push_back({domain, 0, {*ip}, false});
        co_return route;
    }
    if (!is_ascii(domain)) {
        co_return failure(Route::Kind::no_such_domain, "5.1.2",
                          "domain " + domain + " is not in ASCII (A-label) form");
    }
    domain = to_lower(domain);

    dns::Question mx_question{domain, dns::RecordType::mx};
    boost::asio::awaitable<dns::Answer> mx_op = dns::async_lookup(resolver, std::move(mx_question));
    dns::Answer mx = co_await std::move(mx_op);
    if (mx.rcode == dns::Rcode::nxdomain) {
        co_return failure(Route::Kind::no_such_domain, "5.1.2",
                          "domain " + domain + " does not exist (NXDOMAIN)");
    }
    if (temporary(mx.rcode)) {
        co_return failure(Route::Kind::temp_failure, "4.4.3",
                          "MX lookup for " + domain + ": " + std::string(rcode_text(mx.rcode)));
    }
    // RFC 7505 3: a single MX with the root as target: the domain takes no mail.
    if (mx.mx.size() == 1 && (mx.mx[0].host.empty() || mx.mx[0].host == ".")) {
        Route route = failure(Route::Kind::null_mx, "5.1.10",
                              "domain " + domain + " accepts no mail (null MX, RFC 7505)");
        route.mx_authenticated = mx.authenticated;
        co_return route;
    }

    // RFC 5321 5.1: no MX records: the domain itself is the implicit MX.
    bool implicit = mx.mx.empty();
    std::size_t unusable = 0;
    std::vector<Candidate> candidates =
        implicit ? std::vector<Candidate>{{domain, 0}} : candidates_from(mx.mx, random, unusable);
    if (candidates.empty()) {
        Route route = failure(Route::Kind::no_such_domain, "5.4.4",
                              "no usable MX host for " + domain +
                                  " (IP addresses and \".\" are not allowed as MX targets)");
        route.mx_authenticated = mx.authenticated;
        co_return route;
    }

    std::vector<dns::Question> questions;
    for (const Candidate& c : candidates) {
        questions.push_back({c.name, dns::RecordType::a});
        questions.push_back({c.name, dns::RecordType::aaaa});
    }
    boost::asio::awaitable<Answers> op = lookup_all(resolver, std::move(questions));
    Answers answers = co_await std::move(op);

    Route route;
    route.mx_authenticated = mx.authenticated;
    bool all_missing = true;  // every host NXDOMAIN (or no address at all, for an implicit MX)
    std::string why;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const dns::Answer& a = answers[2 * i];
        const dns::Answer& aaaa = answers[2 * i + 1];
        RouteHost host{candidates[i].name, candidates[i].preference, {}};
        append_family(host.addresses, prefer_ipv6 ? aaaa : a, prefer_ipv6);
        append_family(host.addresses, prefer_ipv6 ? a : aaaa, !prefer_ipv6);
        host.authenticated = addresses_authenticated(a, aaaa);
        if (!host.addresses.empty()) {
            route.hosts.push_back(std::move(host));
            continue;
        }
        dns::Rcode worst = temporary(a.rcode) ? a.rcode : aaaa.rcode;
        bool missing = implicit
                           ? !temporary(a.rcode) && !temporary(aaaa.rcode)
                           : a.rcode == dns::Rcode::nxdomain && aaaa.rcode == dns::Rcode::nxdomain;
        all_missing = all_missing && missing;
        if (!why.empty()) why += "; ";
        why += host.name + " " + std::string(rcode_text(worst));
    }
    if (!route.hosts.empty()) co_return route;
    if (unusable > 0) why += "; " + std::to_string(unusable) + " unusable MX target(s) skipped";

    std::string subject = implicit ? "domain " + domain + " has no MX records and its name: "
                                   : "no MX host of " + domain + " has an address: ";
    if (all_missing) {
        route.kind = Route::Kind::no_such_domain;
        route.status = "5.4.4";  // RFC 3463 3.5: unable to route
    } else {
        route.kind = Route::Kind::temp_failure;
        route.status = "4.4.3";  // RFC 3463 3.5: directory server failure
    }
    route.error = subject + why;
    co_return route;
}

}  // namespace tern::queue
