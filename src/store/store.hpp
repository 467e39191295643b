// The storage interface every protocol sees (DESIGN.md "Store semantics").
//
// Narrow interfaces: accounts and domains, mailboxes, messages, change
// notification. Backends (sqlite/ now, postgres/ later) implement Store and
// must pass the one conformance suite in tests/store/. Nothing backend-specific
// (SQL, sqlite3 types, file layout) appears here.
//
// Threading: every method is thread-safe and synchronous; it may block on disk.
// Protocol code never calls it on an event-loop thread: it goes through
// net::Blocking (a worker pool), see DESIGN.md rule 2.
//
// Durability (DESIGN.md rule 3): a mutating call returns only after its data
// is committed and synced. Concurrent writers are group-committed: one
// transaction and one sync per batch; each call still succeeds or fails alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace tern::store {

using AccountId = int64_t;
using MailboxId = int64_t;
using BlobId = int64_t;

// ---- accounts and domains --------------------------------------------------

struct Account {
    AccountId id = 0;
    std::string address;        // "local@domain", domain lower-cased, local part as created
    std::string password_hash;  // PHC string ($argon2id$...) or crypt(3) ($6$, $2b$...)
    uint64_t quota_bytes = 0;   // 0: unlimited
    uint64_t used_bytes = 0;    // sum of the sizes of its messages
    bool disabled = false;
    int64_t created_at = 0;  // unix seconds
};

// source is "local@domain" or, for a catch-all, "@domain". Targets are
// addresses, local or external.
struct Alias {
    std::string source;
    std::vector<std::string> targets;
};

class AccountStore {
  public:
    virtual ~AccountStore() = default;

    // Domains are stored lower-cased; names compare case-insensitively.
    virtual Status add_domain(std::string_view domain) = 0;     // exists if present
    virtual Status remove_domain(std::string_view domain) = 0;  // invalid while accounts remain
    virtual Result<std::vector<std::string>> list_domains() = 0;
    virtual Result<bool> has_domain(std::string_view domain) = 0;

    // Creates the account and its mailboxes: INBOX plus Drafts, Sent, Junk,
    // Trash and Archive with their RFC 6154 special-use attributes, all
    // subscribed. The domain must exist (not_found) and the address be new
    // (exists). Addresses compare case-insensitively.
    virtual Result<Account> add_account(std::string_view address, std::string_view password_hash,
                                        uint64_t quota_bytes) = 0;
    // Removes the account, its mailboxes and messages (blobs no longer
    // referenced are freed) and aliases whose source is the address.
    virtual Status remove_account(std::string_view address) = 0;
    virtual Result<Account> find_account(std::string_view address) = 0;  // not_found
    virtual Result<Account> get_account(AccountId id) = 0;
    virtual Status set_password_hash(std::string_view address, std::string_view hash) = 0;
    virtual Status set_quota(std::string_view address, uint64_t quota_bytes) = 0;
    virtual Status set_disabled(std::string_view address, bool disabled) = 0;
    // All accounts, or those of one domain when domain is not empty.
    virtual Result<std::vector<Account>> list_accounts(std::string_view domain) = 0;

    // Adding to an existing source appends targets (deduplicated).
    virtual Status add_alias(std::string_view source, const std::vector<std::string>& targets) = 0;
    // Removes one target, or the whole alias when target is empty.
    virtual Status remove_alias(std::string_view source, std::string_view target) = 0;
    virtual Result<Alias> find_alias(std::string_view source) = 0;  // case-insensitive; not_found
    virtual Result<std::vector<Alias>> list_aliases(std::string_view domain) = 0;
};

// ---- mailboxes ---------------------------------------------------------------

struct Mailbox {
    MailboxId id = 0;
    AccountId account = 0;
    std::string name;         // UTF-8; '/' separates hierarchy levels; "INBOX" is canonical
    std::string special_use;  // "", "\\Drafts", "\\Sent", "\\Junk", "\\Trash", "\\Archive"...
    bool subscribed = false;
    uint32_t uid_validity = 0;
    uint32_t uid_next = 1;
    uint64_t highest_modseq = 1;
};

