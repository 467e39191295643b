#include "net/server.hpp"

#include <sys/resource.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include "base/log.hpp"
#include "base/random_id.hpp"
#include "net/limits.hpp"
#include "net/tcp_stream.hpp"

namespace tern::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// One io_context and its thread. Connections registered here are touched
// only on this worker's thread.
struct Worker {
    asio::io_context ctx{1};
    asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(ctx);
    std::thread thread;
    std::list<TcpStream*> streams;  // live connections, for shutdown
};

struct Listening {
    ListenerSpec spec;
    std::unique_ptr<tcp::acceptor> acceptor;
    uint16_t port = 0;
};

}  // namespace

struct Server::Impl {
    explicit Impl(ServerOptions o)
        : options(o), limiter(o.max_connections, o.max_connections_per_ip) {}

    Task<void> accept_loop(Listening& l);
    Task<void> run_connection(Worker& w, tcp::socket socket, Listening& l);
    void begin_shutdown();

    ServerOptions options;
    ConnectionLimiter limiter;
    // Destruction runs bottom-up: acceptors, then the accepting context
    // (whose pending accepts hold sockets of the workers), then the workers.
    std::vector<std::unique_ptr<Worker>> workers;
    asio::io_context main{1};
    std::vector<std::unique_ptr<Listening>> listeners;
    std::size_t next_worker = 0;
    std::mutex tls_mu;
    std::shared_ptr<TlsContext> tls;
    std::atomic<std::size_t> live{0};
    std::atomic<bool> stopping{false};
    std::function<void()> ready;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(options)) {
    unsigned n =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i)
        impl_->workers.push_back(std::make_unique<Worker>());
}

Server::~Server() {
    for (auto& w : impl_->workers) {
        w->guard.reset();
        w->ctx.stop();
        if (w->thread.joinable()) w->thread.join();
    }
}

Result<std::size_t> Server::listen(ListenerSpec spec) {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(spec.address, ec);
    if (ec)
        return fail(Errc::invalid,
                    "listener " + spec.name + ": '" + spec.address + "' is not an IP address");
    auto l = std::make_unique<Listening>();
    l->acceptor = std::make_unique<tcp::acceptor>(impl_->main);
    tcp::endpoint ep(addr, spec.port);
    std::string where = spec.address + ":" + std::to_string(spec.port);
    l->acceptor->open(ep.protocol(), ec);
    if (!ec) l->acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec && addr.is_v6()) l->acceptor->set_option(asio::ip::v6_only(true), ec);
    if (!ec) l->acceptor->bind(ep, ec);
    if (!ec) l->acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        std::string hint = ec == asio::error::address_in_use
                               ? "; another program listens there: stop it or change the port"
                           : ec == asio::error::access_denied
                               ? "; ports below 1024 need root or CAP_NET_BIND_SERVICE"
                               : "";
        return fail(Errc::io,
                    "cannot listen on " + where + " (" + spec.name + "): " + ec.message() + hint);
    }
    l->port = l->acceptor->local_endpoint().port();
    l->spec = std::move(spec);
    impl_->listeners.push_back(std::move(l));
    return impl_->listeners.size() - 1;
}

uint16_t Server::bound_port(std::size_t i) const {
    return impl_->listeners.at(i)->port;
}

void Server::set_tls(std::shared_ptr<TlsContext> tls) {
    std::lock_guard lock(impl_->tls_mu);
    impl_->tls = std::move(tls);
}

void Server::set_limits(std::size_t max_connections, std::size_t max_per_ip) {
    impl_->limiter.set_limits(max_connections, max_per_ip);
}

std::size_t Server::connections() const {
    return impl_->live.load();
}

void Server::on_ready(std::function<void()> fn) {
    impl_->ready = std::move(fn);
}

void Server::request_stop() {
    asio::post(impl_->main, [impl = impl_.get()] { impl->begin_shutdown(); });
}

Task<void> Server::Impl::accept_loop(Listening& l) {
    auto token = asio::as_tuple(asio::use_awaitable);
    while (!stopping) {
        Worker& w = *workers[next_worker++ % workers.size()];
        auto [ec, socket] = co_await l.acceptor->async_accept(w.ctx, token);
        if (stopping) break;
        if (ec) {
            if (ec == asio::error::operation_aborted) break;
            // Out of descriptors or memory: back off instead of spinning.
            log::warn("net.accept_failed").kv("listener", l.spec.name).kv("error", ec.message());
            asio::steady_timer pause(main, std::chrono::milliseconds(100));
            co_await pause.async_wait(token);
            continue;
        }
        asio::co_spawn(w.ctx, run_connection(w, std::move(socket), l), asio::detached);
    }
}

