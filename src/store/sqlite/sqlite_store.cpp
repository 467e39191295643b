// The SQLite Store: wires the writer (group commit), the reader pool and the
// notifier to the SQL in ops.hpp. Every mutating method is one writer job;
// every read borrows a pooled connection.
#include "store/sqlite/sqlite_store.hpp"

#include <filesystem>
#include <mutex>

#include "base/log.hpp"
#include "store/sqlite/indexer.hpp"
#include "store/sqlite/notifier.hpp"
#include "store/sqlite/ops.hpp"
#include "store/sqlite/reader_pool.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/writer.hpp"

namespace tern::store {
namespace sqlite {
namespace {

class SqliteStore final : public Store {
    // Members first: write() deduces its return type from writer_->call().
    std::shared_ptr<Notifier> notifier_;
    ReaderPool readers_;
    std::unique_ptr<Writer> writer_;
    const Derivers derivers_;
    std::unique_ptr<Indexer> indexer_;
    std::mutex close_mu_;
    bool closed_ = false;

    // Views are made on the caller's thread, so concurrent deliveries parse
    // in parallel and the writer only stores them.
    std::optional<std::string> view_of(const NewMessage& message) const {
        if (!derivers_.view) return std::nullopt;
        return derivers_.view(message.raw);
    }

    template <class F>
    auto write(F&& fn) {
        return writer_->call(std::forward<F>(fn));
    }

  public:
    SqliteStore(std::unique_ptr<Db> db, const SqliteOptions& options)
        : notifier_(std::make_shared<Notifier>()),
          readers_(options.path),
          derivers_(options.derivers) {
        auto notifier = notifier_;
        writer_ = std::make_unique<Writer>(std::move(db), options.group_commit_max_batch,
                                           [notifier](const Changes& c) { notifier->publish(c); });
        indexer_ = std::make_unique<Indexer>(readers_, *writer_, derivers_);
        if (options.index_in_background) indexer_->start();
    }
    ~SqliteStore() override { close(); }

    WriterStats stats() const {
        auto c = writer_->counters();
        return WriterStats{c.commits, c.jobs};
    }

    // ---- AccountStore
    Status add_domain(std::string_view domain) override {
        return write([&](Db& db, Changes&) { return ops::add_domain(db, domain); });
    }
    Status remove_domain(std::string_view domain) override {
        return write([&](Db& db, Changes&) { return ops::remove_domain(db, domain); });
    }
    Result<std::vector<std::string>> list_domains() override {
        return readers_.with([&](Db& db) { return ops::list_domains(db); });
    }
    Result<bool> has_domain(std::string_view domain) override {
        return readers_.with([&](Db& db) { return ops::has_domain(db, domain); });
    }
    Result<Account> add_account(std::string_view address, std::string_view hash,
                                uint64_t quota) override {
        return write(
            [&](Db& db, Changes& ch) { return ops::add_account(db, ch, address, hash, quota); });
    }
    Status remove_account(std::string_view address) override {
        return write([&](Db& db, Changes& ch) { return ops::remove_account(db, ch, address); });
    }
    Result<Account> find_account(std::string_view address) override {
        return readers_.with([&](Db& db) { return ops::find_account(db, address); });
    }
    Result<Account> get_account(AccountId id) override {
        return readers_.with([&](Db& db) { return ops::get_account(db, id); });
    }
    Status set_password_hash(std::string_view address, std::string_view hash) override {
        return write([&](Db& db, Changes&) { return ops::set_password_hash(db, address, hash); });
    }
    Status set_quota(std::string_view address, uint64_t quota) override {
        return write([&](Db& db, Changes&) { return ops::set_quota(db, address, quota); });
    }
    Status set_disabled(std::string_view address, bool disabled) override {
        return write([&](Db& db, Changes&) { return ops::set_disabled(db, address, disabled); });
    }
    Result<std::vector<Account>> list_accounts(std::string_view domain) override {
        return readers_.with([&](Db& db) { return ops::list_accounts(db, domain); });
    }
    Status add_alias(std::string_view source, const std::vector<std::string>& targets) override {
        return write([&](Db& db, Changes&) { return ops::add_alias(db, source, targets); });
    }
    Status remove_alias(std::string_view source, std::string_view target) override {
        return write([&](Db& db, Changes&) { return ops::remove_alias(db, source, target); });
    }
    Result<Alias> find_alias(std::string_view source) override {
        return readers_.with([&](Db& db) { return ops::find_alias(db, source); });
    }
    Result<std::vector<Alias>> list_aliases(std::string_view domain) override {
        return readers_.with([&](Db& db) { return ops::list_aliases(db, domain); });
    }

