// TcpStream: Stream over a TCP socket, with STARTTLS or implicit TLS.
// Internal to net/: only the server, connect_tcp() and their tests construct it.
// Accepted connections are TLS servers (start_tls); outbound ones made by
// connect_tcp() are TLS clients (start_tls_client, RFC 3207 as a client).
//
// Timeouts: each read and write arms a timer; when it fires the socket's
// operations are cancelled and the call returns IoStatus::timeout. Graceful
// shutdown: interrupt() ends an interruptible read with IoStatus::shutdown.
// Wake-ups (waker(), for IMAP IDLE): posted to the stream's executor, where
// they cancel the interruptible read under way, which then reports
// IoStatus::woken; TLS state survives because nothing was consumed.
// All calls happen on the stream's own executor (one io_context thread).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "net/stream.hpp"
#include "net/tls.hpp"

namespace tern::net {

class TcpStream final : public Stream {
  public:
    TcpStream(boost::asio::ip::tcp::socket socket, std::shared_ptr<TlsContext> tls);
    ~TcpStream() override;

    Task<IoStatus> read_some(char* buf, std::size_t size, std::size_t& n,
                             bool interruptible) override;
    Task<IoStatus> write_all(std::string_view data) override;
    Task<bool> start_tls() override;
    bool tls_available() const override { return tls_ctx_ != nullptr; }
    bool tls_active() const override { return tls_ != nullptr && handshake_done_; }
    std::optional<TlsInfo> tls_info() const override;
    Task<ClientTlsResult> start_tls_client(const ClientTlsParams& params) override;
    void set_timeout(std::chrono::milliseconds timeout) override { timeout_ = timeout; }
    std::chrono::milliseconds timeout() const override { return timeout_; }
    bool stopping() const override { return stopping_; }
    void close() override;
    std::function<void()> waker() override;

    // Asks the session to finish: an interruptible read under way ends now,
    // later interruptible reads end at once.
    void interrupt();

  private:
    // Shared with wakers, which may run on other threads and outlive us.
    struct WakeState;
    void wake_now();
    void arm(boost::asio::steady_timer& timer, bool& fired);
    IoStatus map_error(const boost::system::error_code& ec, bool fired) const;

    boost::asio::ip::tcp::socket socket_;
    std::shared_ptr<TlsContext> tls_ctx_;
    std::shared_ptr<TlsContext> client_ctx_;  // outbound connections, once TLS started
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
    boost::asio::steady_timer read_timer_;
    boost::asio::steady_timer write_timer_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // guards timer callbacks
    std::chrono::milliseconds timeout_{std::chrono::minutes(5)};
    bool handshake_done_ = false;
    bool stopping_ = false;
    bool reading_interruptible_ = false;
    bool read_fired_ = false;
    bool write_fired_ = false;
    bool interrupted_read_ = false;
    std::shared_ptr<WakeState> wake_state_;  // made by the first waker() call
    bool wake_pending_ = false;              // a wake-up no read has taken yet
    bool woken_read_ = false;                // the read under way was woken
};

}  // namespace tern::net
