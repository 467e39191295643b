// The SQL behind each Store method, as free functions over one connection.
//
// Each function does what the same-named method in store/store.hpp promises.
// Mutating functions run on the writer thread inside the job's SAVEPOINT and
// append what they changed to `changes` (published after COMMIT); readers run
// them on a pooled connection inside a read transaction. None of them
// commits, begins or rolls back: the caller owns the transaction, so an error
// halfway through is undone by the caller's savepoint rollback.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "store/sqlite/db.hpp"
#include "store/store.hpp"

namespace tern::store::sqlite::ops {

using Changes = std::vector<Change>;
using UidPairs = std::vector<std::pair<uint32_t, uint32_t>>;

// accounts.cpp
Status add_domain(Db& db, std::string_view domain);
Status remove_domain(Db& db, std::string_view domain);
Result<std::vector<std::string>> list_domains(Db& db);
Result<bool> has_domain(Db& db, std::string_view domain);
Result<Account> add_account(Db& db, Changes& changes, std::string_view address,
                            std::string_view password_hash, uint64_t quota_bytes);
Status remove_account(Db& db, Changes& changes, std::string_view address);
Result<Account> find_account(Db& db, std::string_view address);
Result<Account> get_account(Db& db, AccountId id);
Status set_password_hash(Db& db, std::string_view address, std::string_view hash);
Status set_quota(Db& db, std::string_view address, uint64_t quota_bytes);
Status set_disabled(Db& db, std::string_view address, bool disabled);
Result<std::vector<Account>> list_accounts(Db& db, std::string_view domain);
Status add_alias(Db& db, std::string_view source, const std::vector<std::string>& targets);
Status remove_alias(Db& db, std::string_view source, std::string_view target);
Result<Alias> find_alias(Db& db, std::string_view source);
Result<std::vector<Alias>> list_aliases(Db& db, std::string_view domain);
// Adds `delta` to the account's used_bytes.
Status adjust_used(Db& db, AccountId account, int64_t delta);
// Errc::quota when adding `bytes` would pass a nonzero quota.
Status check_quota(Db& db, AccountId account, uint64_t bytes);

// mailboxes.cpp
Result<Mailbox> create_mailbox(Db& db, Changes& changes, AccountId account, std::string_view name,
                               std::string_view special_use, bool subscribed);
Status delete_mailbox(Db& db, Changes& changes, AccountId account, std::string_view name);
Status rename_mailbox(Db& db, Changes& changes, AccountId account, std::string_view from,
                      std::string_view to);
Result<std::vector<Mailbox>> list_mailboxes(Db& db, AccountId account);
Result<Mailbox> find_mailbox(Db& db, AccountId account, std::string_view name);
Result<Mailbox> get_mailbox(Db& db, MailboxId id);
Status set_subscribed(Db& db, AccountId account, std::string_view name, bool subscribed);
Result<MailboxStatus> mailbox_status(Db& db, MailboxId id);
// Deletes a mailbox row and everything in it (messages, tombstones), freeing
// unreferenced blobs and adjusting the owner's used_bytes.
Status purge_mailbox(Db& db, Changes& changes, const Mailbox& mailbox);

// messages.cpp
// `view`, when set, is kept as the new blob's view (Derivers::view).
Result<std::vector<Appended>> append(Db& db, Changes& changes, const NewMessage& message,
                                     const std::optional<std::string>& view);
Result<std::vector<Message>> list_messages(Db& db, MailboxId mailbox);
Result<std::vector<Message>> changed_since(Db& db, MailboxId mailbox, uint64_t modseq);
Result<std::vector<uint32_t>> expunged_since(Db& db, MailboxId mailbox, uint64_t modseq);
Result<Message> get_message(Db& db, MailboxId mailbox, uint32_t uid);
Result<std::string> read_blob(Db& db, BlobId blob);
Result<std::vector<Message>> store_flags(Db& db, Changes& changes, MailboxId mailbox,
                                         const std::vector<uint32_t>& uids, FlagOp op,
                                         const std::vector<std::string>& flags,
                                         std::optional<uint64_t> unchanged_since);
// Copy (remove_source=false) or move (true) of the listed UIDs.
Result<UidPairs> transfer(Db& db, Changes& changes, MailboxId from,
                          const std::vector<uint32_t>& uids, MailboxId to, bool remove_source);
Result<std::vector<uint32_t>> expunge(Db& db, Changes& changes, MailboxId mailbox,
                                      const std::vector<uint32_t>& uids);
// Deletes the blob if no message references it any more.
Status free_blob_if_unused(Db& db, BlobId blob);

// queue.cpp
Result<QueueId> enqueue(Db& db, const NewQueued& message);
Result<std::vector<QueuedMessage>> claim_due(Db& db, std::string_view owner, int64_t now,
                                             int64_t lease_until, std::size_t limit);
Status release_claims(Db& db, std::string_view owner);
Result<std::optional<int64_t>> next_due(Db& db);
Result<std::string> read_queued(Db& db, QueueId id);
Status record_attempt(Db& db, QueueId id, const std::vector<RecipientUpdate>& updates,
                      int64_t next_attempt);
Status set_delay_notified(Db& db, QueueId id, int64_t when);
Result<std::vector<QueuedMessage>> list_queue(Db& db);
Result<QueuedMessage> get_queued(Db& db, QueueId id);
Status delete_queued(Db& db, QueueId id);
Result<std::size_t> reschedule(Db& db, QueueId id, int64_t when);

// dmarc.cpp
Status add_dmarc_rows(Db& db, const std::vector<DmarcReportRow>& rows);
Result<std::vector<DmarcReportRow>> dmarc_rows_before(Db& db, int64_t day);
Status delete_dmarc_rows(Db& db, int64_t day, std::string_view domain);

// derived.cpp: views and the full-text index (schema 5).
struct PendingBlob {
    BlobId id = 0;
    std::string raw;
    bool needs_view = false;
    bool needs_text = false;
};
Status put_view(Db& db, BlobId blob, std::string_view view);
Result<std::string> read_view(Db& db, BlobId blob);
// Blobs after `after` (ascending) still missing a view (when need_view) or
// their index text (when need_text), with their bytes, up to about
// max_bytes in all (at least one).
Result<std::vector<PendingBlob>> pending_blobs(Db& db, BlobId after, bool need_view, bool need_text,
                                               std::size_t max_bytes);
// Keeps what was made of a blob, if the blob still exists.
Status put_derived(Db& db, BlobId blob, const std::optional<std::string>& view,
                   const std::optional<IndexText>& text);
// Forgets a freed blob's view and text.
Status drop_derived(Db& db, BlobId blob);
Result<TextMatches> search_text(Db& db, MailboxId mailbox, TextScope scope,
                                std::string_view needle);

// check.cpp
Result<std::vector<std::string>> check(Db& db);

}  // namespace tern::store::sqlite::ops
