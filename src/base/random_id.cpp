#include "base/random_id.hpp"

#include <cstdint>
#include <random>

namespace tern {

std::string random_id(std::size_t length, std::string_view alphabet) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    uint64_t v = rng();
    std::string id(length, alphabet[0]);
    for (char& c : id) {
        c = alphabet[v % alphabet.size()];
        v /= alphabet.size();
    }
    return id;
}

}  // namespace tern
