// Short random identifiers for logs and trace fields: session ids, queue
// ids. Not secrets (a per-thread mt19937_64 seeded from random_device);
// use OpenSSL's RAND_bytes for anything an attacker must not guess.
#pragma once

#include <string>
#include <string_view>

namespace tern {

// Upper-case Crockford-style base32 without I, L, O, U: easy to read and say.
inline constexpr std::string_view kQueueIdAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
// Lower-case RFC 4648 base32: for session ids in logs.
inline constexpr std::string_view kSessionIdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

// `length` characters (at most 12: 60 random bits) from a 32-character alphabet.
std::string random_id(std::size_t length, std::string_view alphabet);

}  // namespace tern
