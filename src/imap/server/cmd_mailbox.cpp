// Mailbox commands of the authenticated state: CREATE, DELETE, RENAME,
// SUBSCRIBE, UNSUBSCRIBE, STATUS, NAMESPACE (RFC 9051 6.3, RFC 2342,
// STATUS=SIZE RFC 8438). LIST and LSUB live in cmd_list.cpp.
//
// Every name is looked up within the logged-in account only: the account id
// goes with every store call, so no name can reach another user's mail.
#include <algorithm>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "imap/server/list_match.hpp"
#include "imap/server/session.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {

Result<std::string> check_mailbox_name(std::string_view name) {
    std::string n(name);
    // RFC 9051 6.3.4: a trailing delimiter only says the client means to
    // create children; the name is the part before it.
    while (n.size() > 1 && n.back() == kDelimiter)
        n.pop_back();
    if (n.empty() || n.front() == kDelimiter) return fail(Errc::invalid, "invalid mailbox name");
    if (n.find("//") != std::string::npos) return fail(Errc::invalid, "empty hierarchy level");
    // Wildcards in a name would make LIST patterns ambiguous (RFC 9051 5.1).
    if (n.find_first_of("*%") != std::string::npos)
        return fail(Errc::invalid, "mailbox names cannot contain * or %");
    for (unsigned char ch : n)
        if (ch < 0x20 || ch == 0x7f)
            return fail(Errc::invalid, "control character in mailbox name");
    return n;
}

// The reply to a failed mailbox operation, with RFC 5530 response codes.
void Session::mailbox_failed(const Command& c, const Error& e) {
    switch (e.code) {
        case Errc::not_found:
            no(c, "no such mailbox", ResponseCode{"NONEXISTENT", ""});
            return;
        case Errc::exists:
            no(c, "mailbox already exists", ResponseCode{"ALREADYEXISTS", ""});
            return;
        case Errc::invalid:
        case Errc::denied:
            no(c, e.message, ResponseCode{"CANNOT", ""});
            return;
        case Errc::quota:
            no(c, "over quota", ResponseCode{"OVERQUOTA", ""});
            return;
        default:
            store_failed(c, e);
    }
}

net::Task<void> Session::cmd_create(const Command& c) {
    const auto& args = std::get<MailboxArgs>(c.args);
    auto name = check_mailbox_name(args.mailbox);
    if (!name) {
        no(c, name.error().message, ResponseCode{"CANNOT", ""});
        co_return;
    }
    std::string use;
    if (!args.special_use.empty()) {
        // RFC 6154 3: one special use per mailbox here.
        static const std::vector<std::string> known = {"\\Drafts",  "\\Sent", "\\Junk",   "\\Trash",
                                                       "\\Archive", "\\All",  "\\Flagged"};
        for (const auto& k : known)
            if (args.special_use.size() == 1 && iequals(k, args.special_use[0])) use = k;
        if (use.empty()) {
            no(c, "unsupported special use", ResponseCode{"USEATTR", ""});
            co_return;
        }
    }
    const store::AccountId account = account_->id;
    Status st;
    std::function<void()> job = [&] {
        // RFC 9051 6.3.4: create the missing superior names too.
        const std::string& n = *name;
        for (std::size_t pos = n.find(kDelimiter); pos != std::string::npos;
             pos = n.find(kDelimiter, pos + 1)) {
            auto parent = deps_.store.create_mailbox(account, n.substr(0, pos), "");
            if (!parent && parent.error().code != Errc::exists) {
                st = parent.failure();
                return;
            }
        }
        auto r = deps_.store.create_mailbox(account, n, use);
        if (!r) st = r.failure();
    };
    co_await run_job(job);
    if (!st) {
        mailbox_failed(c, st.error());
        co_return;
    }
    ok(c, "CREATE completed");
}

net::Task<void> Session::cmd_delete(const Command& c) {
    const auto& args = std::get<MailboxArgs>(c.args);
    if (iequals(args.mailbox, "INBOX")) {
        no(c, "INBOX cannot be deleted", ResponseCode{"CANNOT", ""});  // RFC 9051 6.3.5
        co_return;
    }
    const store::AccountId account = account_->id;
    Status st;
    std::function<void()> job = [&] { st = deps_.store.delete_mailbox(account, args.mailbox); };
    co_await run_job(job);
    if (!st) {
        mailbox_failed(c, st.error());
        co_return;
    }
    ok(c, "DELETE completed");
}

