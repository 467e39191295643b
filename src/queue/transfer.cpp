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
#include "queue/plan.hpp"
#include "smtp/client/client.hpp"

namespace tern::queue {
namespace {

using State = store::QueueRecipient::State;
namespace client = smtp::client;

constexpr int kMaxAddressesTried = 10;  // per connection attempt, across all MX hosts
constexpr int kMaxSessionsPerRun = 4;   // reconnects after a lost session

Outcome ours(State state, std::string status, std::string reason) {
    return own_outcome(state, std::move(status), std::move(reason));
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
    // TLS with a certificate checked by DANE or against the CA store: what
    // REQUIRETLS needs (RFC 8689 4.2.1).
    bool authenticated = false;
};

net::Task<void> end_session(TransferContext& ctx, Session& s) {
    co_await s.client->quit();
    ctx.closed(s.stream.get());
}

// The handshake parameters for a target's TLS level.
net::ClientTlsParams tls_params(const Target& t, const Plan& plan, const config::Queue& q) {
    net::ClientTlsParams p;
    p.server_name = t.host;
    p.ca_file = q.tls_ca_file;
    switch (t.tls.level) {
        case HostTls::Level::dane:
            p.verify = true;
            p.dane = t.tls.tlsa;
            // RFC 7672 3.2.2: the next-hop domain is a reference identifier
            // for DANE-TA besides the MX host name.
            if (!plan.next_hop.empty()) p.match_names = {t.host, plan.next_hop};
            break;
        case HostTls::Level::verify:
            p.verify = true;
            p.match_names = t.tls.match_names;
            break;
        default:
            // Unauthenticated; names given so the result says whether the
            // certificate would have passed (MTA-STS testing, logs).
            p.match_names = t.tls.match_names;
            break;
    }
    return p;
}

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
        std::string where = t.host + "[" + t.ip + "]";
        auto connect =
            net::connect_tcp(t.ip, t.port, std::chrono::seconds(q.connect_timeout_seconds));
        auto stream = co_await std::move(connect);
        if (!stream) {
            why = "connect to " + where + ":" + std::to_string(t.port) + ": " +
                  stream.error().message;
            log::info("queue.connect_failed").kv("host", t.host).kv("ip", t.ip).kv("error", why);
            continue;
        }
        Session s;
        s.stream = std::move(*stream);
        s.target = t;
        ctx.opened(s.stream.get());
        s.client = std::make_unique<client::Client>(*s.stream, opts);
        // STACK-NOTES: no non-trivial temporaries inside co_await operands,
        // so the reason is set first and the session closed after.
        auto give_up = [&](std::string reason, const char* event) {
            why = std::move(reason);
            log::info(event).kv("host", t.host).kv("ip", t.ip).kv("error", why);
        };
        client::Reply greeting = co_await s.client->greeting();
        client::Reply hello;
        if (greeting.code == 220) hello = co_await s.client->hello();
        if (greeting.code != 220 || !hello.positive()) {
            const client::Reply& bad = greeting.code != 220 ? greeting : hello;
            give_up(where + " said: " + bad.text(), "queue.session_refused");
            co_await end_session(ctx, s);
            continue;
        }
        const HostTls& level = t.tls;
        bool want_auth = !plan.auth_user.empty();
        bool tls_refused_before = no_tls.count(next - 1) != 0;
        if (level.level != HostTls::Level::none && s.client->capabilities().starttls &&
            !tls_refused_before) {
            net::ClientTlsParams params = tls_params(t, plan, q);
            net::ClientTlsResult done = co_await s.client->starttls(params);
            if (!done.ok && (level.required() || want_auth || !s.client->usable())) {
                give_up("STARTTLS with " + where + " failed (" + level.source + " TLS " +
                            std::string(to_string(level.level)) + "): " + done.error,
                        "queue.tls_failed");
                co_await end_session(ctx, s);
                // Opportunistic only: the same host once more, in clear.
                if (!level.required() && !want_auth && no_tls.insert(next - 1).second) --next;
                continue;
            }
            if (done.ok) {
                s.authenticated = done.verified && (level.level == HostTls::Level::dane ||
                                                    level.level == HostTls::Level::verify);
                log::info("queue.tls")
                    .kv("host", t.host)
                    .kv("ip", t.ip)
                    .kv("level", to_string(level.level))
                    .kv("source", level.source)
                    .kv("version", done.info.version)
                    .kv("verified", done.verified ? "yes" : "no")
                    .kv("dane", done.dane_match);
                // RFC 8461 5: testing mode reports a failure and delivers.
                if (level.testing && !done.verified)
                    log::warn("queue.mta_sts_testing_failure")
                        .kv("host", t.host)
                        .kv("ip", t.ip)
                        .kv("why", "certificate does not verify for " + t.host);
            }
            // A 454 to STARTTLS leaves the session usable: go on in clear.
        } else if (level.required() || want_auth) {
            give_up(where + " does not offer STARTTLS, which " +
                        (want_auth ? std::string("AUTH") : level.source + " TLS") + " requires",
                    "queue.tls_missing");
            co_await end_session(ctx, s);
            continue;
        } else if (level.testing) {
            log::warn("queue.mta_sts_testing_failure")
                .kv("host", t.host)
                .kv("ip", t.ip)
                .kv("why", "no STARTTLS");
        }
        if (want_auth) {
            if (!s.authenticated) {
                give_up("not logging in to " + where + ": its certificate was not verified",
                        "queue.auth_refused");
                co_await end_session(ctx, s);
                continue;
            }
            std::string password = read_secret(plan.password_file);
            client::Reply auth = co_await s.client->authenticate(plan.auth_user, password);
            if (!auth.positive()) {
                give_up("AUTH at " + t.host + " failed: " + auth.text(), "queue.auth_failed");
                co_await end_session(ctx, s);
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
    PlanContext pctx{ctx.resolver, ctx.random, *ctx.config, ctx.sts};
    auto plan_op = plan_for(pctx, destination);
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
            if (env.requiretls && !s->authenticated) {
                // RFC 8689 4.2.1: REQUIRETLS mail goes only over TLS whose
                // certificate DANE or MTA-STS/PKIX checked.
                finish(ctx, *job,
                       ours(State::failed, "5.7.30",
                            "550 5.7.30 REQUIRETLS support required: " + s->target.host +
                                " was not reached over authenticated TLS"));
                job = ctx.next_job();
                continue;
            }
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
                    o.relayed_without_dsn =
                        o.state == State::delivered && !s->client->capabilities().dsn;
                }
                o.remote_mta = s->target.host;
                log_outcome(*job, i, o, s->target);
                job->message->outcomes[i] = std::move(o);
            }
            net::Task<void> recorded = ctx.job_recorded(*job);
            co_await std::move(recorded);
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