struct MailboxStatus {
    uint32_t messages = 0;
    uint32_t unseen = 0;  // messages without \Seen
    uint64_t size = 0;    // RFC 8438 STATUS=SIZE
    uint32_t uid_next = 1;
    uint32_t uid_validity = 0;
    uint64_t highest_modseq = 1;
};

class MailboxStore {
  public:
    virtual ~MailboxStore() = default;

    // "INBOX" is matched case-insensitively (RFC 9051 5.1); other names exactly.
    virtual Result<Mailbox> create_mailbox(AccountId account, std::string_view name,
                                           std::string_view special_use) = 0;  // exists
    // Deletes the mailbox and its messages. INBOX cannot be deleted (invalid).
    virtual Status delete_mailbox(AccountId account, std::string_view name) = 0;
    // Renames the mailbox and every child ("a/b" moves with "a"). Renaming
    // INBOX moves its messages into a new mailbox and leaves INBOX empty
    // (RFC 9051 6.3.6). The new mailboxes get new UIDVALIDITY values.
    virtual Status rename_mailbox(AccountId account, std::string_view from,
                                  std::string_view to) = 0;
    virtual Result<std::vector<Mailbox>> list_mailboxes(AccountId account) = 0;
    virtual Result<Mailbox> find_mailbox(AccountId account, std::string_view name) = 0;
    virtual Result<Mailbox> get_mailbox(MailboxId id) = 0;
    virtual Status set_subscribed(AccountId account, std::string_view name, bool subscribed) = 0;
    virtual Result<MailboxStatus> mailbox_status(MailboxId id) = 0;
};

// ---- messages ------------------------------------------------------------------

struct Message {
    MailboxId mailbox = 0;
    uint32_t uid = 0;
    BlobId blob = 0;
    uint64_t modseq = 0;
    int64_t internal_date = 0;       // unix seconds
    uint64_t size = 0;               // octets of the raw message
    uint64_t crlf_size = 0;          // octets with every bare LF as CRLF (POP3 sizes)
    std::vector<std::string> flags;  // system flags ("\\Seen") and keywords, sorted, unique
};

// One message to store into one or more mailboxes (possibly of different
// accounts): the raw bytes are stored once and shared.
struct NewMessage {
    std::string raw;
    int64_t internal_date = 0;
    struct Target {
        MailboxId mailbox = 0;
        std::vector<std::string> flags;
    };
    std::vector<Target> targets;
};

struct Appended {
    MailboxId mailbox = 0;
    uint32_t uid = 0;
    uint64_t modseq = 0;
};

enum class FlagOp { add, remove, replace };

// ---- what the store derives from message bytes (schema 5) ------------------------------------

// Protocol code decides what is worth keeping per message; the store only
// calls these functions and keeps their results with the bytes.
//  - view: an opaque string computed once when the bytes are stored (IMAP
//    keeps its header block, ENVELOPE and BODYSTRUCTURE there), so reading
//    a message's structure never reparses it. Called on the appending
//    thread, outside the writer, so delivery pays it in parallel.
//  - text: the decoded header and body text for the full-text index
//    (SQLite FTS5, trigram tokens). Called by a background indexer after
//    the append is durable: the `250` of a delivery never waits for it.
struct IndexText {
    std::string header;  // header fields as "Name: value" lines, decoded
    std::string body;    // the text of the body parts, decoded to UTF-8
};
struct Derivers {
    std::function<std::string(std::string_view raw)> view;
    std::function<IndexText(std::string_view raw)> text;
};

enum class TextScope { body, all };  // SEARCH BODY, SEARCH TEXT (RFC 9051 6.4.4)

