// The cryptography DKIM needs, over OpenSSL 3's EVP interface: SHA-1 and
// SHA-256, RSASSA-PKCS1-v1_5 (RFC 6376 3.3.1, 3.3.2; RFC 8017 8.2), and
// Ed25519 (RFC 8032 5.1) as DKIM uses it (RFC 8463 3: the Ed25519
// signature is computed over the SHA-256 hash of the data, not the data).
//
// Keys from untrusted places (DNS p= values, PEM files) load into a Result;
// nothing here throws. A PrivateKey is movable, not copyable.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"

struct evp_pkey_st;

namespace tern::mailauth::dkim {

enum class KeyType { rsa, ed25519 };
enum class HashAlg { sha1, sha256 };

std::string hash(HashAlg alg, std::string_view data);

struct PkeyDeleter {
    void operator()(evp_pkey_st* key) const;
};
using PkeyPtr = std::unique_ptr<evp_pkey_st, PkeyDeleter>;

class PublicKey {
  public:
    // RSA: DER SubjectPublicKeyInfo (RFC 6376 3.6.1 p=), or a bare
    // RSAPublicKey as some signers publish. Ed25519: the raw 32 bytes
    // (RFC 8463 4.2).
    static Result<PublicKey> from_der(KeyType type, std::string_view der);
    KeyType type() const { return type_; }
    int bits() const;
    // RSA: `data` is the signed input, hashed here with `alg`. Ed25519:
    // `data` is the 32-byte SHA-256 digest the caller computed (RFC 8463 3).
    bool verify(HashAlg alg, std::string_view data, std::string_view signature) const;

  private:
    KeyType type_ = KeyType::rsa;
    PkeyPtr key_;
};

class PrivateKey {
  public:
    // PEM: PKCS#8 ("PRIVATE KEY") for RSA or Ed25519, or PKCS#1
    // ("RSA PRIVATE KEY").
    static Result<PrivateKey> from_pem(std::string_view pem);
    // The 32-byte Ed25519 seed (RFC 8032 5.1.5), as in RFC 8463 A.1.
    static Result<PrivateKey> from_ed25519_seed(std::string_view seed);
    static Result<PrivateKey> generate(KeyType type, int rsa_bits = 2048);

    KeyType type() const { return type_; }
    int bits() const;
    // PKCS#8 PEM ("PRIVATE KEY").
    std::string to_pem() const;
    // For RSA the PKCS#1 form ("RSA PRIVATE KEY") that older DKIM tools
    // (dkimpy, opendkim-genkey) read; for Ed25519 the same as to_pem().
    std::string to_pem_traditional() const;
    // Ed25519: the 32-byte seed (what dkimpy reads, base64-encoded);
    // empty for RSA.
    std::string ed25519_seed() const;
    // The p= value bytes (before base64) of the matching key record.
    std::string public_der() const;
    // RSA: PKCS#1 v1.5 over sha256(data). Ed25519: over `data` itself,
    // which the caller makes the SHA-256 digest (RFC 8463 3).
    Result<std::string> sign(std::string_view data) const;

  private:
    KeyType type_ = KeyType::rsa;
    PkeyPtr key_;
};

}  // namespace tern::mailauth::dkim
