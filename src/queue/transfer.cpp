#include "queue/transfer.hpp"

#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "base/log.hpp"
#include "base/time.hpp"
#include "dns/async_lookup.hpp"
#include "net/connect.hpp"
#include "queue/outcome.hpp"
#include "queue/route.hpp"
#include "smtp/client/client.hpp"

namespace tern::queue {
namespace {

using State = store::QueueRecipient::State;
namespace client = smtp::client;

constexpr int kMaxAddressesTried = 10;  // per connection attempt, across all MX hosts
constexpr int kMaxSessionsPerRun = 4;   // reconnects after a lost session

Outcome ours(State state, std::string status, std::string reason) {
    Outcome o;
    o.state = state;
    o.status = std::move(status);
    o.reply = std::move(reason);
    return o;
}

// Finishes a job with the same outcome for all its recipients.
void finish(TransferContext& ctx, Job& job, const Outcome& outcome) {
    for (std::size_t i : job.recipients)
        job.message->outcomes[i] = outcome;
    ctx.job_done(job);
}

// Everything waiting for this destination gets the same outcome.
void finish_all(TransferContext& ctx, std::optional<Job> first, const Outcome& outcome) {
    if (first) finish(ctx, *first, outcome);
    while (auto job = ctx.next_job())
        finish(ctx, *job, outcome);
}

struct Target {
    std::string host;  // the MX name, for logs, SNI and Remote-MTA
    std::string ip;
    uint16_t port = 25;
};

// "host[:port]" or "[ip]:port" of queue.smarthost.
bool parse_hostport(const std::string& text, std::string& host, uint16_t& port) {
    std::string rest = text;
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close == std::string::npos) return false;
        host = rest.substr(1, close - 1);
        rest = rest.substr(close + 1);
    } else {
        auto colon = rest.rfind(':');
        host = rest.substr(0, colon);
        rest = colon == std::string::npos ? "" : rest.substr(colon);
    }
    if (rest.empty()) return !host.empty();
    if (rest.front() != ':' || rest.size() < 2) return false;
    unsigned long p = 0;
    for (char c : rest.substr(1)) {
        if (c < '0' || c > '9') return false;
        p = p * 10 + static_cast<unsigned long>(c - '0');
        if (p > 65535) return false;
    }
    port = static_cast<uint16_t>(p);
    return !host.empty() && p > 0;
}

// Where to connect, in order; or an outcome for everything (no route).
struct Plan {
    std::vector<Target> targets;
    std::optional<Outcome> none;
    bool smarthost = false;
};

net::Task<Plan> plan_for(TransferContext& ctx, const std::string& destination) {
    const config::Queue& q = ctx.config->queue;
    Plan plan;
    if (!q.smarthost.empty()) {
        plan.smarthost = true;
        std::string host;
        uint16_t port = 587;
        if (!parse_hostport(q.smarthost, host, port)) {
            plan.none = ours(State::pending, "4.3.5",
                             "queue.smarthost \"" + q.smarthost + "\" is not host[:port]");
            co_return plan;
        }
        if (auto ip = dns::IpAddress::parse(host)) {
            plan.targets.push_back({host, ip->to_string(), port});
            co_return plan;
        }
        for (auto type : {dns::RecordType::a, dns::RecordType::aaaa}) {
            dns::Question question{host, type};
            auto op = dns::async_lookup(ctx.resolver, question);
            dns::Answer answer = co_await std::move(op);
            for (const auto& a : answer.addresses)
                plan.targets.push_back({host, a.to_string(), port});
        }
        if (plan.targets.empty())
            plan.none = ours(State::pending, "4.4.3", "cannot resolve the smarthost " + host);
        co_return plan;
    }
    auto op = find_route(ctx.resolver, destination, ctx.random);
    Route route = co_await std::move(op);
    switch (route.kind) {
        case Route::Kind::null_mx:
            // RFC 7505 3: a null MX means the domain accepts no mail.
            plan.none = ours(State::failed, "5.1.10",
                             "556 5.1.10 " + destination + " accepts no mail (null MX)");
            co_return plan;
        case Route::Kind::no_such_domain: {
            // 5.1.2: no such domain; 5.4.4: no usable host (RFC 3463).
            std::string status = route.status.empty() ? "5.1.2" : route.status;
            plan.none = ours(State::failed, status,
                             "550 " + status + " " + destination + ": " +
                                 (route.error.empty() ? "no mail server found" : route.error));
            co_return plan;
        }
        case Route::Kind::temp_failure:
            plan.none = ours(State::pending, "4.4.3",
                             "451 4.4.3 cannot find the mail servers of " + destination +
                                 (route.error.empty() ? "" : ": " + route.error));
            co_return plan;
        case Route::Kind::hosts:
            break;
    }
    for (const auto& h : route.hosts)
        for (const auto& a : h.addresses)
            plan.targets.push_back(
                {h.name, a.to_string(), static_cast<uint16_t>(ctx.config->queue.smtp_port)});
    if (plan.targets.empty())
        plan.none = ours(State::pending, "4.4.3",
                         "451 4.4.3 no address found for the mail servers of " + destination);
    co_return plan;
}