// The result of a full-text search in one mailbox.
struct TextMatches {
    std::vector<uint32_t> uids;       // ascending: indexed messages containing the needle
    std::vector<uint32_t> unindexed;  // ascending: not indexed yet; the caller looks itself
};

class MessageStore {
  public:
    virtual ~MessageStore() = default;

    // Stores the message in every target in one transaction, or nowhere. A
    // target whose account would exceed its quota fails the call with
    // Errc::quota (the caller decides per recipient before calling).
    virtual Result<std::vector<Appended>> append(const NewMessage& message) = 0;
    // Stores every message, in order, in one transaction: all or none
    // (RFC 3502 MULTIAPPEND). One result list per message.
    virtual Result<std::vector<std::vector<Appended>>> append_all(
        const std::vector<NewMessage>& messages) = 0;

    // Messages of a mailbox in UID order.
    virtual Result<std::vector<Message>> list_messages(MailboxId mailbox) = 0;
    // Messages whose modseq is greater than `modseq` (CONDSTORE, RFC 7162 3.1.4.1).
    virtual Result<std::vector<Message>> changed_since(MailboxId mailbox, uint64_t modseq) = 0;
    // UIDs expunged with a modseq greater than `modseq` (QRESYNC VANISHED).
    virtual Result<std::vector<uint32_t>> expunged_since(MailboxId mailbox, uint64_t modseq) = 0;
    virtual Result<Message> get_message(MailboxId mailbox, uint32_t uid) = 0;
    virtual Result<std::string> read_blob(BlobId blob) = 0;

    // Changes the flags of the listed UIDs (missing UIDs are ignored); every
    // message whose flags really change gets a new modseq. When
    // unchanged_since is set, messages with a greater modseq are left alone
    // (RFC 7162 3.1.3). Returns the messages after the change, changed or not.
    virtual Result<std::vector<Message>> store_flags(MailboxId mailbox,
                                                     const std::vector<uint32_t>& uids, FlagOp op,
                                                     const std::vector<std::string>& flags,
                                                     std::optional<uint64_t> unchanged_since) = 0;
    // Copies the listed UIDs to `to` (new UIDs, same blobs, same flags).
    // Returns the (source uid, new uid) pairs in source UID order (UIDPLUS).
    virtual Result<std::vector<std::pair<uint32_t, uint32_t>>> copy_messages(
        MailboxId from, const std::vector<uint32_t>& uids, MailboxId to) = 0;
    // Like copy, then expunges the sources, in one transaction (RFC 6851).
    virtual Result<std::vector<std::pair<uint32_t, uint32_t>>> move_messages(
        MailboxId from, const std::vector<uint32_t>& uids, MailboxId to) = 0;
    // Removes the listed UIDs; returns those really removed.
    virtual Result<std::vector<uint32_t>> expunge(MailboxId mailbox,
                                                  const std::vector<uint32_t>& uids) = 0;

    // The view Derivers::view made of the blob's bytes; not_found when the
    // blob has none (stored without a view function, or before schema 5).
    virtual Result<std::string> read_view(BlobId blob) = 0;
    // The views of several blobs in one read, in the order asked; an empty
    // string for a blob without one (or gone).
    virtual Result<std::vector<std::string>> read_views(const std::vector<BlobId>& blobs) = 0;
    // Messages of `mailbox` whose indexed text contains `needle`
    // case-insensitively (Unicode simple case folding; for needles of fewer
    // than three characters, ASCII letters only fold). Messages not indexed
    // yet are listed apart, for the caller to look at itself.
    virtual Result<TextMatches> search_text(MailboxId mailbox, TextScope scope,
                                            std::string_view needle) = 0;
    // Indexes every message not indexed yet, now (tests, `tern store check`);
    // the background indexer does the same continuously. Without a text
    // function it does nothing.
    virtual Status index_pending() = 0;
};

// ---- change notification ---------------------------------------------------------

