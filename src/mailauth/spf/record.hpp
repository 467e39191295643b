// SPF record parser (RFC 7208 4.5, 4.6, 5, 6, 12): a pure function from the
// text of one TXT record to a Record, or an error. Any syntax error anywhere
// in the record is an error (RFC 7208 4.6: check_host() then returns
// "permerror" without evaluating anything), so the evaluator only ever sees
// well-formed records.
//
// is_spf_record() implements the selection rule of RFC 7208 4.5: a record
// is an SPF record when it starts with "v=spf1" (ASCII case-insensitive)
// followed by a space or the end.
//
// parse_record() errors (all Errc::invalid, message says where):
//   non-ASCII or control characters (RFC 7208 3.1), unknown mechanisms,
//   bad CIDR lengths or networks, bad macro-strings or domain-specs,
//   redirect= or exp= given twice (RFC 7208 6), bad modifier names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "dns/ip_address.hpp"

namespace tern::mailauth::spf {

// RFC 7208 4.6.2: the qualifier gives the result when a mechanism matches.
enum class Qualifier : char { pass = '+', fail = '-', softfail = '~', neutral = '?' };

enum class MechanismKind { all, include, a, mx, ptr, ip4, ip6, exists };

std::string_view to_string(MechanismKind kind);

struct Mechanism {
    Qualifier qualifier = Qualifier::pass;
    MechanismKind kind = MechanismKind::all;
    // A macro-string (RFC 7208 7.1); empty means <domain> for a, mx, ptr.
    std::string domain_spec;
    dns::IpAddress network;  // ip4, ip6
    int cidr4 = 32;          // a, mx, ip4
    int cidr6 = 128;         // a, mx, ip6
};

struct Record {
    std::vector<Mechanism> mechanisms;
    std::optional<std::string> redirect;  // domain-spec (RFC 7208 6.1)
    std::optional<std::string> exp;       // domain-spec (RFC 7208 6.2)
};

bool is_spf_record(std::string_view txt);

Result<Record> parse_record(std::string_view txt);

}  // namespace tern::mailauth::spf
