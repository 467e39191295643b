#include "net/connect.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/tcp_stream.hpp"

namespace tern::net {

namespace asio = boost::asio;

namespace {

// Shared with the timer's callback, which may still be queued after the
// coroutine (and the socket in its frame) is gone.
struct ConnectState {
    asio::ip::tcp::socket* socket = nullptr;
    bool done = false;
    bool fired = false;
};

}  // namespace

Task<Result<std::unique_ptr<Stream>>> connect_tcp(std::string ip, uint16_t port,
                                                  std::chrono::milliseconds timeout) {
    if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    boost::system::error_code ec;
    auto address = asio::ip::make_address(ip, ec);
    if (ec) co_return fail(Errc::invalid, "'" + ip + "' is not an IP address");
    std::string where = (address.is_v6() ? "[" + ip + "]" : ip) + ":" + std::to_string(port);

    auto executor = co_await asio::this_coro::executor;
    asio::ip::tcp::socket socket(executor);
    asio::steady_timer timer(executor);
    auto state = std::make_shared<ConnectState>();
    state->socket = &socket;
    timer.expires_after(timeout);
    timer.async_wait([state](const boost::system::error_code& e) {
        if (e || state->done) return;
        state->fired = true;
        boost::system::error_code ignored;
        state->socket->close(ignored);  // ends the pending connect
    });
    asio::ip::tcp::endpoint endpoint(address, port);
    auto token = asio::as_tuple(asio::use_awaitable);
    auto [cec] = co_await socket.async_connect(endpoint, token);
    state->done = true;
    timer.cancel();
    if (state->fired) {
        auto ms = static_cast<long long>(timeout.count());
        co_return fail(Errc::timeout,
                       "no answer from " + where + " within " + std::to_string(ms) + " ms");
    }
    if (cec) co_return fail(Errc::io, "cannot connect to " + where + ": " + cec.message());
    std::unique_ptr<Stream> stream = std::make_unique<TcpStream>(std::move(socket), nullptr);
    co_return std::move(stream);
}

}  // namespace tern::net