struct Change {
    enum class Kind { appended, flags, expunged, mailbox };  // mailbox: created, deleted or renamed
    Kind kind = Kind::appended;
    AccountId account = 0;
    MailboxId mailbox = 0;
    std::vector<uint32_t> uids;
    uint64_t modseq = 0;
};

// Callbacks run on a store thread after the change is durable; they must be
// quick and must not call back into the store (post to your own executor).
class Subscription {
  public:
    Subscription() = default;
    explicit Subscription(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
    Subscription(Subscription&& o) noexcept : cancel_(std::move(o.cancel_)) { o.cancel_ = nullptr; }
    Subscription& operator=(Subscription&& o) noexcept {
        if (this != &o) {
            reset();
            cancel_ = std::move(o.cancel_);
            o.cancel_ = nullptr;
        }
        return *this;
    }
    ~Subscription() { reset(); }
    void reset() {
        if (cancel_) cancel_();
        cancel_ = nullptr;
    }

  private:
    std::function<void()> cancel_;
};

class ChangeNotifier {
  public:
    virtual ~ChangeNotifier() = default;
    virtual Subscription subscribe(AccountId account, std::function<void(const Change&)> fn) = 0;
};

// ---- the outbound queue ------------------------------------------------------------

using QueueId = int64_t;

// One recipient of a queued message and where its delivery stands.
struct QueueRecipient {
    enum class State { pending, delivered, failed };
    std::string address;  // the envelope recipient, as given to RCPT TO
    std::string orcpt;    // RFC 3461 4.2 ORCPT ("rfc822;user@example.org"), may be empty
    std::string notify;   // RFC 3461 4.1 NOTIFY ("SUCCESS,FAILURE", "NEVER"), empty: default
    State state = State::pending;
    uint32_t attempts = 0;
    std::string last_reply;  // the remote diagnostic or our reason ("550 5.1.1 no such user")
    std::string remote_mta;  // the host that gave last_reply, may be empty
    int64_t updated_at = 0;  // unix seconds of the last change
};

// A message waiting for remote delivery. The sender is empty for the null
// reverse-path <> (bounces), which never gets a bounce itself.
struct QueuedMessage {
    QueueId id = 0;
    std::string sender;
    std::string envid;        // RFC 3461 4.4 ENVID, may be empty
    std::string ret;          // RFC 3461 4.3 RET: "FULL", "HDRS" or empty
    bool smtputf8 = false;    // the envelope or the headers need SMTPUTF8 (RFC 6531)
    bool eight_bit = false;   // BODY=8BITMIME (RFC 6152)
    bool requiretls = false;  // RFC 8689
    int64_t created_at = 0;
    int64_t next_attempt = 0;       // unix seconds
    int64_t delay_notified_at = 0;  // when a delay DSN was sent; 0: not yet
    uint64_t size = 0;              // octets of the message
    std::vector<QueueRecipient> recipients;
};

// What enqueue() takes: the whole message and its envelope.
struct NewQueued {
    std::string sender;
    std::string envid;
    std::string ret;
    bool smtputf8 = false;
    bool eight_bit = false;
    bool requiretls = false;
    int64_t created_at = 0;
    int64_t next_attempt = 0;
    struct Recipient {
        std::string address;
        std::string orcpt;
        std::string notify;
    };
    std::vector<Recipient> recipients;
    std::string raw;
};

// The outcome of one delivery attempt for one recipient.
struct RecipientUpdate {
    std::string address;
    QueueRecipient::State state = QueueRecipient::State::pending;
    std::string last_reply;
    std::string remote_mta;
};

class QueueStore {
  public:
    virtual ~QueueStore() = default;

