#include "queue/runner.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "base/log.hpp"
#include "base/time.hpp"
#include "dns/cares_resolver.hpp"
#include "mtasts/cache.hpp"
#include "queue/bounce.hpp"
#include "queue/dmarc_reports.hpp"
#include "queue/outcome.hpp"
#include "queue/transfer.hpp"
#include "queue/transport.hpp"

namespace tern::queue {

namespace asio = boost::asio;
using State = store::QueueRecipient::State;

namespace {

// A claim lasts this long; a crashed node's messages come back after it.
constexpr int64_t kLeaseSeconds = 3600;

// The recipient's domain, or "[smarthost]" when the smarthost takes it (a
// [[transport]] for the domain wins over the smarthost).
std::string destination_of(const std::string& address, const config::Config& cfg) {
    auto at = address.rfind('@');
    std::string d = at == std::string::npos ? address : address.substr(at + 1);
    std::transform(d.begin(), d.end(), d.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!cfg.queue.smarthost.empty() && find_transport(cfg.transports, d) == nullptr)
        return "[smarthost]";
    return d;
}

RetryPolicy policy_of(const config::Queue& q) {
    RetryPolicy p;
    p.initial_seconds = q.retry_initial_seconds;
    p.max_seconds = q.retry_max_seconds;
    p.max_age_seconds = q.max_age_seconds;
    p.delay_notice_seconds = q.delay_notice_seconds;
    return p;
}

DsnRecipient dsn_recipient(const store::QueueRecipient& r, const Outcome& o,
                           DsnRecipient::Action action, int64_t now, int64_t retry_until) {
    DsnRecipient d;
    d.final_recipient = r.address;
    d.original_recipient = r.orcpt;
    d.action = action;
    d.status = o.status;
    d.remote_mta = o.remote_mta;
    d.diagnostic = o.reply;
    d.diagnostic_is_smtp = o.from_remote;
    d.last_attempt = now;
    d.will_retry_until = action == DsnRecipient::Action::delayed ? retry_until : 0;
    return d;
}

}  // namespace

struct Runner::Impl {
    explicit Impl(RunnerDeps d) : deps(d), timer(io), dmarc_timer(io) {}

    RunnerDeps deps;
    asio::io_context io;
    asio::steady_timer timer;
    asio::steady_timer dmarc_timer;  // the next DMARC report run
    bool dmarc_done = false;
    std::thread thread;
    std::unique_ptr<dns::CaresResolver> own_resolver;
    dns::Resolver* resolver = nullptr;
    std::atomic<bool> stopping{false};
    std::mt19937 random{std::random_device{}()};
    std::string owner;
    std::shared_ptr<const DkimKeyring> dkim;
    // RFC 8461 5.1: policies cached across restarts in <data_dir>.
    std::unique_ptr<mtasts::PolicyCache> sts;
    // Touched only inside the loop's blocking job (one at a time).
    std::filesystem::file_time_type dkim_stamp{};
    bool dkim_loaded = false;

    // Everything below is touched on the runner thread only.
    struct Destination {
        std::deque<Job> jobs;
        unsigned connections = 0;
    };
    std::map<std::string, Destination> destinations;
    std::set<store::QueueId> inflight;
    std::set<net::Stream*> streams;
    unsigned connections = 0;
    unsigned finalizing = 0;
    bool loop_done = false;
    bool woken = false;

    void wake() {
        woken = true;
        timer.cancel();
    }

    void maybe_finish() {
        if (stopping && loop_done && dmarc_done && connections == 0 && finalizing == 0) io.stop();
    }

    template <class Awaitable>
    void spawn(Awaitable task, const char* what) {
        asio::co_spawn(io, std::move(task), [what](std::exception_ptr e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                log::error("queue.task_failed").kv("task", what).kv("error", ex.what());
            }
        });
    }

    std::shared_ptr<const DkimKeyring> refresh_dkim(const config::Config& cfg);
    net::Task<void> loop();
    net::Task<void> dmarc_loop();
    void admit(store::QueuedMessage message, const config::Config& cfg);
    void pump(const std::string& key);
    net::Task<void> connection(std::string key);
    void job_done(Job& job);
    net::Task<void> job_recorded(Job& job);
    net::Task<void> finalize(std::shared_ptr<Inflight> message);
    void record(Inflight& m, const config::Config& cfg);
};

