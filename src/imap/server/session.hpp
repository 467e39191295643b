// Session: one IMAP conversation, server side (RFC 3501, RFC 9051 states).
//
// The loop is thin (STYLE.md 10): read octets, feed the proto CommandReader
// (it frames lines and literals, and says when a synchronizing literal needs
// "+ Ready for literal data"), parse the command, look it up in the command
// table, check the state, run the handler, queue its replies. Replies are
// written when the reader holds no further complete command, so pipelined
// commands get their answers in one write.
//
// Literals: we feed CommandReader from raw read_some() calls rather than
// using net::LineReader, because the reader already does IMAP framing,
// literal limits and LITERAL+ discarding (imap/proto/reader.hpp).
//
// States (RFC 9051 3): not authenticated, authenticated, selected, logout.
// Capabilities offered: IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ENABLE ID IDLE
// UIDPLUS MOVE UNSELECT CHILDREN NAMESPACE SPECIAL-USE LIST-EXTENDED
// LIST-STATUS STATUS=SIZE CONDSTORE QRESYNC ESEARCH SEARCHRES WITHIN QUOTA
// QUOTA=RES-STORAGE SORT SORT=DISPLAY ESORT THREAD=ORDEREDSUBJECT
// THREAD=REFERENCES UTF8=ACCEPT BINARY APPENDLIMIT=<max literal>, STARTTLS
// and LOGINDISABLED before TLS, AUTH=PLAIN AUTH=LOGIN; COMPRESS=DEFLATE once
// authenticated and until compression is on (RFC 4978).
//
// COMPRESS DEFLATE (RFC 4978, cmd_compress.cpp): after the tagged OK the
// session talks through a net::DeflateStream over its stream (over TLS when
// TLS is on); the command reader and its limits see decompressed octets,
// so compressed input is bounded exactly like plain input.
//
// IDLE (RFC 2177, cmd_idle.cpp) without polling: the store's change callback
// wakes the session's pending read (net::Stream::waker) when the selected
// mailbox changes while the session idles; nothing runs while nothing
// happens.
//
// Per-session modes switched on by ENABLE (RFC 5161) or implicitly:
//  - CONDSTORE (RFC 7162 3.1): by ENABLE, SELECT (CONDSTORE), FETCH MODSEQ or
//    CHANGEDSINCE, SEARCH MODSEQ, STORE UNCHANGEDSINCE, STATUS HIGHESTMODSEQ;
//    from then on unsolicited FETCH carries MODSEQ and EXPUNGE's OK carries
//    HIGHESTMODSEQ;
//  - QRESYNC (RFC 7162 3.2): by ENABLE only; implies CONDSTORE; expunges are
//    reported as VANISHED, SELECT (QRESYNC ...) and UID FETCH (VANISHED) work;
//  - IMAP4rev2 (RFC 9051): by ENABLE; SEARCH answers ESEARCH, SELECT sends no
//    RECENT and no UNSEEN but a LIST of the mailbox, names are UTF-8;
//  - UTF8=ACCEPT (RFC 6855, utf8_accept.cpp): by ENABLE; mailbox names are
//    UTF-8 both ways (not modified UTF-7), quoted strings may carry UTF-8,
//    APPEND takes UTF8 (~{n}...); SEARCH with a CHARSET, and SORT or THREAD
//    with a charset other than UTF-8, get BAD (RFC 6855 3 and erratum
//    4029). Before it, UTF8 APPEND gets BAD (RFC 6855 4) and an 8-bit
//    quoted string BAD (the parser's rule).
// Messages whose headers carry raw UTF-8 (RFC 6532) are shown to every
// client as stored: ENVELOPE and BODYSTRUCTURE strings with 8-bit octets go
// out as literals, never as quoted strings (mime/imap_string.hpp), which is
// what RFC 6855 5 requires for clients that did not enable UTF8=ACCEPT; no
// downgrade (RFC 6857) is made.
// BINARY (RFC 3516) is the same for both revisions: FETCH BINARY[part],
// BINARY.PEEK, BINARY.SIZE answer with literal8 (or NO [UNKNOWN-CTE] for an
// encoding that cannot be undone, RFC 3516 4.3), and APPEND takes literal8.
// SEARCHRES (RFC 5182): "$" is kept as UIDs, so expunges and renumbering
// never make it point at other messages; it is emptied by SELECT, EXAMINE,
// CLOSE, UNSELECT and by a SEARCH ... RETURN (SAVE) that fails.
//
// What it enforces, with the reply each rule gets:
//  - LOGIN/AUTHENTICATE before TLS unless auth.allow_plaintext_without_tls:
//    "NO [PRIVACYREQUIRED]" (RFC 9051 7.1); failures "NO
//    [AUTHENTICATIONFAILED]", throttling "NO [UNAVAILABLE]";
//  - a command not valid in the state: "BAD"; syntax errors: "BAD <why>";
//    too many errors in a row: "* BYE", closed;
//  - STARTTLS drops any plaintext pipelined after it (CVE-2011-0411);
//  - untagged EXPUNGE never during FETCH, STORE or SEARCH (RFC 3501 7.4.1);
//  - idle longer than imap.idle_timeout_seconds (RFC 9051 5.4): "* BYE".
// Every mailbox name resolves inside the logged-in account only.
// ENVELOPE, BODY, BODYSTRUCTURE, BODY[section] and BINARY come from the mime
// library, parsed per FETCH (not yet cached at delivery).
// Stored views (message_view.hpp): ENVELOPE, BODY, BODYSTRUCTURE and the
// top-level header come from what was computed when the message was
// stored; SEARCH BODY/TEXT from the store's full-text index
// (search_scan.cpp). MULTIAPPEND is atomic (RFC 3502 3): one store
// transaction for all its messages.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "imap/proto/command.hpp"
#include "imap/proto/reader.hpp"
#include "imap/proto/writer.hpp"
#include "imap/server/imap_server.hpp"
#include "imap/server/message_map.hpp"
#include "net/deflate_stream.hpp"

