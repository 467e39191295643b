// Password hashing and verification for account logins.
//
// New hashes are argon2id (RFC 9106) in the PHC string format
// ("$argon2id$v=19$m=...,t=...,p=...$salt$hash") with a 16-byte random salt
// and a 32-byte tag. Verification also accepts hashes imported from other
// servers: argon2i, SHA512-CRYPT ($6$), SHA256-CRYPT ($5$) and bcrypt
// ($2b$, $2y$, $2a$) through crypt_r(3), optionally behind a Dovecot scheme
// prefix ({SHA512-CRYPT}, {SHA256-CRYPT}, {BLF-CRYPT}, {ARGON2ID}, {ARGON2I}).
//
// Promises:
// - hash_password fails (Errc::invalid) on an empty or over-long password or
//   absurd parameters, and (Errc::internal) if randomness or libargon2 fails.
// - verify_password never throws and returns false for any hash it does not
//   understand: unknown or mismatched schemes, malformed strings, legacy DES
//   crypt (which crypt_r would otherwise accept), passwords over
//   kMaxPasswordBytes, argon2 costs above kMaxArgon2MemoryKib.
// - needs_rehash is true for anything that is not an argon2id v=19 hash with
//   exactly the given parameters.
// Every function is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::accounts {

// RFC 9106 3.1: memory in KiB, passes, lanes. The defaults follow RFC 9106
// 4's second recommended option (64 MiB, t=3) with one lane, since logins run
// on a shared worker pool; operators tune them through the configuration.
struct Argon2Params {
    uint32_t memory_kib = 65536;
    uint32_t iterations = 3;
    uint32_t parallelism = 1;
};

// Longer passwords are refused: crypt(3)'s SHA-crypt cost grows with the
// length, and no protocol we serve sends more (RFC 4616 caps PLAIN at 255).
inline constexpr size_t kMaxPasswordBytes = 1024;
// A stored argon2 hash asking for more memory than this (4 GiB) is treated
// as corrupt rather than allowed to exhaust the machine.
inline constexpr uint32_t kMaxArgon2MemoryKib = 4u * 1024 * 1024;

Result<std::string> hash_password(std::string_view password, const Argon2Params& params);
bool verify_password(std::string_view password, std::string_view stored);
bool needs_rehash(std::string_view stored, const Argon2Params& params);

}  // namespace tern::accounts
