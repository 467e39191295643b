// MTA-STS policies (RFC 8461): the pure parsers and the MX matching rule.
//
// No I/O here (STYLE.md 2): fetch.hpp brings the policy text over HTTPS,
// cache.hpp keeps it, lookup.hpp runs the discovery flow of RFC 8461 3 and 5.
//
//   parse_policy(body)   RFC 8461 3.2: the policy file. Errc::invalid, with the
//                        reason, for a missing or repeated version/mode/max_age,
//                        a version other than STSv1, an unknown mode, a max_age
//                        that is not 1-10 digits, an mx that is not a host name
//                        pattern, a line without ':', or no mx with a mode other
//                        than none. A max_age above 31557600 is capped there.
//                        Unknown keys are ignored (RFC 8461 3.2).
//   parse_sts_txt(txt)   RFC 8461 3.1: the TXT records of _mta-sts.<domain>;
//                        the policy id when exactly one record starts with
//                        "v=STSv1" and is well formed; nullopt otherwise, which
//                        means "this domain has no MTA-STS policy".
//   mx_matches(p, host)  RFC 8461 4.1: does an mx pattern cover an MX host name.
//
// Never throws on untrusted input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace tern::mtasts {

// RFC 8461 3.2: "maximum value of 31557600" (one year) for max_age.
inline constexpr uint32_t kMaxAgeLimit = 31557600;

struct Policy {
    enum class Mode { enforce, testing, none };
    Mode mode = Mode::none;
    std::vector<std::string> mx;  // patterns as written: "mx.example.com", "*.example.net"
    uint32_t max_age = 0;         // seconds, at most kMaxAgeLimit

    // True when mx_host matches one of the mx patterns. A policy in mode
    // none constrains nothing (RFC 8461 5), so it allows every host.
    bool allows(std::string_view mx_host) const;
    bool operator==(const Policy&) const = default;
};

std::string_view to_string(Policy::Mode mode);
std::optional<Policy::Mode> parse_mode(std::string_view text);

Result<Policy> parse_policy(std::string_view body);

std::optional<std::string> parse_sts_txt(const std::vector<std::string>& txt_records);

bool mx_matches(std::string_view pattern, std::string_view host);

// The form domains take in this library (cache keys, host names): lower
// case, no trailing dot (RFC 4343: DNS names compare case-insensitively).
std::string canonical_domain(std::string_view domain);

}  // namespace tern::mtasts
