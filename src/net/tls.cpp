#include "net/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <map>
#include <mutex>

namespace tern::net {
namespace {

std::string openssl_error() {
    unsigned long e = ERR_get_error();
    if (e == 0) return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

// TLS 1.2 suites: ECDHE key exchange with AEAD only (RFC 9325 4.2). TLS 1.3
// suites are all AEAD and OpenSSL's defaults are kept.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

}  // namespace

TlsContext::TlsContext() = default;
TlsContext::~TlsContext() = default;

Result<std::shared_ptr<TlsContext>> TlsContext::from_files(const std::string& cert_file,
                                                           const std::string& key_file) {
    namespace ssl = boost::asio::ssl;
    std::error_code fec;
    if (!std::filesystem::exists(cert_file, fec))
        return fail(Errc::not_found,
                    "TLS certificate file " + cert_file +
                        " does not exist; set tls.cert_file to your certificate chain");
    if (!std::filesystem::exists(key_file, fec))
        return fail(Errc::not_found, "TLS key file " + key_file +
                                         " does not exist; set tls.key_file to its private key");

    std::shared_ptr<TlsContext> out(new TlsContext());
    out->ctx_ = std::make_unique<ssl::context>(ssl::context::tls_server);
    SSL_CTX* ctx = out->ctx_->native_handle();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
    if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1)
        return fail(Errc::internal, "cipher list rejected: " + openssl_error());
    // Mail clients rarely resume; a session cache would cost memory per
    // connection for little gain.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);

    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1)
        return fail(Errc::invalid, "cannot load certificate chain " + cert_file + ": " +
                                       openssl_error() + "; it must be PEM");
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        return fail(Errc::invalid, "cannot load private key " + key_file + ": " + openssl_error() +
                                       "; it must be PEM");
    if (SSL_CTX_check_private_key(ctx) != 1)
        return fail(Errc::invalid,
                    "the private key " + key_file + " does not match the certificate " + cert_file);
    return out;
}

Result<std::shared_ptr<TlsContext>> TlsContext::client(const std::string& ca_file) {
    namespace ssl = boost::asio::ssl;
    // Loading the system store parses a bundle of ~150 certificates: do it
    // once per CA file for the whole process, not once per delivery.
    static std::mutex mu;
    static std::map<std::string, std::shared_ptr<TlsContext>> cache;
    std::lock_guard lock(mu);
    if (auto it = cache.find(ca_file); it != cache.end()) return it->second;

    std::error_code fec;
    if (!ca_file.empty() && !std::filesystem::exists(ca_file, fec))
        return fail(Errc::not_found, "CA file " + ca_file + " does not exist");
    std::shared_ptr<TlsContext> out(new TlsContext());
    out->ctx_ = std::make_unique<ssl::context>(ssl::context::tls_client);
    SSL_CTX* ctx = out->ctx_->native_handle();
    // RFC 8996: TLS 1.0 and 1.1 are not used; RFC 9325 3.1.1.
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
        return fail(Errc::internal, "cannot require TLS 1.2: " + openssl_error());
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    // RFC 7672: connections may ask for DANE (SSL_dane_enable); the context
    // must allow it first. Connections that do not ask are unaffected.
    if (SSL_CTX_dane_enable(ctx) <= 0)
        return fail(Errc::internal, "cannot enable DANE support: " + openssl_error());
    if (ca_file.empty()) {
        if (SSL_CTX_set_default_verify_paths(ctx) != 1)
            return fail(Errc::internal, "cannot load the system CA store: " + openssl_error());
    } else if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
        return fail(Errc::invalid, "cannot load CA file " + ca_file + ": " + openssl_error() +
                                       "; it must hold PEM certificates");
    }
    cache.emplace(ca_file, out);
    return out;
}

}  // namespace tern::net