// (Re)loads the DKIM keys when <data_dir>/dkim changed (`tern dkim keygen`
// while the server runs): keygen adds or replaces a file in it.
// Runs on the worker pool; returns the new keyring, or null when unchanged.
std::shared_ptr<const DkimKeyring> Runner::Impl::refresh_dkim(const config::Config& cfg) {
    std::string dir = cfg.server.data_dir + "/dkim";
    std::error_code ec;
    auto stamp = std::filesystem::last_write_time(dir, ec);
    if (ec) stamp = {};
    if (dkim_loaded && stamp == dkim_stamp) return nullptr;
    dkim_loaded = true;
    dkim_stamp = stamp;
    auto ring = DkimKeyring::load(dir);
    log::info("queue.dkim_keys").kv("dir", dir).kv("keys", ring->size());
    return ring;
}

net::Task<void> Runner::Impl::dmarc_loop() {
    std::chrono::seconds wait(60);  // let the server settle first
    while (!stopping) {
        dmarc_timer.expires_after(wait);
        auto token = asio::as_tuple(asio::use_awaitable);
        co_await dmarc_timer.async_wait(token);
        if (stopping) break;
        wait = std::chrono::hours(1);
        std::shared_ptr<const config::Config> cfg = deps.config.get();
        if (!cfg->mailauth.dmarc_reports) continue;
        DmarcReportContext ctx{deps.store, deps.blocking, *resolver, *cfg, deps.psl, &deps.wakeup};
        int64_t now = unix_now();
        auto op = send_dmarc_reports(ctx, utc_day(now), now);
        DmarcReportRun run = co_await std::move(op);
        if (run.reports + run.skipped + run.deferred > 0)
            log::info("dmarc.reports")
                .kv("queued", run.reports)
                .kv("dropped", run.skipped)
                .kv("deferred", run.deferred);
    }
    dmarc_done = true;
    maybe_finish();
}

net::Task<void> Runner::Impl::loop() {
    std::function<void()> release = [this] { (void)deps.store.release_claims(owner); };
    co_await deps.blocking.run(release);
    while (!stopping) {
        std::shared_ptr<const config::Config> cfg = deps.config.get();
        const config::Queue& q = cfg->queue;
        std::size_t cap = static_cast<std::size_t>(q.max_deliveries) * 4;
        std::size_t room = cap > inflight.size() ? cap - inflight.size() : 0;
        int64_t now = unix_now();
        Result<std::vector<store::QueuedMessage>> claimed = std::vector<store::QueuedMessage>();
        Result<std::optional<int64_t>> due = std::optional<int64_t>();
        std::shared_ptr<const DkimKeyring> keys;
        std::function<void()> job = [&] {
            keys = refresh_dkim(*cfg);
            if (room > 0) claimed = deps.store.claim_due(owner, now, now + kLeaseSeconds, room);
            due = deps.store.next_due();
        };
        woken = false;
        co_await deps.blocking.run(job);
        if (keys) dkim = std::move(keys);
        if (!claimed) log::error("queue.claim_failed").kv("error", claimed.error().message);
        if (claimed) {
            for (auto& m : *claimed)
                admit(std::move(m), *cfg);
        }
        if (stopping) break;
        if (woken) continue;  // new work arrived while we were claiming
        int64_t wait = q.scan_interval_seconds;
        if (due && due->has_value() && **due > now) wait = std::min<int64_t>(wait, **due - now);
        if (due && due->has_value() && **due <= now && room > 0 && claimed &&
            claimed->size() == room)
            wait = 0;  // more is due than we took: take the next batch
        timer.expires_after(std::chrono::seconds(wait));
        auto token = asio::as_tuple(asio::use_awaitable);
        co_await timer.async_wait(token);
    }
    loop_done = true;
    maybe_finish();
}

void Runner::Impl::admit(store::QueuedMessage message, const config::Config& cfg) {
    auto m = std::make_shared<Inflight>();
    m->message = std::move(message);
    m->outcomes.resize(m->message.recipients.size());
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < m->message.recipients.size(); ++i) {
        const auto& r = m->message.recipients[i];
        if (r.state == State::pending) groups[destination_of(r.address, cfg)].push_back(i);
    }
    inflight.insert(m->message.id);
    m->jobs_left = static_cast<unsigned>(groups.size());
    if (groups.empty()) {
        ++finalizing;
        spawn(finalize(m), "finalize");
        return;
    }
    for (auto& [key, idx] : groups)
        destinations[key].jobs.push_back(Job{m, std::move(idx)});
    for (auto& [key, idx] : groups)
        pump(key);
}

