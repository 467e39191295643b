#include "net/tcp_stream.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace tern::net {

namespace asio = boost::asio;

std::string_view to_string(IoStatus s) {
    switch (s) {
        case IoStatus::ok:
            return "ok";
        case IoStatus::eof:
            return "eof";
        case IoStatus::timeout:
            return "timeout";
        case IoStatus::shutdown:
            return "shutdown";
        case IoStatus::error:
            return "error";
    }
    return "unknown";
}

TcpStream::TcpStream(asio::ip::tcp::socket socket, std::shared_ptr<TlsContext> tls)
    : socket_(std::move(socket)),
      tls_ctx_(std::move(tls)),
      read_timer_(socket_.get_executor()),
      write_timer_(socket_.get_executor()) {
    boost::system::error_code ec;
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

TcpStream::~TcpStream() = default;

void TcpStream::arm(asio::steady_timer& timer, bool& fired) {
    fired = false;
    timer.expires_after(timeout_);
    std::weak_ptr<int> alive = alive_;
    // A callback may already be queued with success when the operation
    // completes; `alive` and the expiry check keep a stale one harmless.
    timer.async_wait([this, alive, &timer, &fired](const boost::system::error_code& ec) {
        if (ec || alive.expired()) return;
        if (timer.expiry() > asio::steady_timer::clock_type::now()) return;  // re-armed since
        fired = true;
        boost::system::error_code ignored;
        socket_.cancel(ignored);
    });
}

IoStatus TcpStream::map_error(const boost::system::error_code& ec, bool fired) const {
    if (fired) return IoStatus::timeout;
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) return IoStatus::eof;
    return IoStatus::error;
}

Task<IoStatus> TcpStream::read_some(char* buf, std::size_t size, std::size_t& n,
                                    bool interruptible) {
    n = 0;
    if (interruptible && stopping_) co_return IoStatus::shutdown;
    if (!socket_.is_open()) co_return IoStatus::error;
    arm(read_timer_, read_fired_);
    reading_interruptible_ = interruptible;
    interrupted_read_ = false;
    auto token = asio::as_tuple(asio::use_awaitable);
    auto buffer = asio::buffer(buf, size);
    std::tuple<boost::system::error_code, std::size_t> r;
    if (tls_)
        r = co_await tls_->async_read_some(buffer, token);
    else
        r = co_await socket_.async_read_some(buffer, token);
    reading_interruptible_ = false;
    read_timer_.cancel();
    auto [ec, got] = r;
    n = got;
    if (got > 0) co_return IoStatus::ok;
    if (interrupted_read_) co_return IoStatus::shutdown;
    if (!ec) co_return IoStatus::eof;
    co_return map_error(ec, read_fired_);
}

Task<IoStatus> TcpStream::write_all(std::string_view data) {
    if (!socket_.is_open()) co_return IoStatus::error;
    arm(write_timer_, write_fired_);
    auto token = asio::as_tuple(asio::use_awaitable);
    auto buffer = asio::buffer(data.data(), data.size());
    std::tuple<boost::system::error_code, std::size_t> r;
    if (tls_)
        r = co_await asio::async_write(*tls_, buffer, token);
    else
        r = co_await asio::async_write(socket_, buffer, token);
    write_timer_.cancel();
    auto [ec, written] = r;
    if (!ec && written == data.size()) co_return IoStatus::ok;
    co_return map_error(ec, write_fired_);
}

Task<bool> TcpStream::start_tls() {
    if (!tls_ctx_ || tls_) co_return false;
    tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, tls_ctx_->native());
    arm(read_timer_, read_fired_);
    auto token = asio::as_tuple(asio::use_awaitable);
    auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::server, token);
    read_timer_.cancel();
    handshake_done_ = !ec;
    co_return handshake_done_;
}

std::optional<TlsInfo> TcpStream::tls_info() const {
    if (!tls_active()) return std::nullopt;
    SSL* ssl = tls_->native_handle();
    TlsInfo info;
    info.version = SSL_get_version(ssl);
    if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl)) {
        info.cipher = SSL_CIPHER_get_name(c);
        info.bits = SSL_CIPHER_get_bits(c, nullptr);
    }
    return info;
}

void TcpStream::interrupt() {
    stopping_ = true;
    if (reading_interruptible_) {
        interrupted_read_ = true;
        boost::system::error_code ignored;
        socket_.cancel(ignored);
    }
}

void TcpStream::close() {
    boost::system::error_code ignored;
    read_timer_.cancel();
    write_timer_.cancel();
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

}  // namespace tern::net
