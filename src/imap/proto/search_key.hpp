// The typed SEARCH criteria tree (RFC 9051 6.4.4, RFC 3501 6.4.4) shared by
// SEARCH, SORT and THREAD, and the parser that builds it.
//
// Keys: ALL, ANSWERED, BCC, BEFORE, BODY, CC, DELETED, DRAFT, FLAGGED, FROM,
// HEADER, KEYWORD, LARGER, NEW, NOT, OLD, ON, OR, RECENT, SEEN, SENTBEFORE,
// SENTON, SENTSINCE, SINCE, SMALLER, SUBJECT, TEXT, TO, UID, UNANSWERED,
// UNDELETED, UNDRAFT, UNFLAGGED, UNKEYWORD, UNSEEN, a sequence set (or "$",
// RFC 5182), a parenthesised list; MODSEQ (RFC 7162 3.1.5); OLDER and
// YOUNGER (RFC 5032). Several keys in a row are an AND.
//
// Promises: parse_search_keys() never throws; it fails (Errc::invalid) on an
// unknown key, a missing or malformed argument, or nesting deeper than
// max_depth (DESIGN.md rule 4: command nesting is limited).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "imap/proto/datetime.hpp"
#include "imap/proto/sequence_set.hpp"

namespace tern::imap {

class Lexer;

enum class SearchKeyType {
    all,
    and_,
    or_,
    not_,
    sequence_set,
    uid,
    answered,
    deleted,
    draft,
    flagged,
    seen,
    recent,
    new_,
    old,
    unanswered,
    undeleted,
    undraft,
    unflagged,
    unseen,
    keyword,
    unkeyword,
    bcc,
    body,
    cc,
    from,
    subject,
    text,
    to,
    header,
    before,
    on,
    since,
    sent_before,
    sent_on,
    sent_since,
    larger,
    smaller,
    modseq,
    older,
    younger,
};

struct SearchKey {
    SearchKeyType type = SearchKeyType::all;
    std::vector<SearchKey> children;  // and_ (any number), or_ (2), not_ (1)
    std::string field;                // HEADER field name; MODSEQ entry name
    std::string value;                // string argument or keyword
    std::string entry_type;           // MODSEQ entry type: "priv", "shared" or "all"
    Date date;                        // date keys
    std::uint64_t number = 0;         // LARGER SMALLER MODSEQ OLDER YOUNGER
    SequenceSet set;                  // sequence_set and uid

    bool operator==(const SearchKey&) const = default;
};

// Reads one or more keys separated by SP up to the end of the command (or up
// to ")" when nested); a single key comes back as itself, several as and_.
// String arguments are returned as sent; the session decodes them with the
// command's CHARSET.
Result<SearchKey> parse_search_keys(Lexer& lex, int max_depth);

}  // namespace tern::imap
