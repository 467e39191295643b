// QUOTA (RFC 9208): GETQUOTAROOT, GETQUOTA and SETQUOTA.
//
// Each account with a quota has one quota root, named "" (RFC 9208 3.1: a
// root is any name; one per account keeps every mailbox under it), with one
// resource, STORAGE (RFC 9208 3.2.1), in units of 1024 octets: usage rounded
// up, limit rounded down, so a client never believes it has room it lacks.
// An account without a quota (quota_bytes 0) has no quota root: GETQUOTAROOT
// lists none and GETQUOTA "" answers NO (RFC 9208 4.1.1, 4.1.2).
// SETQUOTA is refused with NO [NOPERM]: quotas are set by the operator
// (`tern user`), and QUOTASET is not advertised (RFC 9208 4.1.3).
// APPEND, COPY and MOVE over quota get NO [OVERQUOTA] (cmd_message.cpp,
// RFC 9208 4.3.1).
#include "imap/server/session.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {
namespace {

const char kRoot[] = "";

std::string quota_line(const store::Account& account) {
    std::string line = "QUOTA ";
    append_string(line, kRoot);
    const std::uint64_t used = (account.used_bytes + 1023) / 1024;
    const std::uint64_t limit = account.quota_bytes / 1024;
    return untagged(line + " (STORAGE " + std::to_string(used) + " " + std::to_string(limit) + ")");
}

}  // namespace

net::Task<void> Session::cmd_getquotaroot(const Command& c) {
    const auto& args = std::get<MailboxArgs>(c.args);
    const store::AccountId id = account_->id;
    Result<store::Mailbox> box = fail(Errc::internal, "not run");
    Result<store::Account> account = fail(Errc::internal, "not run");
    std::function<void()> job = [&] {
        box = deps_.store.find_mailbox(id, args.mailbox);
        if (box) account = deps_.store.get_account(id);  // fresh usage
    };
    co_await run_job(job);
    if (!box) {
        mailbox_failed(c, box.error());
        co_return;
    }
    if (!account) {
        store_failed(c, account.error());
        co_return;
    }
    // RFC 9208 4.2.2: QUOTAROOT mailbox *(SP root), then a QUOTA per root.
    std::string line = "QUOTAROOT ";
    append_mailbox(line, args.mailbox, utf8_names());
    if (account->quota_bytes > 0) {
        line += ' ';
        append_string(line, kRoot);
    }
    reply(untagged(line));
    if (account->quota_bytes > 0) reply(quota_line(*account));
    ok(c, "GETQUOTAROOT completed");
}

net::Task<void> Session::cmd_getquota(const Command& c) {
    const auto& args = std::get<QuotaRootArgs>(c.args);
    const store::AccountId id = account_->id;
    Result<store::Account> account = fail(Errc::internal, "not run");
    std::function<void()> job = [&] { account = deps_.store.get_account(id); };
    co_await run_job(job);
    if (!account) {
        store_failed(c, account.error());
        co_return;
    }
    if (args.root != kRoot || account->quota_bytes == 0) {
        no(c, "no such quota root", ResponseCode{"NONEXISTENT", ""});  // RFC 9208 4.1.1
        co_return;
    }
    reply(quota_line(*account));
    ok(c, "GETQUOTA completed");
}

net::Task<void> Session::cmd_setquota(const Command& c) {
    no(c, "quotas are set by the administrator", ResponseCode{"NOPERM", ""});
    co_return;
}

}  // namespace tern::imap
