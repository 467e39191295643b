// Internal to src/config: the table of scalar keys parse_config() accepts.
//
// One row per key: its section and name, where it lands in Config, and what
// values it takes. The parser, known_keys() and the docs test all read this
// one table, so a key cannot be accepted without being listed (and the docs
// test then demands a line in docs/configuration.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.hpp"

namespace tern::config::detail {

using Target = std::variant<std::string*, unsigned*, uint64_t*, bool*>;

// Extra checks for string keys, beyond "is a string".
enum class StringRule {
    any,
    hostname,
    optional_hostname,
    absolute_path,
    optional_absolute_path,
    log_level,
    backend,
    zone_list  // comma-separated DNS names (blocklist zones); may be empty
};

struct Field {
    std::string_view section;
    std::string_view key;
    Target (*target)(Config&);
    uint64_t min = 0;  // integer keys: the accepted range
    uint64_t max = 0;
    StringRule rule = StringRule::any;
};

const std::vector<Field>& fields();

// The keys of one [[listen]] table, in documentation order.
const std::vector<std::string_view>& listen_keys();

// The keys of one [[transport]] table, in documentation order.
const std::vector<std::string_view>& transport_keys();

}  // namespace tern::config::detail