    // ---- MailboxStore
    Result<Mailbox> create_mailbox(AccountId account, std::string_view name,
                                   std::string_view special_use) override {
        return write([&](Db& db, Changes& ch) {
            return ops::create_mailbox(db, ch, account, name, special_use, false);
        });
    }
    Status delete_mailbox(AccountId account, std::string_view name) override {
        return write(
            [&](Db& db, Changes& ch) { return ops::delete_mailbox(db, ch, account, name); });
    }
    Status rename_mailbox(AccountId account, std::string_view from, std::string_view to) override {
        return write(
            [&](Db& db, Changes& ch) { return ops::rename_mailbox(db, ch, account, from, to); });
    }
    Result<std::vector<Mailbox>> list_mailboxes(AccountId account) override {
        return readers_.with([&](Db& db) { return ops::list_mailboxes(db, account); });
    }
    Result<Mailbox> find_mailbox(AccountId account, std::string_view name) override {
        return readers_.with([&](Db& db) { return ops::find_mailbox(db, account, name); });
    }
    Result<Mailbox> get_mailbox(MailboxId id) override {
        return readers_.with([&](Db& db) { return ops::get_mailbox(db, id); });
    }
    Status set_subscribed(AccountId account, std::string_view name, bool subscribed) override {
        return write(
            [&](Db& db, Changes&) { return ops::set_subscribed(db, account, name, subscribed); });
    }
    Result<MailboxStatus> mailbox_status(MailboxId id) override {
        return readers_.with([&](Db& db) { return ops::mailbox_status(db, id); });
    }

    // ---- MessageStore
    Result<std::vector<Appended>> append(const NewMessage& message) override {
        const std::optional<std::string> view = view_of(message);
        auto out = write([&](Db& db, Changes& ch) { return ops::append(db, ch, message, view); });
        if (out && derivers_.text) indexer_->poke();  // a no-op without the thread
        return out;
    }
    Result<std::vector<std::vector<Appended>>> append_all(
        const std::vector<NewMessage>& messages) override {
        std::vector<std::optional<std::string>> views;
        for (const auto& m : messages)
            views.push_back(view_of(m));
        // One job: its savepoint makes the whole list succeed or fail at once.
        auto out = write([&](Db& db, Changes& ch) -> Result<std::vector<std::vector<Appended>>> {
            std::vector<std::vector<Appended>> all;
            for (std::size_t i = 0; i < messages.size(); ++i) {
                auto one = ops::append(db, ch, messages[i], views[i]);
                if (!one) return one.failure();
                all.push_back(std::move(*one));
            }
            return all;
        });
        if (out && derivers_.text) indexer_->poke();
        return out;
    }
    Result<std::vector<Message>> list_messages(MailboxId mailbox) override {
        return readers_.with([&](Db& db) { return ops::list_messages(db, mailbox); });
    }
    Result<std::vector<Message>> changed_since(MailboxId mailbox, uint64_t modseq) override {
        return readers_.with([&](Db& db) { return ops::changed_since(db, mailbox, modseq); });
    }
    Result<std::vector<uint32_t>> expunged_since(MailboxId mailbox, uint64_t modseq) override {
        return readers_.with([&](Db& db) { return ops::expunged_since(db, mailbox, modseq); });
    }
    Result<Message> get_message(MailboxId mailbox, uint32_t uid) override {
        return readers_.with([&](Db& db) { return ops::get_message(db, mailbox, uid); });
    }
    Result<std::string> read_blob(BlobId blob) override {
        return readers_.with([&](Db& db) { return ops::read_blob(db, blob); });
    }
    Result<std::vector<Message>> store_flags(MailboxId mailbox, const std::vector<uint32_t>& uids,
                                             FlagOp op, const std::vector<std::string>& flags,
                                             std::optional<uint64_t> unchanged_since) override {
        return write([&](Db& db, Changes& ch) {
            return ops::store_flags(db, ch, mailbox, uids, op, flags, unchanged_since);
        });
    }
    Result<std::vector<std::pair<uint32_t, uint32_t>>> copy_messages(
        MailboxId from, const std::vector<uint32_t>& uids, MailboxId to) override {
        return write(
            [&](Db& db, Changes& ch) { return ops::transfer(db, ch, from, uids, to, false); });
    }
    Result<std::vector<std::pair<uint32_t, uint32_t>>> move_messages(
        MailboxId from, const std::vector<uint32_t>& uids, MailboxId to) override {
        return write(
            [&](Db& db, Changes& ch) { return ops::transfer(db, ch, from, uids, to, true); });
    }
    Result<std::vector<uint32_t>> expunge(MailboxId mailbox,
                                          const std::vector<uint32_t>& uids) override {
        return write([&](Db& db, Changes& ch) { return ops::expunge(db, ch, mailbox, uids); });
    }