net::Task<void> Session::cmd_rename(const Command& c) {
    const auto& args = std::get<RenameArgs>(c.args);
    auto to = check_mailbox_name(args.to);
    if (!to) {
        no(c, to.error().message, ResponseCode{"CANNOT", ""});
        co_return;
    }
    const store::AccountId account = account_->id;
    Status st;
    std::function<void()> job = [&] {
        if (auto from = deps_.store.find_mailbox(account, args.from); !from) {
            st = from.failure();
            return;
        }
        if (auto exists = deps_.store.find_mailbox(account, *to); exists) {
            st = fail(Errc::exists, "exists");
            return;
        }
        // RFC 9051 6.3.6: superior names of the new name are created as needed.
        const std::string& n = *to;
        for (std::size_t pos = n.find(kDelimiter); pos != std::string::npos;
             pos = n.find(kDelimiter, pos + 1)) {
            auto parent = deps_.store.create_mailbox(account, n.substr(0, pos), "");
            if (!parent && parent.error().code != Errc::exists) {
                st = parent.failure();
                return;
            }
        }
        st = deps_.store.rename_mailbox(account, args.from, n);
    };
    co_await run_job(job);
    if (!st) {
        mailbox_failed(c, st.error());
        co_return;
    }
    ok(c, "RENAME completed");
}

net::Task<void> Session::cmd_subscribe(const Command& c) {
    const auto& args = std::get<MailboxArgs>(c.args);
    const bool on = c.name == CommandName::subscribe;
    const store::AccountId account = account_->id;
    Status st;
    std::function<void()> job = [&] { st = deps_.store.set_subscribed(account, args.mailbox, on); };
    co_await run_job(job);
    // RFC 9051 6.3.7: subscribing to a name that does not exist is allowed,
    // but our store keeps subscriptions on mailboxes, so it is refused.
    if (!st) {
        mailbox_failed(c, st.error());
        co_return;
    }
    ok(c, on ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
}

net::Task<void> Session::cmd_namespace(const Command& c) {
    // RFC 2342 5: one personal namespace, no other users' or shared ones.
    reply(untagged("NAMESPACE ((\"\" \"/\")) NIL NIL"));
    ok(c, "NAMESPACE completed");
    co_return;
}

Result<std::string> Session::status_items(const store::Mailbox& box,
                                          const std::vector<StatusItem>& items) {
    auto st = deps_.store.mailbox_status(box.id);
    if (!st) return st.failure();
    std::optional<std::uint32_t> deleted;
    std::uint64_t deleted_bytes = 0;
    std::string out;
    for (auto item : items) {
        if (!out.empty()) out += ' ';
        out += to_string(item);
        out += ' ';
        switch (item) {
            case StatusItem::messages:
                out += std::to_string(st->messages);
                break;
            case StatusItem::uidnext:
                out += std::to_string(st->uid_next);
                break;
            case StatusItem::uidvalidity:
                out += std::to_string(st->uid_validity);
                break;
            case StatusItem::unseen:
                out += std::to_string(st->unseen);
                break;
            case StatusItem::size:
                out += std::to_string(st->size);
                break;
            case StatusItem::recent:
                out += "0";
                break;  // \Recent is not kept
            case StatusItem::highestmodseq:
                out += std::to_string(st->highest_modseq);
                break;
            case StatusItem::appendlimit:
                // RFC 7889 3.2: the same limit as the capability.
                out += std::to_string(append_limit());
                break;
            case StatusItem::deleted:
            case StatusItem::deleted_storage:
                if (!deleted) {
                    auto list = deps_.store.list_messages(box.id);
                    if (!list) return list.failure();
                    deleted = 0;
                    for (const auto& m : *list) {
                        if (!has_flag(m.flags, "\\Deleted")) continue;
                        ++*deleted;
                        deleted_bytes += m.size;
                    }
                }
                // RFC 9208: DELETED-STORAGE is in the STORAGE unit, KiB,
                // rounded up so a client never expects to free too much.
                out += std::to_string(item == StatusItem::deleted ? *deleted
                                                                  : (deleted_bytes + 1023) / 1024);
                break;
        }
    }
    return out;
}

net::Task<void> Session::cmd_status(const Command& c) {
    const auto& args = std::get<StatusArgs>(c.args);
    // RFC 7162 3.1: STATUS (HIGHESTMODSEQ) enables CONDSTORE.
    if (std::find(args.items.begin(), args.items.end(), StatusItem::highestmodseq) !=
        args.items.end())
        condstore_ = true;
    const store::AccountId account = account_->id;
    Result<std::string> items = fail(Errc::internal, "not run");
    std::function<void()> job = [&] {
        auto box = deps_.store.find_mailbox(account, args.mailbox);
        if (!box) {
            items = box.failure();
            return;
        }
        items = status_items(*box, args.items);
    };
    co_await run_job(job);
    if (!items) {
        mailbox_failed(c, items.error());
        co_return;
    }
    std::string line = "STATUS ";
    append_mailbox(line, args.mailbox, utf8_names());
    reply(untagged(line + " (" + *items + ")"));
    ok(c, "STATUS completed");
}

}  // namespace tern::imap