std::string read_secret(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    return s;
}

// An open, greeted session ready for MAIL.
struct Session {
    std::unique_ptr<net::Stream> stream;
    std::unique_ptr<client::Client> client;
    Target target;
};

// Connects to the targets in order, from `next`, until one greets us and
// takes EHLO/HELO (and STARTTLS when offered). `why` says what went wrong
// with the last one tried.
net::Task<std::optional<Session>> open_session(TransferContext& ctx, const Plan& plan,
                                               std::size_t& next, std::string& why) {
    const config::Queue& q = ctx.config->queue;
    client::ClientOptions opts;
    opts.helo_name = q.helo_name.empty() ? ctx.config->server.hostname : q.helo_name;
    opts.command_timeout = std::chrono::seconds(q.command_timeout_seconds);
    opts.data_timeout = std::chrono::seconds(q.command_timeout_seconds * 2);
    int tried = 0;
    // Targets whose TLS handshake failed: RFC 7435 opportunistic security
    // tries them once more without STARTTLS rather than not at all.
    std::set<std::size_t> no_tls;
    while (next < plan.targets.size() && tried < kMaxAddressesTried && !ctx.stopping) {
        const Target& t = plan.targets[next++];
        ++tried;
        auto connect =
            net::connect_tcp(t.ip, t.port, std::chrono::seconds(q.connect_timeout_seconds));
        auto stream = co_await std::move(connect);
        if (!stream) {
            why = "connect to " + t.host + "[" + t.ip + "]:" + std::to_string(t.port) + ": " +
                  stream.error().message;
            log::info("queue.connect_failed").kv("host", t.host).kv("ip", t.ip).kv("error", why);
            continue;
        }
        Session s;
        s.stream = std::move(*stream);
        s.target = t;
        ctx.opened(s.stream.get());
        s.client = std::make_unique<client::Client>(*s.stream, opts);
        client::Reply greeting = co_await s.client->greeting();
        client::Reply hello;
        if (greeting.code == 220) hello = co_await s.client->hello();
        if (greeting.code != 220 || !hello.positive()) {
            const client::Reply& bad = greeting.code != 220 ? greeting : hello;
            why = t.host + "[" + t.ip + "] said: " + bad.text();
            log::info("queue.session_refused").kv("host", t.host).kv("ip", t.ip).kv("reply", why);
            co_await s.client->quit();
            ctx.closed(s.stream.get());
            continue;
        }
        bool want_auth = plan.smarthost && !q.smarthost_user.empty();
        bool tls_refused_before = no_tls.count(next - 1) != 0;
        if (s.client->capabilities().starttls && !tls_refused_before) {
            net::ClientTlsParams tls;
            tls.server_name = t.host;
            // Opportunistic TLS (RFC 7435) to MX hosts; a smarthost we log
            // in to must prove who it is.
            tls.verify = want_auth;
            tls.ca_file = q.tls_ca_file;
            net::ClientTlsResult done = co_await s.client->starttls(tls);
            if (!done.ok && (want_auth || !s.client->usable())) {
                why = "STARTTLS with " + t.host + "[" + t.ip + "] failed: " + done.error;
                log::info("queue.tls_failed").kv("host", t.host).kv("ip", t.ip).kv("error", why);
                co_await s.client->quit();
                ctx.closed(s.stream.get());
                if (!want_auth && no_tls.insert(next - 1).second) --next;  // same host, in clear
                continue;
            }
            // A 454 to STARTTLS leaves the session usable: go on in clear.
        } else if (want_auth) {
            why = t.host + " does not offer STARTTLS; not sending the smarthost password in clear";
            co_await s.client->quit();
            ctx.closed(s.stream.get());
            continue;
        }
        if (want_auth) {
            std::string password = read_secret(q.smarthost_password_file);
            client::Reply auth = co_await s.client->authenticate(q.smarthost_user, password);
            if (!auth.positive()) {
                why = "AUTH at " + t.host + " failed: " + auth.text();
                co_await s.client->quit();
                ctx.closed(s.stream.get());
                continue;
            }
        }
        co_return std::optional<Session>(std::move(s));
    }
    co_return std::nullopt;
}

