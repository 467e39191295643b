// Suspends the calling session for a while without blocking its thread
// (SMTP tarpitting, greeting delay, throttled logins).
#pragma once

#include <chrono>

#include "net/task.hpp"

namespace tern::net {

Task<void> sleep_for(std::chrono::milliseconds duration);

}  // namespace tern::net
