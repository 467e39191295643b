// Router: where a message for an envelope recipient goes.
//
// Resolution for "user+tag@domain" (DESIGN.md data flow; issue 3 item 5):
//  1. a domain that is not local → remote (the caller decides whether it may
//     relay there);
//  2. an alias for the exact address, then an account with that exact
//     address (local parts compare case-insensitively, as the store does);
//  3. without the "+tag": the alias, then the account; a plus-addressed
//     message goes into the folder named by the tag when the account has
//     such a mailbox, else INBOX;
//  4. the domain's catch-all alias "@domain";
//  5. otherwise unknown (550 5.1.1 at RCPT, so nothing bounces later).
// Alias targets are resolved the same way, recursively (at most 8 levels;
// loops end there); an external target becomes a remote recipient. Each
// local mailbox appears once however many paths lead to it.
//
// Blocking (store reads): call it on the worker pool.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/store.hpp"

namespace tern::delivery {

struct LocalTarget {
    store::AccountId account = 0;
    std::string address;  // the account's address (for Delivered-To)
    store::MailboxId mailbox = 0;
    uint64_t quota_bytes = 0;
    uint64_t used_bytes = 0;
};

struct Resolution {
    enum class Kind { local, remote, unknown };  // unknown: a local domain without such a user
    Kind kind = Kind::unknown;
    std::vector<LocalTarget> local;   // kind local: where copies go (aliases may also add remote)
    std::vector<std::string> remote;  // external addresses (kind remote, or alias targets)
    bool disabled = false;            // the account exists but is disabled
};

class Router {
  public:
    explicit Router(store::Store& store) : store_(store) {}

    Result<Resolution> resolve(std::string_view address);
    Result<bool> is_local_domain(std::string_view domain);

  private:
    Status expand(std::string_view address, int depth, Resolution& out);
    Result<bool> deliver_to_account(std::string_view address, std::string_view folder,
                                    Resolution& out);

    store::Store& store_;
};

// Splits "local@domain" at the last '@'; false if there is none.
bool split_address(std::string_view address, std::string& local, std::string& domain);

}  // namespace tern::delivery
