#include "queue/plan.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "base/log.hpp"
#include "dns/async_lookup.hpp"
#include "mtasts/lookup.hpp"
#include "queue/route.hpp"
#include "queue/transport.hpp"

namespace tern::queue {

using State = store::QueueRecipient::State;

Outcome own_outcome(State state, std::string status, std::string reason) {
    Outcome o;
    o.state = state;
    o.status = std::move(status);
    o.reply = std::move(reason);
    return o;
}

namespace {

// The route's failure as the outcome for every recipient.
std::optional<Outcome> route_failure(const Route& route, const std::string& what) {
    switch (route.kind) {
        case Route::Kind::hosts:
            return std::nullopt;
        case Route::Kind::null_mx:
            // RFC 7505 3: a null MX means the domain accepts no mail.
            return own_outcome(State::failed, "5.1.10",
                               "556 5.1.10 " + what + " accepts no mail (null MX)");
        case Route::Kind::no_such_domain: {
            // 5.1.2: no such domain; 5.4.4: no usable host (RFC 3463).
            std::string status = route.status.empty() ? "5.1.2" : route.status;
            return own_outcome(State::failed, status,
                               "550 " + status + " " + what + ": " +
                                   (route.error.empty() ? "no mail server found" : route.error));
        }
        case Route::Kind::temp_failure:
            return own_outcome(State::pending, "4.4.3",
                               "451 4.4.3 cannot find the mail servers of " + what +
                                   (route.error.empty() ? "" : ": " + route.error));
    }
    return std::nullopt;
}

HostTls fixed_level(config::TlsPolicy policy, const std::string& host) {
    HostTls t;
    t.source = "transport";
    switch (policy) {
        case config::TlsPolicy::none:
            t.level = HostTls::Level::none;
            break;
        case config::TlsPolicy::standard:
        case config::TlsPolicy::may:
            t.level = HostTls::Level::may;
            break;
        case config::TlsPolicy::encrypt:
            t.level = HostTls::Level::encrypt;
            break;
        case config::TlsPolicy::verify:
            t.level = HostTls::Level::verify;
            t.match_names = {host};
            break;
    }
    return t;
}

net::Task<Plan> smarthost_plan(PlanContext& ctx) {
    const config::Queue& q = ctx.config.queue;
    Plan plan;
    auto relay = config::parse_relay(q.smarthost, 587);
    if (!relay) {
        plan.none = own_outcome(State::pending, "4.3.5",
                                "queue.smarthost \"" + q.smarthost + "\" is not host[:port]");
        co_return plan;
    }
    auto op = find_host(ctx.resolver, relay->host);
    Route route = co_await std::move(op);
    if (route.kind != Route::Kind::hosts) {
        plan.none = own_outcome(State::pending, "4.4.3",
                                "cannot resolve the smarthost " + relay->host + ": " + route.error);
        co_return plan;
    }
    plan.auth_user = q.smarthost_user;
    plan.password_file = q.smarthost_password_file;
    // A smarthost we log in to must prove who it is; otherwise opportunistic.
    HostTls tls = fixed_level(
        plan.auth_user.empty() ? config::TlsPolicy::may : config::TlsPolicy::verify, relay->host);
    tls.source = "smarthost";
    for (const auto& ip : route.hosts[0].addresses)
        plan.targets.push_back({relay->host, ip.to_string(), relay->port, tls});
    co_return plan;
}

// RFC 8461 3-5: the destination's MTA-STS policy, if it has one in force.
net::Task<std::optional<mtasts::Policy>> sts_policy(PlanContext& ctx, std::string destination) {
    mtasts::FetchOptions fetch;
    fetch.port = static_cast<uint16_t>(ctx.config.queue.mta_sts_port);
    fetch.ca_file = ctx.config.queue.tls_ca_file;
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    auto op = mtasts::discover(ctx.resolver, *ctx.sts, destination, fetch, now);
    mtasts::Lookup found = co_await std::move(op);
    if (!found.note.empty())
        log::debug("queue.mta_sts").kv("domain", destination).kv("note", found.note);
    if (!found.policy || found.policy->mode == mtasts::Policy::Mode::none) co_return std::nullopt;
    co_return found.policy;
}

}  // namespace

net::Task<Plan> plan_for(PlanContext& ctx, std::string destination) {
    if (destination == "[smarthost]") {
        auto op = smarthost_plan(ctx);
        Plan plan = co_await std::move(op);
        co_return plan;
    }
    const config::Queue& q = ctx.config.queue;
    Plan plan;
    plan.next_hop = destination;
    const config::Transport* transport = find_transport(ctx.config.transports, destination);
    uint16_t port = static_cast<uint16_t>(q.smtp_port);
    bool via_relay = transport != nullptr && !transport->relay.empty();
    Route route;
    std::string what = destination;
    if (via_relay) {
        auto relay = config::parse_relay(transport->relay, 25);  // checked when loaded
        if (!relay) relay = config::RelayAddress{transport->relay, 25, true};
        port = relay->port;
        what = "relay " + relay->host + " (for " + destination + ")";
        plan.auth_user = transport->user;
        plan.password_file = transport->password_file;
        if (relay->bracketed) {
            auto op = find_host(ctx.resolver, relay->host);
            route = co_await std::move(op);
        } else {
            auto op = find_route(ctx.resolver, relay->host, ctx.random);
            route = co_await std::move(op);
        }
    } else {
        auto op = find_route(ctx.resolver, destination, ctx.random);
        route = co_await std::move(op);
    }
    if (auto failed = route_failure(route, what)) {
        plan.none = std::move(failed);
        co_return plan;
    }

    config::TlsPolicy fixed = transport ? transport->tls : config::TlsPolicy::standard;
    std::optional<mtasts::Policy> sts;
    if (fixed == config::TlsPolicy::standard && q.mta_sts && ctx.sts != nullptr && !via_relay) {
        auto op = sts_policy(ctx, destination);
        sts = co_await std::move(op);
    }
    bool enforce = sts && sts->mode == mtasts::Policy::Mode::enforce;
    std::vector<RouteHost> hosts;
    std::string skipped;
    for (RouteHost& h : route.hosts) {
        // RFC 8461 4.1: in enforce mode only the MX hosts the policy lists.
        if (enforce && !sts->allows(h.name)) {
            skipped += (skipped.empty() ? "" : "; ") + h.name + " is not in the MTA-STS policy";
            continue;
        }
        hosts.push_back(std::move(h));
    }

    // RFC 7672 2.2.2: TLSA only for hosts reached through secure MX and
    // address answers; all hosts asked at once.
    std::vector<std::size_t> asked;
    std::vector<dns::Question> questions;
    if (fixed == config::TlsPolicy::standard && q.dane) {
        for (std::size_t i = 0; i < hosts.size(); ++i) {
            if (!route.mx_authenticated || !hosts[i].authenticated) continue;
            asked.push_back(i);
            questions.push_back({tlsa_name(hosts[i].name, port), dns::RecordType::tlsa});
        }
    }
    std::vector<dns::Answer> answers;
    if (!questions.empty()) {
        auto op = dns::async_lookup_all(ctx.resolver, std::move(questions));
        answers = co_await std::move(op);
    }

    for (std::size_t i = 0; i < hosts.size(); ++i) {
        const RouteHost& h = hosts[i];
        HostTls tls;
        if (fixed != config::TlsPolicy::standard) {
            tls = fixed_level(fixed, h.name);
        } else {
            auto at = std::find(asked.begin(), asked.end(), i);
            std::optional<HostTls> dane;
            if (at != asked.end()) {
                DaneDecision d = dane_from_tlsa(
                    answers[static_cast<std::size_t>(at - asked.begin())], tlsa_name(h.name, port));
                if (!d.error.empty()) {
                    skipped += (skipped.empty() ? "" : "; ") + d.error;
                    continue;
                }
                dane = std::move(d.tls);
            }
            if (dane) {
                tls = std::move(*dane);  // RFC 8461 2: DANE takes precedence
            } else if (sts) {
                tls.source = "mta-sts";
                tls.match_names = {h.name};
                // RFC 8461 4.2: the certificate must be valid for the MX name.
                if (enforce)
                    tls.level = HostTls::Level::verify;
                else
                    tls.testing = true;
            }
        }
        for (const auto& ip : h.addresses)
            plan.targets.push_back({h.name, ip.to_string(), port, tls});
    }
    if (plan.targets.empty()) {
        // RFC 3463 3.8: 4.7.5 cryptographic failure, as Postfix reports TLS
        // policy failures; temporary, since policies and records change.
        plan.none = own_outcome(State::pending, "4.7.5",
                                "451 4.7.5 no usable mail server for " + destination + ": " +
                                    (skipped.empty() ? "no address" : skipped));
    } else if (!skipped.empty()) {
        log::info("queue.hosts_skipped").kv("destination", destination).kv("why", skipped);
    }
    co_return plan;
}

}  // namespace tern::queue
