// The monotonic clock the accounts module reads, injected so tests can move
// time by hand (STYLE.md 9). Defaults to std::chrono::steady_clock::now.
#pragma once

#include <chrono>
#include <functional>

namespace tern::accounts {

using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

inline SteadyNow real_steady_clock() {
    return [] { return std::chrono::steady_clock::now(); };
}

}  // namespace tern::accounts
