// The Server on real loopback sockets: limits, timeouts and shutdown as a
// client sees them.
#include "net/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "net/line_reader.hpp"

namespace tern::net {
namespace {

using namespace std::chrono_literals;

// A tiny line protocol: greets, echoes each line, answers over-long lines
// with an error, and says why it closes.
Task<void> echo_session(Connection& c) {
    co_await c.stream.write_all("220 hello " + c.remote_ip + "\r\n");
    LineReader reader(c.stream);
    for (;;) {
        Line line = co_await reader.read_line(64, true);
        if (line.status == IoStatus::timeout) {
            co_await c.stream.write_all("421 idle timeout\r\n");
            co_return;
        }
        if (line.status == IoStatus::shutdown) {
            co_await c.stream.write_all("421 shutting down\r\n");
            co_return;
        }
        if (line.status != IoStatus::ok) co_return;
        if (line.too_long) {
            co_await c.stream.write_all("500 line too long\r\n");
            continue;
        }
        if (line.text() == "QUIT") co_return;
        std::string reply = "250 " + std::string(line.text()) + "\r\n";
        co_await c.stream.write_all(reply);
    }
}

class Client {
  public:
    explicit Client(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~Client() { ::close(fd_); }
    bool connected() const { return connected_; }
    void send(std::string_view s) { (void)::send(fd_, s.data(), s.size(), MSG_NOSIGNAL); }
    // Reads one line, or "" at EOF or after the timeout.
    std::string line(std::chrono::milliseconds timeout = 5s) {
        for (;;) {
            auto nl = buf_.find('\n');
            if (nl != std::string::npos) {
                std::string l = buf_.substr(0, nl + 1);
                buf_.erase(0, nl + 1);
                return l;
            }
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return "";
            char tmp[4096];
            ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
            if (n <= 0) return "";
            buf_.append(tmp, static_cast<std::size_t>(n));
        }
    }
    bool closed_by_peer(std::chrono::milliseconds timeout = 5s) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
        char c;
        return ::recv(fd_, &c, 1, 0) == 0;
    }

  private:
    int fd_;
    bool connected_ = false;
    std::string buf_;
};

struct RunningServer {
    explicit RunningServer(ServerOptions opts, std::chrono::milliseconds idle = 5s) : server(opts) {
        ListenerSpec spec;
        spec.name = "echo";
        spec.address = "127.0.0.1";
        spec.port = 0;
        spec.idle_timeout = idle;
        spec.handler = echo_session;
        spec.refusal = [](Refusal r) {
            return std::string(r == Refusal::too_many_from_ip ? "421 too many from you\r\n"
                                                              : "421 too many\r\n");
        };
        auto idx = server.listen(spec);
        EXPECT_TRUE(idx.ok());
        port = server.bound_port(*idx);
        thread = std::thread([this] { server.run(); });
    }
    ~RunningServer() { stop(); }
    void stop() {
        if (thread.joinable()) {
            server.request_stop();
            thread.join();
        }
    }
    Server server;
    uint16_t port = 0;
    std::thread thread;
};

ServerOptions opts(std::size_t max_total = 100, std::size_t per_ip = 100) {
    ServerOptions o;
    o.threads = 2;
    o.max_connections = max_total;
    o.max_connections_per_ip = per_ip;
    o.shutdown_grace = 2s;
    return o;
}

TEST(Server, GreetsAndEchoes) {
    RunningServer s(opts());
    Client c(s.port);
    ASSERT_TRUE(c.connected());
    EXPECT_EQ(c.line(), "220 hello 127.0.0.1\r\n");
    c.send("NOOP\r\nPING\r\n");  // pipelined
    EXPECT_EQ(c.line(), "250 NOOP\r\n");
    EXPECT_EQ(c.line(), "250 PING\r\n");
    c.send("QUIT\r\n");
    EXPECT_TRUE(c.closed_by_peer());
}

TEST(Server, OverlongLineGetsReplyAndSessionGoesOn) {
    RunningServer s(opts());
    Client c(s.port);
    c.line();
    c.send(std::string(10000, 'x') + "\r\nNOOP\r\n");
    EXPECT_EQ(c.line(), "500 line too long\r\n");
    EXPECT_EQ(c.line(), "250 NOOP\r\n");
}

TEST(Server, IdleClientIsToldAndClosed) {
    RunningServer s(opts(), 300ms);
    Client c(s.port);
    c.line();
    EXPECT_EQ(c.line(3s), "421 idle timeout\r\n");
    EXPECT_TRUE(c.closed_by_peer());
}

TEST(Server, PerIpLimitRefusesWithProtocolReply) {
    RunningServer s(opts(100, 2));
    Client a(s.port), b(s.port);
    EXPECT_EQ(a.line().substr(0, 3), "220");
    EXPECT_EQ(b.line().substr(0, 3), "220");
    Client c(s.port);
    EXPECT_EQ(c.line(), "421 too many from you\r\n");
    EXPECT_TRUE(c.closed_by_peer());
    a.send("QUIT\r\n");
    EXPECT_TRUE(a.closed_by_peer());
    // The slot is free again once the first session ended.
    for (int i = 0; i < 50 && s.server.connections() > 1; ++i)
        std::this_thread::sleep_for(10ms);
    Client d(s.port);
    EXPECT_EQ(d.line().substr(0, 3), "220");
}

TEST(Server, TotalLimitRefuses) {
    RunningServer s(opts(1, 10));
    Client a(s.port);
    EXPECT_EQ(a.line().substr(0, 3), "220");
    Client b(s.port);
    EXPECT_EQ(b.line(), "421 too many\r\n");
}

TEST(Server, GracefulShutdownTellsIdleSessionsAndReturns) {
    RunningServer s(opts());
    Client a(s.port), b(s.port);
    a.line();
    b.line();
    auto t0 = std::chrono::steady_clock::now();
    s.server.request_stop();
    EXPECT_EQ(a.line(), "421 shutting down\r\n");
    EXPECT_EQ(b.line(), "421 shutting down\r\n");
    s.thread.join();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    Client late(s.port);
    EXPECT_FALSE(late.connected());
}

TEST(Server, ListenErrorsSayWhatToDo) {
    Server server(opts());
    ListenerSpec spec;
    spec.name = "x";
    spec.address = "not-an-ip";
    spec.handler = echo_session;
    auto r = server.listen(spec);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("not an IP address"), std::string::npos);

    RunningServer s(opts());
    spec.address = "127.0.0.1";
    spec.port = s.port;
    auto busy = server.listen(spec);
    ASSERT_FALSE(busy.ok());
    EXPECT_NE(busy.error().message.find("another program listens there"), std::string::npos);
}

}  // namespace
}  // namespace tern::net
