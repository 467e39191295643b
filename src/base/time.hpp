// Time formats of the mail standards.
#pragma once

#include <cstdint>
#include <string>

namespace tern {

// RFC 5322 3.3 date-time in UTC: "Sun, 29 Nov 2026 20:30:52 +0000".
std::string rfc5322_date(int64_t unix_seconds);
int64_t unix_now();

}  // namespace tern
