#include "app/serve.hpp"

#include <filesystem>
#include <iostream>

#include "app/protocols.hpp"
#include "app/services.hpp"
#include "base/log.hpp"
#include "cli/bootstrap.hpp"
#include "dns/resolver_thread.hpp"
#include "net/server.hpp"
#include "net/tls.hpp"
#include "queue/runner.hpp"

namespace tern::app {
namespace {

accounts::AuthenticatorOptions auth_options(const config::Config& c) {
    accounts::AuthenticatorOptions o;
    o.argon2 = cli::argon2_params(c);
    o.cache_ttl = std::chrono::seconds(c.auth.cache_ttl_seconds);
    o.throttle.max_failures_per_ip = c.auth.max_failures_per_ip;
    o.throttle.max_failures_per_account = c.auth.max_failures_per_account;
    o.throttle.window = std::chrono::seconds(c.auth.failure_window_seconds);
    return o;
}

// The configured certificate, or a self-signed one kept in the data
// directory when none is configured (dev mode, first start).
Result<std::shared_ptr<net::TlsContext>> load_tls(const config::Config& c) {
    std::string cert = c.cert_path(), key = c.key_path();
    bool configured = !c.tls.cert_file.empty() || !c.tls.key_file.empty();
    std::error_code ec;
    if (!configured && (!std::filesystem::exists(cert, ec) || !std::filesystem::exists(key, ec))) {
        Status st = net::generate_self_signed(c.server.hostname, cert, key);
        if (!st) return st.failure();
        log::warn("tls.self_signed")
            .kv("cert", cert)
            .kv("hostname", c.server.hostname)
            .kv("hint", "set tls.cert_file and tls.key_file to a real certificate for production");
    }
    return net::TlsContext::from_files(cert, key);
}

// The Public Suffix List for DMARC (RFC 7489 3.2), read once. Without it
// Tern still runs: the implicit rule "*" of the list's algorithm makes every
// top-level label a suffix, which is right for most domains.
mailauth::dmarc::PublicSuffixList load_psl(const config::Config& c) {
    auto psl = mailauth::dmarc::PublicSuffixList::load(c.mailauth.public_suffix_list);
    if (psl) return std::move(*psl);
    if (c.mailauth.dmarc)
        log::warn("mailauth.no_public_suffix_list")
            .kv("path", c.mailauth.public_suffix_list)
            .kv("error", psl.error().message)
            .kv("hint", "install the publicsuffix package or set mailauth.public_suffix_list");
    return mailauth::dmarc::PublicSuffixList::parse("");
}

dns::CaresOptions dns_options(const config::Config& c) {
    dns::CaresOptions o;
    o.nameservers = c.dns.nameservers;
    o.timeout = std::chrono::milliseconds(c.dns.timeout_ms);
    return o;
}

int fatal(const std::string& what) {
    std::cerr << "tern: " << what << "\n";
    return 1;
}

}  // namespace

int serve(const config::Config& initial) {
    log::init(log::parse_level(initial.server.log_level, log::Level::info));
    std::size_t files = net::raise_file_limit();
    config::ConfigHolder config(std::make_shared<const config::Config>(initial));

    auto store = cli::open_store(initial, true);
    if (!store) return fatal("cannot open the store: " + store.error().message);
    auto demo = cli::dev_first_start(initial, **store);
    if (!demo) return fatal("dev set-up failed: " + demo.error().message);

    auto tls = load_tls(initial);
    if (!tls) return fatal(tls.error().message);

    accounts::Authenticator auth(**store, auth_options(initial));
    net::Blocking blocking(initial.store.worker_threads);
    pop3::MaildropLocks pop3_locks;
    smtp::SendRateLimiter send_rate;
    queue::Wakeup queue_wakeup;
    // One c-ares resolver (and one cache) on its own thread for every session
    // thread (SPF, DKIM and DMARC on port 25) and for the queue runner's MX
    // lookups: dns::async_lookup resumes each caller on its own thread.
    auto resolver = dns::ResolverThread::start(dns_options(initial));
    if (!resolver)
        return fatal("the DNS resolver cannot start: " + resolver.error().message +
                     "; check [dns] nameservers");
    const mailauth::dmarc::PublicSuffixList psl = load_psl(initial);
    Services services{config,    **store,      auth,       blocking, pop3_locks,
                      send_rate, queue_wakeup, **resolver, psl};
    queue::Runner runner({**store, blocking, config, queue_wakeup, resolver->get(), &psl});
    if (auto st = runner.start(); !st)
        return fatal("the outbound queue cannot start: " + st.error().message +
                     "; check [dns] nameservers");

    net::ServerOptions so;
    so.threads = initial.server.threads;
    so.max_connections = initial.limits.max_connections;
    so.max_connections_per_ip = initial.limits.max_connections_per_ip;
    so.shutdown_grace = std::chrono::seconds(initial.server.shutdown_grace_seconds);
    net::Server server(so);
    server.set_tls(*tls);

    std::vector<std::string> listening;
    for (const auto& l : initial.listeners) {
        auto spec = make_listener(l, services);
        if (!spec) {
            log::warn("server.listener_skipped")
                .kv("protocol", config::to_string(l.protocol))
                .kv("port", static_cast<unsigned>(l.port))
                .kv("why", spec.error().message);
            continue;
        }
        auto idx = server.listen(std::move(*spec));
        if (!idx) return fatal(idx.error().message);
        listening.push_back(std::string(config::to_string(l.protocol)) + " " + l.address + ":" +
                            std::to_string(server.bound_port(*idx)) +
                            (l.tls == config::TlsMode::implicit ? " (TLS)" : ""));
    }
    if (listening.empty()) return fatal("no listener could start; check the [[listen]] tables");

    server.on_ready([&] {
        std::cout << "tern " << TERN_VERSION << " ready" << (initial.dev ? " (dev mode)" : "")
                  << "; data in " << initial.server.data_dir << "\n";
        for (const auto& l : listening)
            std::cout << "  listening: " << l << "\n";
        if (*demo)
            std::cout << "  demo account: " << cli::kDemoAddress << " password: " << **demo
                      << "  (shown once; change it with `tern --dev user passwd "
                      << cli::kDemoAddress << "`)\n";
        std::cout.flush();
        log::info("server.ready").kv("listeners", listening.size()).kv("max_files", files);
    });

    std::string config_file = initial.dev ? "" : initial.config_file;
    server.run([&] {
        // SIGHUP: re-read the file; keep running on the old one if it is bad.
        std::shared_ptr<const config::Config> now = config.get();
        config::Config next = *now;
        if (!config_file.empty()) {
            auto loaded = config::load_config(config_file);
            if (!loaded) {
                log::error("server.reload_failed").kv("error", loaded.error().message);
                return;
            }
            next = std::move(*loaded);
        }
        auto new_tls = load_tls(next);
        if (!new_tls) {
            log::error("server.reload_failed").kv("error", new_tls.error().message);
            return;
        }
        server.set_tls(*new_tls);
        server.set_limits(next.limits.max_connections, next.limits.max_connections_per_ip);
        log::init(log::parse_level(next.server.log_level, log::Level::info));
        config.set(std::make_shared<const config::Config>(std::move(next)));
        log::info("server.reloaded").kv("file", config_file);
    });
    runner.stop();        // before the store closes: deliveries under way record their outcome
    (*resolver)->stop();  // the sessions that used it have ended
    (*store)->close();
    log::info("server.stopped");
    return 0;
}

}  // namespace tern::app