void Runner::Impl::pump(const std::string& key) {
    auto cfg = deps.config.get();
    auto it = destinations.find(key);
    if (it == destinations.end()) return;
    Destination& d = it->second;
    while (!stopping && d.connections < cfg->queue.max_per_destination &&
           connections < cfg->queue.max_deliveries && d.connections < d.jobs.size()) {
        ++d.connections;
        ++connections;
        spawn(connection(key), "connection");
    }
}

net::Task<void> Runner::Impl::connection(std::string key) {
    TransferContext ctx{
        *resolver,
        random,
        deps.config.get(),
        deps.blocking,
        deps.store,
        stopping,
        dkim,
        sts.get(),
        [this, key]() -> std::optional<Job> {
            auto it = destinations.find(key);
            if (it == destinations.end() || it->second.jobs.empty()) return std::nullopt;
            Job j = std::move(it->second.jobs.front());
            it->second.jobs.pop_front();
            return j;
        },
        [this](Job& j) { job_done(j); },
        [this](Job& j) { return job_recorded(j); },
        [this](net::Stream* s) { streams.insert(s); },
        [this](net::Stream* s) { streams.erase(s); },
    };
    co_await run_connection(ctx, key);
    --connections;
    auto it = destinations.find(key);
    if (it != destinations.end()) {
        --it->second.connections;
        if (it->second.jobs.empty() && it->second.connections == 0) destinations.erase(it);
    }
    // A slot is free: destinations still waiting may open a connection.
    std::vector<std::string> waiting;
    for (const auto& [k, d] : destinations)
        if (!d.jobs.empty()) waiting.push_back(k);
    for (const auto& k : waiting)
        pump(k);
    maybe_finish();
}

void Runner::Impl::job_done(Job& job) {
    if (--job.message->jobs_left == 0) {
        ++finalizing;
        spawn(finalize(job.message), "finalize");
    }
}

net::Task<void> Runner::Impl::job_recorded(Job& job) {
    if (--job.message->jobs_left != 0) co_return;
    ++finalizing;
    net::Task<void> done = finalize(job.message);
    co_await std::move(done);
}

net::Task<void> Runner::Impl::finalize(std::shared_ptr<Inflight> message) {
    std::shared_ptr<const config::Config> cfg = deps.config.get();
    std::function<void()> job = [&] { record(*message, *cfg); };
    co_await deps.blocking.run(job);
    inflight.erase(message->message.id);
    --finalizing;
    if (!stopping) wake();  // room for more work
    maybe_finish();
}

