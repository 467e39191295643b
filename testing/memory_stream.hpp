// MemoryStream: a net::Stream over strings, so protocol sessions run in tests
// without sockets (STYLE.md 10). Input is handed out in chunks of at most
// `chunk` octets (1 feeds the session one byte at a time); output is collected.
// start_tls_client() pretends a handshake (for SMTP client tests): it
// succeeds, verified when asked, unless set_client_tls_failure() was called.
// waker() works from any thread: the next interruptible read reports
// IoStatus::woken (before any input left), as a TcpStream's would.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "net/stream.hpp"

namespace tern::testing {

class MemoryStream : public net::Stream {
  public:
    explicit MemoryStream(std::string input = {}, std::size_t chunk = 1 << 20)
        : input_(std::move(input)), chunk_(chunk ? chunk : 1) {}

    void feed(std::string_view more) { input_.append(more); }
    const std::string& output() const { return output_; }
    void clear_output() { output_.clear(); }
    // What the next read reports once input is exhausted (default: eof).
    void set_end_status(net::IoStatus s) { end_ = s; }
    void set_tls_available(bool on) { tls_available_ = on; }
    void set_stopping(bool on) { stopping_ = on; }
    // Makes later start_tls_client() calls fail with this error.
    void set_client_tls_failure(std::string error) { client_tls_error_ = std::move(error); }
    // The parameters of the last start_tls_client() call.
    const net::ClientTlsParams& last_client_tls_params() const { return client_tls_params_; }
    // The part of the output written since TLS started (empty before).
    std::string output_after_tls() const {
        return tls_output_mark_ < output_.size() ? output_.substr(tls_output_mark_) : "";
    }

    net::Task<net::IoStatus> read_some(char* buf, std::size_t size, std::size_t& n,
                                       bool interruptible) override;
    net::Task<net::IoStatus> write_all(std::string_view data) override;
    net::Task<bool> start_tls() override;
    bool tls_available() const override { return tls_available_; }
    bool tls_active() const override { return tls_active_; }
    std::optional<net::TlsInfo> tls_info() const override;
    net::Task<net::ClientTlsResult> start_tls_client(const net::ClientTlsParams& params) override;
    void set_timeout(std::chrono::milliseconds) override {}
    bool stopping() const override { return stopping_; }
    void close() override { closed_ = true; }
    bool closed() const { return closed_; }
    std::function<void()> waker() override;
    // True while a wake-up waits for the next interruptible read.
    bool wake_pending() const { return woken_->load(); }
    // Input octets not yet read.
    std::size_t input_left() const { return input_.size() - pos_; }

  private:
    std::string input_;
    std::size_t pos_ = 0;
    std::size_t chunk_;
    std::string output_;
    net::IoStatus end_ = net::IoStatus::eof;
    bool tls_available_ = true;
    bool tls_active_ = false;
    bool stopping_ = false;
    bool closed_ = false;
    std::string client_tls_error_;
    net::ClientTlsParams client_tls_params_;
    std::size_t tls_output_mark_ = std::string::npos;
    std::shared_ptr<std::atomic<bool>> woken_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace tern::testing