    // Stores the message and its recipients durably (this is the `250` of a
    // relayed message). Errors: invalid without recipients.
    virtual Result<QueueId> enqueue(const NewQueued& message) = 0;
    // Claims up to `limit` messages with pending recipients whose next_attempt
    // is at or before `now` and that are not claimed by anyone (or whose claim
    // expired), for `owner` until `lease_until`. A claimed message is handed
    // out once: the claim is what lets several processes or nodes share a
    // queue. Oldest next_attempt first.
    virtual Result<std::vector<QueuedMessage>> claim_due(std::string_view owner, int64_t now,
                                                         int64_t lease_until,
                                                         std::size_t limit) = 0;
    // Drops every claim held by `owner` (a restarted server reclaims its work).
    virtual Status release_claims(std::string_view owner) = 0;
    // The earliest next_attempt among unclaimed messages, or nullopt when
    // there is none.
    virtual Result<std::optional<int64_t>> next_due() = 0;
    virtual Result<std::string> read_queued(QueueId id) = 0;  // the raw message; not_found

    // Records an attempt: each named recipient's new state and reply (its
    // attempt count grows by one), then the message's next attempt time, and
    // releases the claim. A message with no pending recipient left is removed
    // with its bytes. not_found if the message is gone (deleted meanwhile).
    virtual Status record_attempt(QueueId id, const std::vector<RecipientUpdate>& updates,
                                  int64_t next_attempt) = 0;
    virtual Status set_delay_notified(QueueId id, int64_t when) = 0;

    // Operators' view and actions (`tern queue ...`).
    virtual Result<std::vector<QueuedMessage>> list_queue() = 0;
    virtual Result<QueuedMessage> get_queued(QueueId id) = 0;  // not_found
    virtual Status delete_queued(QueueId id) = 0;              // not_found
    // Sets next_attempt of one message (or every message when id is 0) to
    // `when`; returns how many messages changed.
    virtual Result<std::size_t> reschedule(QueueId id, int64_t when) = 0;
};

// ---- DMARC aggregate report data (RFC 7489 7.2) ----------------------------------------

// One row of a day's aggregate report for one policy domain. The store
// treats key, policy and rua as opaque text (mailauth/dmarc/report_rows.hpp
// encodes them); rows with the same (day, domain, key) add their counts.
struct DmarcReportRow {
    int64_t day = 0;     // UTC midnight (unix seconds) of the day the mail arrived
    std::string domain;  // the policy domain: where the DMARC record was found
    std::string key;     // the row's identity: source, identifiers, results
    uint64_t count = 0;  // messages
    std::string policy;  // the published policy (the latest seen that day)
    std::string rua;     // the record's aggregate report URIs (the latest seen)
};

class DmarcStore {
  public:
    virtual ~DmarcStore() = default;
    // Adds each row's count to the stored row with the same (day, domain,
    // key), or stores it; policy and rua take the new values.
    virtual Status add_dmarc_rows(const std::vector<DmarcReportRow>& rows) = 0;
    // Every row of days before `day` (the days whose reports are due).
    virtual Result<std::vector<DmarcReportRow>> dmarc_rows_before(int64_t day) = 0;
    // Removes one day's rows of one domain (its report was sent).
    virtual Status delete_dmarc_rows(int64_t day, std::string_view domain) = 0;
};

// ---- the whole store -----------------------------------------------------------------

class Store : public AccountStore,
              public MailboxStore,
              public MessageStore,
              public QueueStore,
              public DmarcStore,
              public ChangeNotifier {
  public:
    // Waits for queued writes and makes everything durable; later calls fail.
    virtual void close() = 0;
    // Consistency check for `tern store check`: an empty list means healthy.
    virtual Result<std::vector<std::string>> check() = 0;
};

struct SqliteOptions {
    std::string path;  // database file; its directory must exist
    unsigned group_commit_max_batch = 256;
    bool create_if_missing = true;
    // Optional. With derivers.view, appends keep a view and views missing
    // from older messages are made when the store opens; with
    // derivers.text, a background thread keeps the full-text index current
    // (when index_in_background; short-lived tools leave it to the server).
    Derivers derivers;
    bool index_in_background = true;
};

// Opens (and creates or migrates) the SQLite store.
Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& options);

}  // namespace tern::store