// Runs on the worker pool: decides every pending recipient of this attempt,
// sends the DSNs it owes, and records the attempt.
void Runner::Impl::record(Inflight& inf, const config::Config& cfg) {
    const store::QueuedMessage& m = inf.message;
    RetryPolicy policy = policy_of(cfg.queue);
    int64_t now = unix_now();
    bool too_old = expired(policy, m.created_at, now);
    std::vector<store::RecipientUpdate> updates;
    std::vector<DsnRecipient> failed, delayed, relayed;
    uint32_t attempts = 1;
    for (std::size_t i = 0; i < m.recipients.size(); ++i) {
        const auto& r = m.recipients[i];
        if (r.state != State::pending) continue;
        Outcome o;
        if (inf.outcomes[i]) {
            o = *inf.outcomes[i];
        } else {
            o.status = "4.0.0";
            o.reply = "not attempted";
        }
        if (o.state == State::pending && too_old) {
            // RFC 3463 4.4.7: delivery time expired.
            o.state = State::failed;
            o.status = "4.4.7";
            o.reply = "message expired after " + std::to_string((now - m.created_at) / 3600) +
                      " hours in the queue; last error: " + o.reply;
            o.from_remote = false;
            log::info("queue.expired").kv("qid", m.id).kv("rcpt", r.address);
        }
        updates.push_back({r.address, o.state, o.reply, o.remote_mta});
        if (o.state == State::failed && wants_dsn(r.notify, DsnKind::failure))
            failed.push_back(dsn_recipient(r, o, DsnRecipient::Action::failed, now, 0));
        // RFC 3461 4.2: a server without DSN got the message; the success
        // notice the sender asked for is ours to send, as "relayed".
        if (o.state == State::delivered && o.relayed_without_dsn && !r.notify.empty() &&
            wants_dsn(r.notify, DsnKind::success)) {
            Outcome ok = o;
            ok.status = "2.0.0";
            relayed.push_back(dsn_recipient(r, ok, DsnRecipient::Action::relayed, now, 0));
        }
        if (o.state == State::pending) {
            attempts = std::max(attempts, r.attempts + 1);
            if (wants_dsn(r.notify, DsnKind::delay))
                delayed.push_back(dsn_recipient(r, o, DsnRecipient::Action::delayed, now,
                                                m.created_at + policy.max_age_seconds));
        }
    }
    bool notice = !delayed.empty() && delay_notice_due(policy, m, now);
    if (!failed.empty() || notice || !relayed.empty()) {
        std::string raw_copy;
        const std::string* raw = inf.raw.get();
        if (raw == nullptr) {
            auto loaded = deps.store.read_queued(m.id);
            if (loaded) raw_copy = std::move(*loaded);
            raw = &raw_copy;
        }
        BounceContext bc{deps.store, cfg.server.hostname, &deps.wakeup};
        // The DSN goes out before the attempt is recorded: a crash in
        // between repeats the DSN rather than losing it.
        if (!failed.empty()) {
            if (auto s = send_dsn(bc, m, *raw, std::move(failed), now); !s)
                log::error("queue.dsn_failed").kv("qid", m.id).kv("error", s.error().message);
        }
        if (!relayed.empty()) {
            if (auto s = send_dsn(bc, m, *raw, std::move(relayed), now); !s)
                log::error("queue.dsn_failed").kv("qid", m.id).kv("error", s.error().message);
        }
        if (notice) {
            if (auto s = send_dsn(bc, m, *raw, std::move(delayed), now); !s)
                log::error("queue.dsn_failed").kv("qid", m.id).kv("error", s.error().message);
            else
                (void)deps.store.set_delay_notified(m.id, now);
        }
    }
    int64_t next = next_attempt_after(policy, attempts, now);
    if (auto s = deps.store.record_attempt(m.id, updates, next);
        !s && s.error().code != Errc::not_found)
        log::error("queue.record_failed").kv("qid", m.id).kv("error", s.error().message);
}

Runner::Runner(RunnerDeps deps) : impl_(std::make_unique<Impl>(deps)) {}

Runner::~Runner() {
    stop();
}

Status Runner::start() {
    auto cfg = impl_->deps.config.get();
    impl_->owner = cfg->server.hostname;
    impl_->sts =
        std::make_unique<mtasts::PolicyCache>(cfg->server.data_dir + "/mta-sts-cache.json");
    impl_->resolver = impl_->deps.resolver;
    if (impl_->resolver == nullptr) {
        dns::CaresOptions o;
        o.nameservers = cfg->dns.nameservers;
        o.timeout = std::chrono::milliseconds(cfg->dns.timeout_ms);
        auto r = dns::CaresResolver::create(impl_->io, o);
        if (!r) return r.failure();
        impl_->own_resolver = std::move(*r);
        impl_->resolver = impl_->own_resolver.get();
    }
    Impl* impl = impl_.get();
    impl_->deps.wakeup.attach([impl] { asio::post(impl->io, [impl] { impl->wake(); }); });
    impl_->spawn(impl_->loop(), "loop");
    impl_->spawn(impl_->dmarc_loop(), "dmarc");
    impl_->thread = std::thread([impl] {
        impl->io.run();
        log::info("queue.stopped");
    });
    log::info("queue.started").kv("owner", impl_->owner);
    return {};
}

void Runner::stop() {
    if (!impl_->thread.joinable()) return;
    impl_->deps.wakeup.detach();
    Impl* impl = impl_.get();
    asio::post(impl->io, [impl] {
        impl->stopping = true;
        impl->timer.cancel();
        impl->dmarc_timer.cancel();
        for (net::Stream* s : impl->streams)
            s->close();
        impl->maybe_finish();
    });
    impl_->thread.join();
    impl_->own_resolver.reset();
}

}  // namespace tern::queue
