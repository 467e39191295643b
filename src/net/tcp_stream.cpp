#include "net/tcp_stream.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <mutex>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
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
        case IoStatus::woken:
            return "woken";
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

struct TcpStream::WakeState {
    std::mutex mu;
    TcpStream* stream = nullptr;  // null once the stream is gone
};

TcpStream::~TcpStream() {
    if (wake_state_) {
        std::lock_guard lock(wake_state_->mu);
        wake_state_->stream = nullptr;
    }
}

std::function<void()> TcpStream::waker() {
    if (!wake_state_) {
        wake_state_ = std::make_shared<WakeState>();
        wake_state_->stream = this;
    }
    std::shared_ptr<WakeState> state = wake_state_;
    asio::any_io_executor ex = socket_.get_executor();
    return [state, ex] {
        // The lock keeps the stream (and so its event loop) alive while we
        // post; the posted call looks again, on the stream's own thread.
        std::lock_guard lock(state->mu);
        if (!state->stream) return;
        asio::post(ex, [state] {
            std::lock_guard inner(state->mu);
            if (state->stream) state->stream->wake_now();
        });
    };
}

void TcpStream::wake_now() {
    if (!reading_interruptible_) {
        wake_pending_ = true;
        return;
    }
    woken_read_ = true;
    boost::system::error_code ignored;
    socket_.cancel(ignored);
}

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
    if (interruptible && wake_pending_) {
        wake_pending_ = false;
        co_return IoStatus::woken;
    }
    arm(read_timer_, read_fired_);
    reading_interruptible_ = interruptible;
    interrupted_read_ = false;
    woken_read_ = false;
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
    if (got > 0) {
        // Data won the race against a wake-up: keep it for the next read.
        if (woken_read_) wake_pending_ = true;
        co_return IoStatus::ok;
    }
    if (interrupted_read_) co_return IoStatus::shutdown;
    if (woken_read_) co_return IoStatus::woken;
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

namespace {

bool is_ip_literal(const std::string& name) {
    boost::system::error_code ec;
    asio::ip::make_address(name, ec);
    return !ec;
}

// The X509_VERIFY_PARAM host checks to run: an MTA-STS pattern "*.example.com"
// becomes OpenSSL's ".example.com", which with SINGLE_LABEL_SUBDOMAINS
// matches exactly one more label (RFC 8461 4.1); a wildcard in the
// certificate matches one whole left-most label only (RFC 6125 6.4.3,
// NO_PARTIAL_WILDCARDS). False when there is no name to check.
bool set_verify_names(SSL* ssl, const ClientTlsParams& params) {
    X509_VERIFY_PARAM* vp = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(
        vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS);
    std::vector<std::string> names = params.match_names;
    if (names.empty()) names.push_back(params.server_name);
    bool any = false;
    for (const std::string& name : names) {
        if (name.empty()) continue;
        if (is_ip_literal(name)) {
            any = X509_VERIFY_PARAM_set1_ip_asc(vp, name.c_str()) == 1 || any;
            continue;
        }
        std::string ref = name.rfind("*.", 0) == 0 ? name.substr(1) : name;
        if (ref.size() < 2) continue;
        any = X509_VERIFY_PARAM_add1_host(vp, ref.data(), ref.size()) == 1 || any;
    }
    return any;
}

// RFC 7672 3: DANE authentication with OpenSSL's own TLSA matching (it
// implements the RFC 7671 rules: DANE-EE ignores names and validity dates,
// DANE-TA needs a chain to the matched trust anchor and a matching name).
// Returns why not, or "" when set up.
std::string enable_dane(SSL* ssl, const ClientTlsParams& params) {
    if (params.server_name.empty()) return "DANE needs the TLSA base domain (the MX host name)";
    if (SSL_dane_enable(ssl, params.server_name.c_str()) <= 0)
        return "cannot enable DANE in OpenSSL";
    // RFC 7672 3.2.2: the MX host name, and with it the names the caller
    // adds (the next-hop domain), are the reference identifiers.
    for (const std::string& name : params.match_names)
        if (!name.empty() && name != params.server_name) SSL_add1_host(ssl, name.c_str());
    // RFC 7672 3.1.1: a DANE-EE(3) match says nothing about names.
    SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    int usable = 0;
    for (const DaneTlsa& t : params.dane) {
        const auto* data = reinterpret_cast<const unsigned char*>(t.data.data());
        // Returns 0 for records that cannot be used (unknown usage,
        // selector or digest; wrong digest length): they are skipped, as
        // RFC 6698 4.1 asks.
        if (SSL_dane_tlsa_add(ssl, t.usage, t.selector, t.matching_type, data, t.data.size()) > 0)
            ++usable;
    }
    if (usable == 0) return "none of the TLSA records is usable (RFC 7672 2.2)";
    return "";
}

std::vector<std::string> peer_chain(SSL* ssl) {
    std::vector<std::string> out;
    // On the client side the chain starts with the peer's own certificate.
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
        X509* cert = sk_X509_value(chain, i);
        int len = i2d_X509(cert, nullptr);
        if (len <= 0) continue;
        std::string der(static_cast<std::size_t>(len), '\0');
        auto* p = reinterpret_cast<unsigned char*>(der.data());
        i2d_X509(cert, &p);
        out.push_back(std::move(der));
    }
    return out;
}

}  // namespace

