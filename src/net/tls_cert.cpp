// Self-signed certificate generation with OpenSSL 3 (no Asio here, so this
// file compiles quickly).
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "net/tls.hpp"

namespace tern::net {
namespace {

template <class T, void (*F)(T*)>
struct Deleter {
    void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

bool add_ext(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) return false;
    bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

Status write_file(const std::string& path, mode_t mode, auto&& writer) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) return fail(Errc::io, "cannot create " + path);
    FILE* f = fdopen(fd, "w");
    if (!f) {
        ::close(fd);
        return fail(Errc::io, "cannot open " + path);
    }
    bool ok = writer(f);
    ok = (std::fflush(f) == 0) && ok && fsync(fileno(f)) == 0;
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) return fail(Errc::io, "cannot write " + path);
    return {};
}

}  // namespace

Status generate_self_signed(const std::string& hostname, const std::string& cert_file,
                            const std::string& key_file) {
    std::error_code ec;
    for (const auto& p : {cert_file, key_file}) {
        auto dir = std::filesystem::path(p).parent_path();
        if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    }
    PkeyPtr key(EVP_EC_gen("P-256"));
    if (!key) return fail(Errc::internal, "EC key generation failed");

    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) return fail(Errc::internal, "no randomness");
    serial[0] &= 0x7f;  // a positive serial number (RFC 5280 4.1.2.2)
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    // 397 days: the most browsers and scanners (testssl.sh) accept for a
    // server certificate since 2020 (CA/Browser Forum baseline 6.3.2).
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 397L * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    std::string cn = hostname.empty() ? "localhost" : hostname.substr(0, 64);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    std::string san = "DNS:" + cn;
    if (cn != "localhost") san += ",DNS:localhost";
    san += ",IP:127.0.0.1,IP:::1";
    if (!add_ext(cert.get(), NID_subject_alt_name, san) ||
        !add_ext(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
        !add_ext(cert.get(), NID_key_usage, "critical,digitalSignature") ||
        !add_ext(cert.get(), NID_ext_key_usage, "serverAuth"))
        return fail(Errc::internal, "cannot add certificate extensions");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return fail(Errc::internal, "certificate signing failed");

    Status st = write_file(key_file, 0600, [&](FILE* f) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    });
    if (!st) return st;
    return write_file(cert_file, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
}

}  // namespace tern::net