namespace tern::imap {

class Session {
  public:
    Session(net::Connection& connection, ImapDeps deps, ImapListenerOptions options);
    net::Task<void> run();

  private:
    enum class State { not_authenticated, authenticated, selected, logout };
    using Handler = net::Task<void> (Session::*)(const Command&);
    enum StateMask : unsigned { kNotAuth = 1, kAuth = 2, kSelected = 4 };
    struct CommandSpec {
        CommandName name;
        Handler handler;
        unsigned states;       // StateMask bits
        bool no_expunge_news;  // RFC 3501 7.4.1: no EXPUNGE after it (non-UID form)
    };
    static const CommandSpec* find_command(CommandName name);

    // What next_item() produced: a framed command or reader error, or why
    // reading stopped. IoStatus::woken comes back only when `wakeable`.
    using Item = std::variant<ReaderItem, net::IoStatus>;
    net::Task<Item> next_item(bool interruptible, bool wakeable = false);

    void reply(std::string_view line) { out_ += line; }
    void ok(const Command& c, std::string_view text, std::optional<ResponseCode> code = {}) {
        out_ += tagged(c.tag, Condition::ok, text, code);
    }
    void no(const Command& c, std::string_view text, std::optional<ResponseCode> code = {}) {
        out_ += tagged(c.tag, Condition::no, text, code);
    }
    void bad(const Command& c, std::string_view text) {
        ++errors_;
        out_ += tagged(c.tag, Condition::bad, text);
    }
    net::Task<bool> flush();
    // The stream the session talks over: the connection's, or the
    // DeflateStream over it once COMPRESS is on.
    net::Stream& stream() { return *stream_; }
    const net::Stream& stream() const { return *stream_; }
    void end(std::string_view reason);
    bool plaintext_login_allowed() const;
    std::string capabilities() const;
    net::Task<void> run_job(const std::function<void()>& job);
    // Reloads the selected mailbox and appends the untagged updates owed
    // (EXPUNGE, EXISTS, FETCH FLAGS) to `into`.
    net::Task<void> sync_into(std::string& into, bool allow_expunge);
    void unselect();
    // The sequence numbers a set names; "$" is the saved search result
    // (RFC 5182 2.1), whether or not the command is a UID one.
    std::vector<std::uint32_t> resolve(const SequenceSet& set, bool uid) const;
    // "* n FETCH (UID u FLAGS (...) [MODSEQ (m)])": MODSEQ once CONDSTORE is
    // on (RFC 7162 3.1.4 / 3.2.4).
    std::string flags_update(std::uint32_t seq, const store::Message& m) const;
    // RFC 7889: the largest message APPEND accepts (the literal limit).
    std::uint64_t append_limit() const;
    // QRESYNC after a SELECT (RFC 7162 3.2.5.1): VANISHED (EARLIER) and FETCH
    // lines for what changed since the client's modseq.
    net::Task<void> qresync_report(const QresyncParams& q);
    void store_failed(const Command& c, const Error& e);
    // RFC 9051 6.4.8: message numbers must exist; UID sets need not.
    bool sequence_valid(const SequenceSet& set, bool uid) const;
    Status expunge_deleted(const std::optional<SequenceSet>& uids);
    void mailbox_failed(const Command& c, const Error& e);
    // The "ITEM value ..." text of a STATUS response; blocking (store calls).
    Result<std::string> status_items(const store::Mailbox& box,
                                     const std::vector<StatusItem>& items);

