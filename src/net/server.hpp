// Server: listeners, the worker threads, and the life of every connection.
//
// One Server runs every protocol: each listener names a handler coroutine
// that receives a Connection (a Stream plus who is on the other end). The
// server owns what every protocol shares (DESIGN.md rule 4): connection limits
// overall and per client IP, implicit TLS before the handler runs, idle
// timeouts, one log line when a connection opens and one when it closes, and
// graceful shutdown.
//
// Threads: one io_context per worker thread (default: one per core); a
// connection lives on one worker for its whole life, so a session's state is
// never touched by two threads. Accepting and signals run on the thread that
// calls run().
//
// Shutdown (SIGTERM/SIGINT, or request_stop()): stop accepting; sessions
// waiting for a command see IoStatus::shutdown and say goodbye; sessions in
// the middle of a command may finish until the grace period ends; then
// connections still open are closed and run() returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "net/stream.hpp"
#include "net/tls.hpp"

namespace tern::net {

struct Connection {
    Stream& stream;
    std::string session_id;  // short, unique in the process; in every log line
    std::string listener;    // the listener's name ("smtp", "submission", ...)
    std::string remote_ip;
    uint16_t remote_port = 0;
    std::string local_ip;
    uint16_t local_port = 0;
    bool implicit_tls = false;
};

enum class Refusal { too_many_connections, too_many_from_ip };

struct ListenerSpec {
    std::string name;  // used in logs
    std::string address;
    uint16_t port = 0;  // 0 picks a free port (tests); see bound_port()
    bool implicit_tls = false;
    std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
    std::function<Task<void>(Connection&)> handler;
    // The protocol's reply to a refused connection ("421 4.7.0 ...\r\n"),
    // written before the connection is closed. May be empty.
    std::function<std::string(Refusal)> refusal;
};

struct ServerOptions {
    unsigned threads = 0;  // 0: one per CPU core
    std::size_t max_connections = 20000;
    std::size_t max_connections_per_ip = 100;
    std::chrono::seconds shutdown_grace{30};
};

class Server {
  public:
    explicit Server(ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens now, so errors (address in use, permission) are
    // reported before run(). Returns the listener's index.
    Result<std::size_t> listen(ListenerSpec spec);
    uint16_t bound_port(std::size_t listener) const;

    // The TLS configuration for connections accepted from now on.
    void set_tls(std::shared_ptr<TlsContext> tls);
    void set_limits(std::size_t max_connections, std::size_t max_per_ip);

    // Runs until stopped. SIGTERM and SIGINT stop gracefully; SIGHUP calls
    // on_reload (on the accepting thread). Returns when every worker ended.
    void run(std::function<void()> on_reload = {});
    // Thread-safe; may be called before or during run().
    void request_stop();
    // Called once listeners accept (run() has started), for tests and for
    // printing "ready" after start-up.
    void on_ready(std::function<void()> fn);

    std::size_t connections() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Raises the open-file limit to its hard maximum (10,000 connections need
// 10,000 descriptors); returns the new soft limit.
std::size_t raise_file_limit();

}  // namespace tern::net
