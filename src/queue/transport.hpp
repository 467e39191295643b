// Which [[transport]] table governs a recipient domain.
//
// The most specific table wins (like Postfix's transport_maps): the domain
// itself ("example.com"), then ".parent" tables from the nearest parent up
// (".example.com" matches "a.example.com" and "b.a.example.com", never
// "example.com"), then "*". Domains compare case-insensitively; a trailing
// dot is ignored. Null when no table applies.
#pragma once

#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace tern::queue {

const config::Transport* find_transport(const std::vector<config::Transport>& transports,
                                        std::string_view domain);

}  // namespace tern::queue