    // cmd_auth.cpp
    net::Task<void> cmd_capability(const Command& c);
    net::Task<void> cmd_noop(const Command& c);
    net::Task<void> cmd_logout(const Command& c);
    net::Task<void> cmd_starttls(const Command& c);
    net::Task<void> cmd_login(const Command& c);
    net::Task<void> cmd_authenticate(const Command& c);
    net::Task<void> cmd_id(const Command& c);
    net::Task<void> cmd_enable(const Command& c);
    // utf8_accept.cpp: names and quoted strings are UTF-8 (RFC 6855 3, RFC
    // 9051 5.1); and why RFC 6855 refuses `c` in this session (the BAD
    // text), or nothing.
    bool utf8_names() const { return rev2_ || utf8_accept_; }
    std::optional<std::string> utf8_refusal(const Command& c) const;
    net::Task<void> login(const Command& c, std::string user, std::string password,
                          std::string mechanism);
    // cmd_mailbox.cpp
    net::Task<void> cmd_create(const Command& c);
    net::Task<void> cmd_delete(const Command& c);
    net::Task<void> cmd_rename(const Command& c);
    net::Task<void> cmd_subscribe(const Command& c);
    net::Task<void> cmd_list(const Command& c);
    net::Task<void> cmd_namespace(const Command& c);
    net::Task<void> cmd_status(const Command& c);
    // cmd_select.cpp
    net::Task<void> cmd_select(const Command& c);
    net::Task<void> cmd_close(const Command& c);
    net::Task<void> cmd_unselect(const Command& c);
    net::Task<void> cmd_expunge(const Command& c);
    net::Task<void> cmd_check(const Command& c);
    // cmd_message.cpp
    net::Task<void> cmd_append(const Command& c);
    net::Task<void> cmd_store(const Command& c);
    net::Task<void> cmd_copy(const Command& c);
    // cmd_search.cpp
    net::Task<void> cmd_search(const Command& c);
    // cmd_sort.cpp
    net::Task<void> cmd_sort(const Command& c);
    net::Task<void> cmd_thread(const Command& c);
    // search_scan.cpp: runs the SEARCH `key` over the selected mailbox on a
    // worker thread and calls `matched` there for each match, in sequence
    // order, with an accessor of the message's top-level header block (from
    // its stored view or its bytes, read on first call; nullptr when
    // unreadable; SEARCH never calls it). Errors as SEARCH's.
    using HeaderBytes = std::function<const std::string*()>;
    using MatchSink =
        std::function<void(std::uint32_t seq, const store::Message& m, const HeaderBytes& header)>;
    net::Task<Status> scan_matches(const SearchKey& key, const MatchSink& matched);
    // The reply for a failed scan_matches (NO [CANNOT], BAD or SERVERBUG).
    void scan_failed(const Command& c, const Error& e);
    // cmd_fetch.cpp
    net::Task<void> cmd_fetch(const Command& c);
    // cmd_idle.cpp
    net::Task<void> cmd_idle(const Command& c);
    // cmd_compress.cpp
    net::Task<void> cmd_compress(const Command& c);
    // Registers for the account's changes (at login).
    void subscribe_changes();
    // cmd_quota.cpp
    net::Task<void> cmd_getquota(const Command& c);
    net::Task<void> cmd_getquotaroot(const Command& c);
    net::Task<void> cmd_setquota(const Command& c);

    net::Connection& conn_;
    net::Stream* stream_;
    std::unique_ptr<net::DeflateStream> deflate_;  // RFC 4978, once COMPRESS is on
    ImapDeps deps_;
    ImapListenerOptions options_;
    std::shared_ptr<const config::Config> config_;
    std::unique_ptr<CommandReader> reader_;
    std::string out_;
    std::string in_buf_;

    State state_ = State::not_authenticated;
    unsigned errors_ = 0;
    std::optional<store::Account> account_;
    // Set by the store's change callback (on a store thread); read and
    // cleared by the session at the moments it may send updates.
    std::shared_ptr<std::atomic<bool>> changed_ = std::make_shared<std::atomic<bool>>(false);
    // What the change callback needs to wake an IDLE (RFC 2177): whether
    // the session idles and on which mailbox, and the stream's waker.
    struct IdleWake {
        std::atomic<bool> idling{false};
        std::atomic<store::MailboxId> mailbox{0};
        std::function<void()> wake;  // set before subscribing, then constant
    };
    std::shared_ptr<IdleWake> idle_wake_ = std::make_shared<IdleWake>();
    store::Subscription subscription_;
    std::optional<store::Mailbox> selected_;
    bool read_only_ = false;
    MessageMap map_;
    bool condstore_ = false;                 // RFC 7162 3.1
    bool qresync_ = false;                   // RFC 7162 3.2
    bool rev2_ = false;                      // RFC 9051, by ENABLE IMAP4rev2
    bool utf8_accept_ = false;               // RFC 6855 3, by ENABLE UTF8=ACCEPT
    std::vector<std::uint32_t> saved_uids_;  // RFC 5182 "$", ascending UIDs
    std::string current_command_;            // for logs
};

}  // namespace tern::imap
