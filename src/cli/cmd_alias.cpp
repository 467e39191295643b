// `tern alias add|del|list`.
#include <iostream>

#include "cli/address.hpp"
#include "cli/admin.hpp"

namespace tern::cli::detail {

namespace {

std::string joined(const std::vector<std::string>& targets) {
    std::string out;
    for (const auto& t : targets)
        out += (out.empty() ? "" : ", ") + t;
    return out;
}

int bad_source(const std::string& source) {
    return failed("'" + source + "' is not an alias source",
                  "Write an address (info@example.org) or @example.org for a catch-all");
}

}  // namespace

int alias_add(const config::Config& config, const Args& args) {
    if (!valid_alias_source(args.source)) return bad_source(args.source);
    for (const auto& t : args.targets) {
        if (!valid_address(t)) {
            return failed("'" + t + "' is not an email address",
                          "Give each target as local@domain, local or external");
        }
    }
    auto store = open_or_report(config);
    if (!store) return 1;
    // Only the source must be ours: targets may be external addresses.
    if (int rc = require_domain(*store, domain_of(args.source)); rc != 0) return rc;
    if (auto s = store->add_alias(args.source, args.targets); !s) {
        return failed("cannot add alias " + args.source + ": " + s.error().message, kStoreTodo);
    }
    std::cout << "added alias " << args.source << " -> " << joined(args.targets) << "\n";
    return 0;
}

int alias_del(const config::Config& config, const Args& args) {
    if (!valid_alias_source(args.source)) return bad_source(args.source);
    auto store = open_or_report(config);
    if (!store) return 1;
    auto alias = store->find_alias(args.source);
    if (!alias && alias.error().code == Errc::not_found) {
        return failed("no alias " + args.source, "See `tern alias list`");
    }
    if (!alias) return failed(alias.error().message, kStoreTodo);
    if (!args.target.empty()) {
        bool present = false;
        for (const auto& t : alias->targets)
            present = present || t == args.target;
        if (!present) {
            return failed("alias " + args.source + " has no target " + args.target,
                          "Its targets are: " + joined(alias->targets));
        }
    }
    if (auto s = store->remove_alias(args.source, args.target); !s) {
        return failed("cannot remove alias " + args.source + ": " + s.error().message, kStoreTodo);
    }
    if (args.target.empty()) {
        std::cout << "removed alias " << args.source << "\n";
    } else {
        std::cout << "removed " << args.target << " from alias " << args.source << "\n";
    }
    return 0;
}

int alias_list(const config::Config& config, const Args& args) {
    auto store = open_or_report(config);
    if (!store) return 1;
    if (!args.domain.empty()) {
        if (int rc = require_domain(*store, args.domain); rc != 0) return rc;
    }
    auto aliases = store->list_aliases(args.domain);
    if (!aliases) return failed("cannot list aliases: " + aliases.error().message, kStoreTodo);
    for (const auto& a : *aliases)
        std::cout << a.source << " -> " << joined(a.targets) << "\n";
    return 0;
}

}  // namespace tern::cli::detail