// Loads the message bytes once for all its jobs, and signs them with the
// From domain's DKIM keys (signing as mail leaves covers every way in:
// submission, sendmail, forwarding, bounces).
net::Task<bool> load_raw(TransferContext& ctx, Inflight& m) {
    if (m.raw) co_return true;
    Result<std::string> raw = fail(Errc::internal, "not run");
    std::shared_ptr<const DkimKeyring> keys = ctx.dkim;
    std::function<void()> job = [&] {
        raw = ctx.store.read_queued(m.message.id);
        if (!raw || !keys) return;
        auto fields = keys->sign(*raw, unix_now());
        if (!fields) {
            log::warn("queue.dkim_failed")
                .kv("qid", m.message.id)
                .kv("error", fields.error().message);
            return;
        }
        if (!fields->empty()) raw->insert(0, *fields);
    };
    co_await ctx.blocking.run(job);
    if (!raw) co_return false;
    m.raw = std::make_shared<const std::string>(std::move(*raw));
    co_return true;
}

client::OutEnvelope envelope_of(const Job& job) {
    const store::QueuedMessage& m = job.message->message;
    client::OutEnvelope env;
    env.sender = m.sender;
    env.envid = m.envid;
    env.ret = m.ret;
    env.eight_bit = m.eight_bit;
    env.smtputf8 = m.smtputf8;
    env.requiretls = m.requiretls;
    for (std::size_t i : job.recipients) {
        const auto& r = m.recipients[i];
        env.recipients.push_back({r.address, r.orcpt, r.notify});
    }
    return env;
}

void log_outcome(const Job& job, std::size_t i, const Outcome& o, const Target& t) {
    const char* what = o.state == State::delivered ? "queue.delivered"
                       : o.state == State::failed  ? "queue.bounced"
                                                   : "queue.deferred";
    log::info(what)
        .kv("qid", job.message->message.id)
        .kv("rcpt", job.message->message.recipients[i].address)
        .kv("relay", t.host + "[" + t.ip + "]:" + std::to_string(t.port))
        .kv("reply", o.reply);
}

}  // namespace

net::Task<void> run_connection(TransferContext& ctx, std::string destination) {
    std::optional<Job> job = ctx.next_job();
    if (!job) co_return;
    auto plan_op = plan_for(ctx, destination);
    Plan plan = co_await std::move(plan_op);
    if (plan.none) {
        log::info("queue.no_route").kv("destination", destination).kv("reason", plan.none->reply);
        finish_all(ctx, std::move(job), *plan.none);
        co_return;
    }
    std::size_t next_target = 0;
    std::string why;
    for (int sessions = 0; job && sessions < kMaxSessionsPerRun && !ctx.stopping; ++sessions) {
        auto open = open_session(ctx, plan, next_target, why);
        std::optional<Session> s = co_await std::move(open);
        if (!s) break;
        // The next session after a lost one starts again at the best host.
        next_target = 0;
        bool usable = true;
        while (job && usable && !ctx.stopping) {
            if (!co_await load_raw(ctx, *job->message)) {
                finish(ctx, *job, ours(State::pending, "4.3.0", "cannot read the queued message"));
                job = ctx.next_job();
                continue;
            }
            client::OutEnvelope env = envelope_of(*job);
            const std::string& raw = *job->message->raw;
            client::SendResult result = co_await s->client->send(env, raw);
            for (std::size_t k = 0; k < job->recipients.size(); ++k) {
                std::size_t i = job->recipients[k];
                Outcome o;
                const client::Reply* r =
                    k < result.per_recipient.size() ? &result.per_recipient[k] : nullptr;
                if (r == nullptr) {
                    o = ours(State::pending, "4.4.2", "no reply from " + s->target.host);
                } else {
                    o.state = state_for_code(r->code);
                    o.status = status_for(r->code, r->enhanced);
                    o.reply = r->code == 0 ? r->text() + " (" + s->target.host + ")" : r->text();
                    o.from_remote = r->code != 0;
                }
                o.remote_mta = s->target.host;
                log_outcome(*job, i, o, s->target);
                job->message->outcomes[i] = std::move(o);
            }
            ctx.job_done(*job);
            usable = result.connection_usable;
            job = ctx.next_job();
        }
        co_await s->client->quit();
        ctx.closed(s->stream.get());
    }
    if (job) {
        if (why.empty()) why = "delivery interrupted";
        finish_all(ctx, std::move(job), ours(State::pending, "4.4.1", "451 4.4.1 " + why));
    }
}

}  // namespace tern::queue
