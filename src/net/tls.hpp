// TLS configuration: the server context shared by every listener, and the
// client context of outbound connections.
//
// TlsContext wraps an OpenSSL server context restricted to TLS 1.2 and 1.3
// with forward-secret AEAD ciphers only (RFC 9325 4.1-4.2; RFC 8314 for mail).
// A context is immutable once built; SIGHUP builds a new one from the
// certificate files and new connections pick it up (TlsContextHolder), while
// connections under way keep theirs.
//
// TlsContext::client() is the outbound side (SMTP STARTTLS to a remote MX):
// TLS 1.2 or later (RFC 8996, RFC 9325 3.1.1) with OpenSSL's default cipher
// list, trusting ca_file or, when it is empty, the system's default CA store.
// Whether the peer is verified is chosen per connection
// (Stream::start_tls_client); the context only says whom to trust. Client
// contexts are built once per CA file and shared by every connection.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "base/result.hpp"

namespace boost::asio::ssl {
class context;
}

namespace tern::net {

class TlsContext {
  public:
    ~TlsContext();
    // Loads a PEM certificate chain and its private key; errors name the file
    // and say what is wrong (missing, unreadable, key does not match).
    static Result<std::shared_ptr<TlsContext>> from_files(const std::string& cert_file,
                                                          const std::string& key_file);
    // The shared client context trusting ca_file (PEM), or the system store
    // when it is empty. Errors: not_found (no such file), invalid (not PEM
    // certificates), internal (OpenSSL refused the settings).
    static Result<std::shared_ptr<TlsContext>> client(const std::string& ca_file);
    boost::asio::ssl::context& native() { return *ctx_; }

  private:
    TlsContext();
    std::unique_ptr<boost::asio::ssl::context> ctx_;
};

class TlsContextHolder {
  public:
    std::shared_ptr<TlsContext> get() const {
        std::lock_guard lock(mu_);
        return ctx_;
    }
    void set(std::shared_ptr<TlsContext> ctx) {
        std::lock_guard lock(mu_);
        ctx_ = std::move(ctx);
    }

  private:
    mutable std::mutex mu_;
    std::shared_ptr<TlsContext> ctx_;
};

// Writes a new self-signed certificate (ECDSA P-256, SHA-256, valid 397 days,
// subjectAltName: hostname, localhost, 127.0.0.1, ::1) and its key (mode 0600),
// creating missing directories. Used by `tern serve --dev` and by first start
// without configured certificate files.
Status generate_self_signed(const std::string& hostname, const std::string& cert_file,
                            const std::string& key_file);

}  // namespace tern::net
