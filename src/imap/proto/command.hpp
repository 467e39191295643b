// The IMAP command parser: one complete command (RawCommand::text from
// CommandReader, or any string framed the same way) in, a typed Command out.
// Pure: no I/O and no session state beyond ParseOptions.
//
// Grammar: RFC 9051 9 and RFC 3501 9, with the extensions Tern implements:
// SASL-IR (RFC 4959), LITERAL+/- (RFC 7888), BINARY literal8 (RFC 3516),
// MULTIAPPEND (RFC 3502), UIDPLUS (RFC 4315 UID EXPUNGE), CONDSTORE and
// QRESYNC (RFC 7162), LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819),
// SPECIAL-USE (RFC 6154), ESEARCH (RFC 4731), SEARCHRES (RFC 5182), WITHIN
// (RFC 5032), SORT/THREAD (RFC 5256), ESORT (RFC 5267), QUOTA (RFC 9208),
// COMPRESS (RFC 4978), ENABLE (RFC 5161), ID (RFC 2971), IDLE (RFC 2177),
// UNSELECT (RFC 3691), MOVE (RFC 6851), UTF8=ACCEPT (RFC 6855).
// Command names and keywords are case-insensitive (RFC 9051 9 note 1).
//
// Mailbox names come out as UTF-8: decoded from modified UTF-7 (RFC 3501
// 5.1.3), or taken as UTF-8 when options.utf8 says the client enabled
// UTF8=ACCEPT or IMAP4rev2 (RFC 6855 3, RFC 9051 5.1). "INBOX" in any case
// becomes "INBOX" (RFC 9051 5.1). LIST patterns are decoded the same way.
// Quoted strings may carry UTF-8 only under options.utf8 (RFC 6855 3
// uQUOTED-CHAR, RFC 9051 9); otherwise an 8-bit octet in a quoted string is
// a syntax error (RFC 3501 9) and the client must send a literal.
//
// Promises: never throws or asserts. A syntax error is Errc::invalid with a
// short reason for the BAD reply; tag_of() tells whether a tag could be read
// (tagged "<tag> BAD <reason>") or not (untagged "* BAD <reason>").
// Semantic checks that need session state (is a mailbox selected, was
// CONDSTORE enabled, does the server offer the extension) belong to the
// session, not here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "imap/proto/datetime.hpp"
#include "imap/proto/fetch_items.hpp"
#include "imap/proto/search_key.hpp"
#include "imap/proto/sequence_set.hpp"

