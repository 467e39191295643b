// `tern user add|del|passwd|list`.
#include <iostream>

#include "accounts/password.hpp"
#include "cli/address.hpp"
#include "cli/admin.hpp"
#include "cli/bootstrap.hpp"
#include "cli/password_input.hpp"

namespace tern::cli::detail {

namespace {

int bad_address(const std::string& address) {
    return failed("'" + address + "' is not an email address",
                  "Write it as local@domain, for example alice@example.org");
}

// Reads and hashes a new password; empty on failure (the error is printed).
std::optional<std::string> new_password_hash(const config::Config& config, const Args& args) {
    auto password = read_new_password(args.password_stdin);
    if (!password) {
        failed(password.error().message,
               args.password_stdin ? "Pass one non-empty line on standard input"
                                   : "Type the same non-empty password twice, or pipe it with "
                                     "--password-stdin");
        return std::nullopt;
    }
    auto hash = accounts::hash_password(*password, argon2_params(config));
    if (!hash) {
        failed("cannot hash the password: " + hash.error().message,
               "Check the [auth] argon2_* settings with `tern config check`");
        return std::nullopt;
    }
    return *hash;
}

std::string describe_quota(uint64_t bytes) {
    return bytes == 0 ? "unlimited" : std::to_string(bytes);
}

}  // namespace

int user_add(const config::Config& config, const Args& args) {
    if (!valid_address(args.address)) return bad_address(args.address);
    auto store = open_or_report(config);
    if (!store) return 1;
    // Checked before asking for a password, so nobody types one in vain.
    if (int rc = require_domain(*store, domain_of(args.address)); rc != 0) return rc;
    std::string exists_todo = "Change its password with `tern user passwd " + args.address + "`";
    if (store->find_account(args.address)) {
        return failed("user " + args.address + " already exists", exists_todo);
    }
    auto hash = new_password_hash(config, args);
    if (!hash) return 1;
    auto account = store->add_account(args.address, *hash, args.quota);
    if (!account && account.error().code == Errc::exists) {
        return failed("user " + args.address + " already exists", exists_todo);
    }
    if (!account) {
        return failed("cannot add user " + args.address + ": " + account.error().message,
                      kStoreTodo);
    }
    std::cout << "added user " << account->address;
    if (args.quota != 0) std::cout << " with a quota of " << args.quota << " bytes";
    std::cout << "\n";
    return 0;
}

int user_del(const config::Config& config, const Args& args) {
    if (!valid_address(args.address)) return bad_address(args.address);
    auto store = open_or_report(config);
    if (!store) return 1;
    auto removed = store->remove_account(args.address);
    if (!removed && removed.error().code == Errc::not_found) {
        return failed("no user " + args.address, "See `tern user list`");
    }
    if (!removed) {
        return failed("cannot remove user " + args.address + ": " + removed.error().message,
                      kStoreTodo);
    }
    std::cout << "removed user " << args.address << " and all its mail\n";
    return 0;
}

int user_passwd(const config::Config& config, const Args& args) {
    if (!valid_address(args.address)) return bad_address(args.address);
    auto store = open_or_report(config);
    if (!store) return 1;
    auto account = store->find_account(args.address);
    if (!account && account.error().code == Errc::not_found) {
        return failed(
            "no user " + args.address,
            "See `tern user list`, or create it with `tern user add " + args.address + "`");
    }
    if (!account) return failed(account.error().message, kStoreTodo);
    auto hash = new_password_hash(config, args);
    if (!hash) return 1;
    if (auto s = store->set_password_hash(args.address, *hash); !s) {
        return failed("cannot change the password of " + args.address + ": " + s.error().message,
                      kStoreTodo);
    }
    std::cout << "changed the password of " << account->address << "\n";
    return 0;
}

int user_list(const config::Config& config, const Args& args) {
    if (!args.domain.empty() && !valid_domain(args.domain)) {
        return failed("'" + args.domain + "' is not a domain name", "Write it like example.org");
    }
    auto store = open_or_report(config);
    if (!store) return 1;
    if (!args.domain.empty()) {
        if (int rc = require_domain(*store, args.domain); rc != 0) return rc;
    }
    auto accounts = store->list_accounts(args.domain);
    if (!accounts) return failed("cannot list users: " + accounts.error().message, kStoreTodo);
    for (const auto& a : *accounts) {
        std::cout << a.address << "  used=" << a.used_bytes
                  << " quota=" << describe_quota(a.quota_bytes) << (a.disabled ? " disabled" : "")
                  << "\n";
    }
    return 0;
}

}  // namespace tern::cli::detail