Task<ClientTlsResult> TcpStream::start_tls_client(const ClientTlsParams& params) {
    ClientTlsResult out;
    if (tls_) {
        out.error = "TLS was already started on this connection";
        co_return out;
    }
    auto ctx = TlsContext::client(params.ca_file);
    if (!ctx) {
        out.error = ctx.error().message;
        co_return out;
    }
    client_ctx_ = *ctx;
    tls_ =
        std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, client_ctx_->native());
    SSL* ssl = tls_->native_handle();
    // RFC 6066 3: SNI carries host names only, never an address literal.
    if (!params.server_name.empty() && !is_ip_literal(params.server_name))
        SSL_set_tlsext_host_name(ssl, params.server_name.c_str());
    bool names_checked = true;
    if (!params.dane.empty()) {
        if (std::string why = enable_dane(ssl, params); !why.empty()) {
            out.error = why;
            co_return out;
        }
        SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
    } else if (params.verify) {
        if (!set_verify_names(ssl, params)) {
            out.error = "no host name to verify the certificate against";
            co_return out;
        }
        SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
    } else {
        // RFC 7435: opportunistic TLS encrypts even when it cannot
        // authenticate. OpenSSL still checks the chain and names it is
        // given, so the result can say whether the peer was authentic.
        names_checked = set_verify_names(ssl, params);
        SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    }
    arm(read_timer_, read_fired_);
    auto token = asio::as_tuple(asio::use_awaitable);
    auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, token);
    read_timer_.cancel();
    out.peer_chain_der = peer_chain(ssl);
    long verify_result = SSL_get_verify_result(ssl);
    bool must_verify = params.verify || !params.dane.empty();
    if (ec) {
        if (read_fired_)
            out.error = "TLS handshake timed out";
        else if (!params.dane.empty() && verify_result != X509_V_OK)
            out.error = std::string("no TLSA record matches the certificate (RFC 7672): ") +
                        X509_verify_cert_error_string(verify_result);
        else if (must_verify && verify_result != X509_V_OK)
            out.error = std::string("certificate verification failed: ") +
                        X509_verify_cert_error_string(verify_result);
        else
            out.error = "TLS handshake failed: " + ec.message();
        co_return out;
    }
    handshake_done_ = true;
    out.ok = true;
    out.info = *tls_info();
    out.verified =
        names_checked && verify_result == X509_V_OK && SSL_get0_peer_certificate(ssl) != nullptr;
    if (!params.dane.empty()) {
        uint8_t usage = 0;
        if (SSL_get0_dane_tlsa(ssl, &usage, nullptr, nullptr, nullptr, nullptr) >= 0)
            out.dane_match = usage == 2 ? "DANE-TA" : usage == 3 ? "DANE-EE" : "PKIX";
    }
    co_return out;
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
