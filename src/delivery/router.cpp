#include "delivery/router.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace tern::delivery {
namespace {
constexpr int kMaxDepth = 8;
}

bool split_address(std::string_view address, std::string& local, std::string& domain) {
    auto at = address.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
    local = std::string(address.substr(0, at));
    domain = to_lower(address.substr(at + 1));
    return true;
}

Result<bool> Router::is_local_domain(std::string_view domain) {
    return store_.has_domain(domain);
}

Result<bool> Router::deliver_to_account(std::string_view address, std::string_view folder,
                                        Resolution& out) {
    auto account = store_.find_account(address);
    if (!account) {
        if (account.error().code == Errc::not_found) return false;
        return account.failure();
    }
    if (account->disabled) {
        out.disabled = true;
        return true;
    }
    store::MailboxId mailbox = 0;
    if (!folder.empty()) {
        auto mb = store_.find_mailbox(account->id, folder);
        if (mb) mailbox = mb->id;
    }
    if (mailbox == 0) {
        auto inbox = store_.find_mailbox(account->id, "INBOX");
        if (!inbox) return inbox.failure();
        mailbox = inbox->id;
    }
    bool seen = std::any_of(out.local.begin(), out.local.end(),
                            [&](const LocalTarget& t) { return t.mailbox == mailbox; });
    if (!seen)
        out.local.push_back(
            {account->id, account->address, mailbox, account->quota_bytes, account->used_bytes});
    return true;
}

Status Router::expand(std::string_view address, int depth, Resolution& out) {
    std::string local, domain;
    if (!split_address(address, local, domain)) return fail(Errc::invalid, "not an address");
    auto is_local = store_.has_domain(domain);
    if (!is_local) return is_local.failure();
    if (!*is_local) {
        std::string a(address);
        if (std::find(out.remote.begin(), out.remote.end(), a) == out.remote.end())
            out.remote.push_back(a);
        return {};
    }
    std::string full = local + "@" + domain;
    auto try_alias = [&](const std::string& source, bool& found) -> Status {
        found = false;
        auto alias = store_.find_alias(source);
        if (!alias) return alias.error().code == Errc::not_found ? Status{} : alias.failure();
        found = true;
        if (depth >= kMaxDepth) return {};
        for (const auto& target : alias->targets) {
            Status st = expand(target, depth + 1, out);
            if (!st && st.error().code != Errc::invalid) return st;
        }
        return {};
    };
    bool found = false;
    if (Status st = try_alias(full, found); !st) return st;
    if (found) return {};
    auto direct = deliver_to_account(full, "", out);
    if (!direct) return direct.failure();
    if (*direct) return {};

    // RFC 5233 subaddressing: "user+tag" reaches "user", into folder "tag".
    auto plus = local.find('+');
    if (plus != std::string::npos && plus > 0) {
        std::string base = local.substr(0, plus) + "@" + domain;
        std::string tag = local.substr(plus + 1);
        if (Status st = try_alias(base, found); !st) return st;
        if (found) return {};
        auto sub = deliver_to_account(base, tag, out);
        if (!sub) return sub.failure();
        if (*sub) return {};
    }
    if (Status st = try_alias("@" + domain, found); !st) return st;
    return {};
}

Result<Resolution> Router::resolve(std::string_view address) {
    Resolution out;
    std::string local, domain;
    if (!split_address(address, local, domain)) return fail(Errc::invalid, "not an address");
    auto is_local = store_.has_domain(domain);
    if (!is_local) return is_local.failure();
    if (!*is_local) {
        out.kind = Resolution::Kind::remote;
        out.remote.emplace_back(address);
        return out;
    }
    if (Status st = expand(address, 0, out); !st) return st.failure();
    out.kind = (out.local.empty() && out.remote.empty()) ? Resolution::Kind::unknown
                                                         : Resolution::Kind::local;
    return out;
}

}  // namespace tern::delivery