namespace tern::imap {

enum class CommandName {
    capability,
    noop,
    logout,
    starttls,
    authenticate,
    login,
    select,
    examine,
    create,
    delete_mailbox,
    rename,
    subscribe,
    unsubscribe,
    list,
    lsub,
    namespace_,
    status,
    append,
    check,
    close,
    unselect,
    expunge,
    search,
    fetch,
    store,
    copy,
    move,
    enable,
    idle,
    id,
    sort,
    thread,
    getquota,
    getquotaroot,
    setquota,
    compress,
};

std::string_view to_string(CommandName name);

struct ParseOptions {
    bool utf8 = false;          // UTF8=ACCEPT or IMAP4rev2 on: names, quoted strings UTF-8
    int max_search_depth = 32;  // nesting of "(", NOT and OR in SEARCH
};

struct AuthenticateArgs {
    std::string mechanism;  // upper-cased
    // RFC 4959 3: the SASL-IR initial response, still base64; "=" is an
    // empty response.
    std::optional<std::string> initial_response;
};

struct LoginArgs {
    std::string user;
    std::string password;
};

// RFC 7162 3.2.5.2: QRESYNC (uidvalidity modseq [known-uids [seq-match]]).
struct QresyncParams {
    std::uint32_t uidvalidity = 0;
    std::uint64_t modseq = 0;
    std::optional<SequenceSet> known_uids;
    std::optional<SequenceSet> known_sequence_set;  // with known_uid_set
    std::optional<SequenceSet> known_uid_set;
};

struct SelectArgs {  // SELECT and EXAMINE
    std::string mailbox;
    bool condstore = false;  // RFC 7162 3.1.8
    std::optional<QresyncParams> qresync;
};

struct MailboxArgs {  // CREATE DELETE SUBSCRIBE UNSUBSCRIBE GETQUOTAROOT
    std::string mailbox;
    std::vector<std::string> special_use;  // CREATE ... (USE (\Drafts)), RFC 6154 3
};

struct RenameArgs {
    std::string from;
    std::string to;
};

enum class StatusItem {
    messages,
    uidnext,
    uidvalidity,
    unseen,
    deleted,
    size,
    recent,
    highestmodseq,
    appendlimit,
    deleted_storage,  // RFC 9208: size of the \Deleted messages, KiB
};
std::string_view to_string(StatusItem item);

struct ListArgs {  // LIST and LSUB
    std::string reference;
    std::vector<std::string> patterns;  // one for LSUB and basic LIST
    bool extended = false;              // RFC 5258 syntax was used
    // RFC 5258 3.1 selection options.
    bool select_subscribed = false;
    bool select_remote = false;
    bool select_recursive_match = false;
    bool select_special_use = false;  // RFC 6154 5.1
    // RFC 5258 3.2 / RFC 6154 5.2 / RFC 5819 return options.
    bool return_subscribed = false;
    bool return_children = false;
    bool return_special_use = false;
    std::optional<std::vector<StatusItem>> return_status;
};

struct StatusArgs {
    std::string mailbox;
    std::vector<StatusItem> items;
};

struct AppendMessage {
    std::vector<std::string> flags;
    std::optional<DateTime> internal_date;
    std::string data;
    bool binary = false;  // sent as literal8 (RFC 3516 4.2)
    bool utf8 = false;    // sent as UTF8 (~{n}) (RFC 6855 4)
};

struct AppendArgs {
    std::string mailbox;
    std::vector<AppendMessage> messages;  // RFC 3502 MULTIAPPEND: one or more
};

struct ExpungeArgs {
    std::optional<SequenceSet> uids;  // UID EXPUNGE (RFC 4315 2.1)
};

enum class SearchReturn { min, max, all, count, save };

struct SearchArgs {
    std::optional<std::string> charset;
    // RFC 4731 3: present when RETURN (...) was given, even if empty.
    std::optional<std::vector<SearchReturn>> returns;
    SearchKey key;  // the implicit AND of all keys
};

struct FetchArgs {
    SequenceSet set;
    std::vector<FetchItem> items;
    bool macro = false;                          // ALL, FAST or FULL was expanded
    std::optional<std::uint64_t> changed_since;  // RFC 7162 3.1.4.1
    bool vanished = false;                       // RFC 7162 3.2.6
};

enum class StoreMode { replace, add, remove };

struct StoreArgs {
    SequenceSet set;
    std::optional<std::uint64_t> unchanged_since;  // RFC 7162 3.1.3
    StoreMode mode = StoreMode::replace;
    bool silent = false;
    std::vector<std::string> flags;
};

struct CopyArgs {  // COPY and MOVE
    SequenceSet set;
    std::string mailbox;
};

struct EnableArgs {
    std::vector<std::string> capabilities;  // upper-cased
};

struct IdArgs {
    // RFC 2971 3.3: NIL or a list of field/value pairs.
    std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> fields;
};

enum class SortKeyName { arrival, cc, date, from, size, subject, to, display_from, display_to };

struct SortCriterion {
    bool reverse = false;
    SortKeyName key = SortKeyName::arrival;
};

struct SortArgs {
    std::vector<SortCriterion> criteria;
    std::string charset;
    std::optional<std::vector<SearchReturn>> returns;  // RFC 5267 ESORT
    SearchKey key;
};

struct ThreadArgs {
    std::string algorithm;  // upper-cased: ORDEREDSUBJECT, REFERENCES, ...
    std::string charset;
    SearchKey key;
};

struct QuotaRootArgs {  // GETQUOTA
    std::string root;
};

struct SetQuotaArgs {
    std::string root;
    std::vector<std::pair<std::string, std::uint64_t>> limits;  // resource upper-cased
};

struct CompressArgs {
    std::string mechanism;  // upper-cased; only DEFLATE is defined (RFC 4978 3)
};

using CommandArgs =
    std::variant<std::monostate, AuthenticateArgs, LoginArgs, SelectArgs, MailboxArgs, RenameArgs,
                 ListArgs, StatusArgs, AppendArgs, ExpungeArgs, SearchArgs, FetchArgs, StoreArgs,
                 CopyArgs, EnableArgs, IdArgs, SortArgs, ThreadArgs, QuotaRootArgs, SetQuotaArgs,
                 CompressArgs>;

struct Command {
    std::string tag;
    CommandName name = CommandName::noop;
    bool uid = false;  // the UID prefix (RFC 9051 6.4.9)
    CommandArgs args;
};

Result<Command> parse_command(std::string_view raw, const ParseOptions& options = {});

// The tag of a command line, if one can be read (RFC 9051 9: 1*<any
// ASTRING-CHAR except "+"> followed by SP or the end of the line).
std::optional<std::string> tag_of(std::string_view raw);

// RFC 2177 3: the line that ends IDLE is "DONE" (case-insensitive).
bool is_idle_done(std::string_view line);

// RFC 9051 6.2.2: a client's answer to an AUTHENTICATE challenge: base64,
// decoded into the result, or "*" to cancel (Errc::denied). Errc::invalid on
// bad base64.
Result<std::string> parse_sasl_response(std::string_view line);

}  // namespace tern::imap
