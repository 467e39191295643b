// `tern domain add|del|list` and the helpers every admin command shares.
#include <iostream>

#include "base/strings.hpp"
#include "cli/address.hpp"
#include "cli/admin.hpp"
#include "cli/bootstrap.hpp"

namespace tern::cli::detail {

const char* const kStoreTodo =
    "Check that server.data_dir is writable and the disk is not full, then try again";

int failed(std::string_view what, std::string_view todo) {
    std::cerr << "tern: " << what << ". " << todo << "\n";
    return 1;
}

std::unique_ptr<store::Store> open_or_report(const config::Config& config) {
    auto store = open_store(config);
    if (!store) {
        failed("cannot open the store " + config.store_path() + ": " + store.error().message,
               "Check that server.data_dir is writable by this user (see `tern config check`)");
        return nullptr;
    }
    return std::move(*store);
}

int require_domain(store::Store& store, std::string_view domain) {
    auto known = store.has_domain(domain);
    if (!known) return failed(known.error().message, "Check the store with `tern config check`");
    if (!*known) {
        std::string d = to_lower(domain);
        return failed("unknown domain " + d, "Add it with `tern domain add " + d + "`");
    }
    return 0;
}

int domain_add(const config::Config& config, const Args& args) {
    std::string domain = to_lower(args.domain);
    if (!valid_domain(domain)) {
        return failed("'" + args.domain + "' is not a domain name",
                      "Write it like example.org (a name with a dot, or localhost)");
    }
    auto store = open_or_report(config);
    if (!store) return 1;
    auto added = store->add_domain(domain);
    if (!added && added.error().code == Errc::exists) {
        return failed("domain " + domain + " already exists", "See `tern domain list`");
    }
    if (!added)
        return failed("cannot add domain " + domain + ": " + added.error().message, kStoreTodo);
    std::cout << "added domain " << domain << "\n";
    return 0;
}

int domain_del(const config::Config& config, const Args& args) {
    std::string domain = to_lower(args.domain);
    auto store = open_or_report(config);
    if (!store) return 1;
    auto known = store->has_domain(domain);
    if (known && !*known) return failed("unknown domain " + domain, "See `tern domain list`");
    auto removed = store->remove_domain(domain);
    if (!removed && removed.error().code == Errc::invalid) {
        return failed(
            "domain " + domain + " still has users",
            "Remove them first: `tern user list " + domain + "`, then `tern user del ADDRESS`");
    }
    if (!removed && removed.error().code == Errc::not_found) {
        return failed("unknown domain " + domain, "See `tern domain list`");
    }
    if (!removed)
        return failed("cannot remove domain " + domain + ": " + removed.error().message,
                      kStoreTodo);
    std::cout << "removed domain " << domain << "\n";
    return 0;
}

int domain_list(const config::Config& config, const Args&) {
    auto store = open_or_report(config);
    if (!store) return 1;
    auto domains = store->list_domains();
    if (!domains) return failed("cannot list domains: " + domains.error().message, kStoreTodo);
    for (const auto& d : *domains)
        std::cout << d << "\n";
    return 0;
}

}  // namespace tern::cli::detail
