#include "mailauth/dkim/crypto.hpp"

#include <openssl/bio.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace tern::mailauth::dkim {

namespace {

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

struct BioDeleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

const EVP_MD* md_of(HashAlg alg) {
    return alg == HashAlg::sha1 ? EVP_sha1() : EVP_sha256();
}

Result<KeyType> type_of(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "RSA")) return KeyType::rsa;
    if (EVP_PKEY_is_a(key, "ED25519")) return KeyType::ed25519;
    return fail(Errc::invalid, "unsupported key type (need RSA or Ed25519)");
}

}  // namespace

void PkeyDeleter::operator()(evp_pkey_st* key) const {
    EVP_PKEY_free(key);
}

std::string hash(HashAlg alg, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out, &len, md_of(alg), nullptr) != 1) return {};
    return std::string(reinterpret_cast<const char*>(out), len);
}

Result<PublicKey> PublicKey::from_der(KeyType type, std::string_view der) {
    PublicKey key;
    key.type_ = type;
    const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
    if (type == KeyType::ed25519) {
        // RFC 8463 4.2: p= is the bare 32-byte public key.
        if (der.size() != 32) return fail(Errc::invalid, "ed25519 public key is not 32 bytes");
        key.key_.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes, der.size()));
    } else {
        const unsigned char* p = bytes;
        key.key_.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
        if (!key.key_) {
            p = bytes;
            key.key_.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size())));
        }
        if (key.key_ && !EVP_PKEY_is_a(key.key_.get(), "RSA")) key.key_.reset();
    }
    if (!key.key_) return fail(Errc::invalid, "public key does not decode");
    return key;
}

int PublicKey::bits() const {
    return EVP_PKEY_get_bits(key_.get());
}

bool PublicKey::verify(HashAlg alg, std::string_view data, std::string_view signature) const {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx) return false;
    const EVP_MD* md = type_ == KeyType::ed25519 ? nullptr : md_of(alg);
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key_.get()) != 1) return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size()) == 1;
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return fail(Errc::internal, "BIO_new_mem_buf failed");
    PrivateKey key;
    key.key_.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key.key_) return fail(Errc::invalid, "private key PEM does not decode");
    auto type = type_of(key.key_.get());
    if (!type) return type.failure();
    key.type_ = *type;
    return key;
}

Result<PrivateKey> PrivateKey::from_ed25519_seed(std::string_view seed) {
    if (seed.size() != 32) return fail(Errc::invalid, "ed25519 seed is not 32 bytes");
    PrivateKey key;
    key.type_ = KeyType::ed25519;
    key.key_.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                                reinterpret_cast<const unsigned char*>(seed.data()),
                                                seed.size()));
    if (!key.key_) return fail(Errc::invalid, "ed25519 seed rejected");
    return key;
}

Result<PrivateKey> PrivateKey::generate(KeyType type, int rsa_bits) {
    PrivateKey key;
    key.type_ = type;
    if (type == KeyType::rsa) {
        key.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits)));
    } else {
        key.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    }
    if (!key.key_) return fail(Errc::internal, "key generation failed");
    return key;
}

int PrivateKey::bits() const {
    return EVP_PKEY_get_bits(key_.get());
}

std::string PrivateKey::to_pem() const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr,
                                         nullptr) != 1) {
        return {};
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string PrivateKey::to_pem_traditional() const {
    if (type_ != KeyType::rsa) return to_pem();
    OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(key_.get(), OSSL_KEYMGMT_SELECT_KEYPAIR,
                                                          "PEM", "type-specific", nullptr);
    if (ctx == nullptr) return {};
    unsigned char* data = nullptr;
    std::size_t len = 0;
    const bool ok = OSSL_ENCODER_to_data(ctx, &data, &len) == 1;
    OSSL_ENCODER_CTX_free(ctx);
    if (!ok) return {};
    std::string out(reinterpret_cast<const char*>(data), len);
    OPENSSL_free(data);
    return out;
}

std::string PrivateKey::ed25519_seed() const {
    if (type_ != KeyType::ed25519) return {};
    unsigned char raw[32];
    std::size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_private_key(key_.get(), raw, &len) != 1) return {};
    return std::string(reinterpret_cast<const char*>(raw), len);
}

std::string PrivateKey::public_der() const {
    if (type_ == KeyType::ed25519) {
        unsigned char raw[32];
        std::size_t len = sizeof raw;
        if (EVP_PKEY_get_raw_public_key(key_.get(), raw, &len) != 1) return {};
        return std::string(reinterpret_cast<const char*>(raw), len);
    }
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key_.get(), &der);
    if (len <= 0) return {};
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

Result<std::string> PrivateKey::sign(std::string_view data) const {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx) return fail(Errc::internal, "EVP_MD_CTX_new failed");
    const EVP_MD* md = type_ == KeyType::ed25519 ? nullptr : EVP_sha256();
    if (EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key_.get()) != 1) {
        return fail(Errc::internal, "EVP_DigestSignInit failed");
    }
    std::size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1) {
        return fail(Errc::internal, "EVP_DigestSign (size) failed");
    }
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                       data.size()) != 1) {
        return fail(Errc::internal, "EVP_DigestSign failed");
    }
    sig.resize(len);
    return sig;
}

}  // namespace tern::mailauth::dkim
