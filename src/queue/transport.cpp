#include "queue/transport.hpp"

#include <string>

#include "base/strings.hpp"

namespace tern::queue {

const config::Transport* find_transport(const std::vector<config::Transport>& transports,
                                        std::string_view domain) {
    if (transports.empty()) return nullptr;
    std::string d = to_lower(domain);
    while (!d.empty() && d.back() == '.')
        d.pop_back();
    auto lookup = [&](std::string_view key) -> const config::Transport* {
        for (const auto& t : transports)
            if (t.domain == key) return &t;
        return nullptr;
    };
    if (const auto* t = lookup(d)) return t;
    // ".parent" entries, nearest parent first.
    for (std::size_t dot = d.find('.'); dot != std::string::npos; dot = d.find('.', dot + 1)) {
        if (const auto* t = lookup(std::string_view(d).substr(dot))) return t;
    }
    return lookup("*");
}

}  // namespace tern::queue