    Result<std::string> read_view(BlobId blob) override {
        return readers_.with([&](Db& db) { return ops::read_view(db, blob); });
    }
    Result<std::vector<std::string>> read_views(const std::vector<BlobId>& blobs) override {
        return readers_.with([&](Db& db) -> Result<std::vector<std::string>> {
            std::vector<std::string> out;
            out.reserve(blobs.size());
            for (BlobId blob : blobs) {
                auto view = ops::read_view(db, blob);
                if (!view && view.error().code != Errc::not_found) return view.failure();
                out.push_back(view ? std::move(*view) : std::string());
            }
            return out;
        });
    }
    Result<TextMatches> search_text(MailboxId mailbox, TextScope scope,
                                    std::string_view needle) override {
        return readers_.with([&](Db& db) { return ops::search_text(db, mailbox, scope, needle); });
    }
    Status index_pending() override { return indexer_->run_pending(); }

    // ---- QueueStore
    Result<QueueId> enqueue(const NewQueued& message) override {
        return write([&](Db& db, Changes&) { return ops::enqueue(db, message); });
    }
    Result<std::vector<QueuedMessage>> claim_due(std::string_view owner, int64_t now,
                                                 int64_t lease_until, std::size_t limit) override {
        return write(
            [&](Db& db, Changes&) { return ops::claim_due(db, owner, now, lease_until, limit); });
    }
    Status release_claims(std::string_view owner) override {
        return write([&](Db& db, Changes&) { return ops::release_claims(db, owner); });
    }
    Result<std::optional<int64_t>> next_due() override {
        return readers_.with([&](Db& db) { return ops::next_due(db); });
    }
    Result<std::string> read_queued(QueueId id) override {
        return readers_.with([&](Db& db) { return ops::read_queued(db, id); });
    }
    Status record_attempt(QueueId id, const std::vector<RecipientUpdate>& updates,
                          int64_t next_attempt) override {
        return write(
            [&](Db& db, Changes&) { return ops::record_attempt(db, id, updates, next_attempt); });
    }
    Status set_delay_notified(QueueId id, int64_t when) override {
        return write([&](Db& db, Changes&) { return ops::set_delay_notified(db, id, when); });
    }
    Result<std::vector<QueuedMessage>> list_queue() override {
        return readers_.with([&](Db& db) { return ops::list_queue(db); });
    }
    Result<QueuedMessage> get_queued(QueueId id) override {
        return readers_.with([&](Db& db) { return ops::get_queued(db, id); });
    }
    Status delete_queued(QueueId id) override {
        return write([&](Db& db, Changes&) { return ops::delete_queued(db, id); });
    }
    Result<std::size_t> reschedule(QueueId id, int64_t when) override {
        return write([&](Db& db, Changes&) { return ops::reschedule(db, id, when); });
    }

    // ---- DmarcStore
    Status add_dmarc_rows(const std::vector<DmarcReportRow>& rows) override {
        return write([&](Db& db, Changes&) { return ops::add_dmarc_rows(db, rows); });
    }
    Result<std::vector<DmarcReportRow>> dmarc_rows_before(int64_t day) override {
        return readers_.with([&](Db& db) { return ops::dmarc_rows_before(db, day); });
    }
    Status delete_dmarc_rows(int64_t day, std::string_view domain) override {
        return write([&](Db& db, Changes&) { return ops::delete_dmarc_rows(db, day, domain); });
    }

    // ---- ChangeNotifier, Store
    Subscription subscribe(AccountId account, std::function<void(const Change&)> fn) override {
        return notifier_->subscribe(account, std::move(fn));
    }
    void close() override {
        std::lock_guard lock(close_mu_);
        if (closed_) return;
        closed_ = true;
        indexer_->stop();
        // Idle readers go first so the final checkpoint can truncate the WAL.
        readers_.close();
        writer_->stop();
    }
    Result<std::vector<std::string>> check() override {
        return readers_.with([&](Db& db) { return ops::check(db); });
    }
};

}  // namespace
}  // namespace sqlite

Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& options) {
    if (options.path.empty()) return fail(Errc::invalid, "store path is empty");
    std::error_code ec;
    if (!options.create_if_missing && !std::filesystem::exists(options.path, ec))
        return fail(Errc::not_found, "no store at " + options.path);
    auto db = sqlite::Db::open(options.path, options.create_if_missing);
    if (!db) return db.failure();
    if (auto s = sqlite::configure_connection(**db, false); !s) return s.failure();
    if (auto s = sqlite::migrate(**db); !s) return s.failure();
    log::debug("store.open").kv("path", options.path).kv("batch", options.group_commit_max_batch);
    return std::unique_ptr<Store>(new sqlite::SqliteStore(std::move(*db), options));
}

std::optional<WriterStats> writer_stats(Store& store) {
    auto* sqlite = dynamic_cast<sqlite::SqliteStore*>(&store);
    if (sqlite == nullptr) return std::nullopt;
    return sqlite->stats();
}

}  // namespace tern::store
