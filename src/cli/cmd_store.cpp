// `tern store check`: the store's consistency check (integrity of the
// database, every message's bytes present, counters and quotas adding up).
#include <iostream>

#include "cli/admin.hpp"

namespace tern::cli::detail {

int store_check(const config::Config& config, const Args&) {
    auto store = open_or_report(config);
    if (!store) return 1;
    auto problems = store->check();
    if (!problems)
        return failed("the check could not run: " + problems.error().message, kStoreTodo);
    if (problems->empty()) {
        std::cout << "store OK: " << config.store_path() << "\n";
        return 0;
    }
    for (const auto& p : *problems)
        std::cout << "problem: " << p << "\n";
    return failed(
        std::to_string(problems->size()) + " problem(s) found in " + config.store_path(),
        "Stop the server, keep a copy of the data directory, and report the problems above");
}

}  // namespace tern::cli::detail