Task<void> Server::Impl::run_connection(Worker& w, tcp::socket socket, Listening& l) {
    boost::system::error_code ec;
    auto remote = socket.remote_endpoint(ec);
    auto local = socket.local_endpoint(ec);
    std::string ip = remote.address().to_string();
    if (remote.address().is_v6() && remote.address().to_v6().is_v4_mapped())
        ip = asio::ip::make_address_v4(asio::ip::v4_mapped, remote.address().to_v6()).to_string();

    std::shared_ptr<TlsContext> tls_now;
    {
        std::lock_guard lock(tls_mu);
        tls_now = tls;
    }
    TcpStream stream(std::move(socket), tls_now);
    stream.set_timeout(l.spec.idle_timeout);
    Connection conn{
        stream,        random_id(12, kSessionIdAlphabet), l.spec.name,  ip,
        remote.port(), local.address().to_string(),       local.port(), l.spec.implicit_tls};

    Admission adm = limiter.try_admit(ip);
    if (adm != Admission::ok) {
        log::warn("net.refused")
            .kv("sid", conn.session_id)
            .kv("listener", l.spec.name)
            .kv("ip", ip)
            .kv("reason", adm == Admission::too_many_connections ? "max_connections"
                                                                 : "max_connections_per_ip");
        if (l.spec.refusal) {
            std::string reply = l.spec.refusal(adm == Admission::too_many_connections
                                                   ? Refusal::too_many_connections
                                                   : Refusal::too_many_from_ip);
            // Implicit-TLS ports cannot speak before a handshake; just close.
            if (!reply.empty() && !l.spec.implicit_tls) {
                stream.set_timeout(std::chrono::seconds(5));
                co_await stream.write_all(reply);
            }
        }
        stream.close();
        co_return;
    }
    Admitted admitted(limiter, ip);
    ++live;
    auto it = w.streams.insert(w.streams.end(), &stream);
    if (stopping) stream.interrupt();
    auto started = Clock::now();
    log::info("net.open")
        .kv("sid", conn.session_id)
        .kv("listener", l.spec.name)
        .kv("ip", ip)
        .kv("port", static_cast<unsigned>(conn.remote_port));

    bool run_handler = true;
    if (l.spec.implicit_tls) {
        if (!tls_now || !co_await stream.start_tls()) {
            log::warn("net.tls_failed").kv("sid", conn.session_id).kv("ip", ip);
            run_handler = false;
        }
    }
    if (run_handler) {
        try {
            co_await l.spec.handler(conn);
        } catch (const std::exception& e) {
            // A handler bug must cost one session, never the process.
            log::error("net.session_exception").kv("sid", conn.session_id).kv("what", e.what());
        }
    }
    stream.close();
    w.streams.erase(it);
    --live;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    log::info("net.close").kv("sid", conn.session_id).kv("ms", static_cast<int64_t>(ms));
}

void Server::Impl::begin_shutdown() {
    if (stopping.exchange(true)) return;
    log::info("server.stopping")
        .kv("connections", live.load())
        .kv("grace_s", static_cast<int64_t>(options.shutdown_grace.count()));
    for (auto& l : listeners) {
        boost::system::error_code ec;
        l->acceptor->close(ec);
    }
    for (auto& w : workers) {
        asio::post(w->ctx, [w = w.get()] {
            for (TcpStream* s : w->streams)
                s->interrupt();
        });
    }
    // Wait for sessions to end, then force the stragglers closed.
    asio::co_spawn(
        main,
        [this]() -> Task<void> {
            auto token = asio::as_tuple(asio::use_awaitable);
            auto deadline = Clock::now() + options.shutdown_grace;
            asio::steady_timer t(main);
            while (live.load() > 0 && Clock::now() < deadline) {
                t.expires_after(std::chrono::milliseconds(20));
                co_await t.async_wait(token);
            }
            if (live.load() > 0) {
                log::warn("server.forced_close").kv("connections", live.load());
                for (auto& w : workers) {
                    asio::post(w->ctx, [w = w.get()] {
                        for (TcpStream* s : w->streams)
                            s->close();
                    });
                }
                auto hard = Clock::now() + std::chrono::seconds(2);
                while (live.load() > 0 && Clock::now() < hard) {
                    t.expires_after(std::chrono::milliseconds(20));
                    co_await t.async_wait(token);
                }
            }
            main.stop();
        },
        asio::detached);
}

void Server::run(std::function<void()> on_reload) {
    std::signal(SIGPIPE, SIG_IGN);
    for (auto& w : impl_->workers) {
        Worker* wp = w.get();
        w->thread = std::thread([wp] { wp->ctx.run(); });
    }
    asio::signal_set signals(impl_->main, SIGTERM, SIGINT, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_signal;
    on_signal = [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
            log::info("server.reload");
            if (on_reload) on_reload();
            signals.async_wait(on_signal);
            return;
        }
        log::info("server.signal").kv("signal", sig == SIGTERM ? "TERM" : "INT");
        impl_->begin_shutdown();
    };
    signals.async_wait(on_signal);
    for (auto& l : impl_->listeners) {
        Listening* lp = l.get();
        asio::co_spawn(impl_->main, impl_->accept_loop(*lp), asio::detached);
    }
    if (impl_->ready) asio::post(impl_->main, impl_->ready);
    impl_->main.run();
    boost::system::error_code ignored;
    signals.cancel(ignored);
    for (auto& w : impl_->workers) {
        w->guard.reset();
        w->ctx.stop();
        if (w->thread.joinable()) w->thread.join();
    }
}

std::size_t raise_file_limit() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur;
}

}  // namespace tern::net
