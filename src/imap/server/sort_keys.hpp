// SORT keys (RFC 5256 3, RFC 5957): what each message is sorted on, and the
// sort itself; also the pieces THREAD shares (sent date, base subject,
// i;unicode-casemap).
//
//  - unicode_casemap(): the canonical form of RFC 5051 2 (each character
//    mapped to its titlecase by ICU's simple titlecase mapping, then NFKD);
//    two strings compare under i;unicode-casemap as these forms compare
//    octet by octet. Invalid UTF-8 sequences become U+FFFD. ASCII-only
//    strings take a fast path (titlecase of ASCII is its uppercase).
//  - parse_sent_date(): an RFC 5322 3.3 date-time (with the obsolete forms
//    of 4.3: two- and three-digit years, named zones) as UTC unix seconds;
//    nullopt when it cannot be read.
//  - sort_facts(): every key of one message, from the store metadata and
//    the raw header: ARRIVAL (internal date), DATE (sent date, RFC 5256 2.2:
//    the Date header normalised to UTC, else the internal date), SIZE,
//    SUBJECT (the base subject, mime/base_subject.hpp), FROM/TO/CC (the
//    addr-mailbox of the first address), DISPLAYFROM/DISPLAYTO (RFC 5957 3:
//    the decoded display name, else the address). A missing header sorts
//    as the empty string (RFC 5256 3). Strings are stored casemapped.
//  - sort_order(): indexes of `facts` in the order the criteria ask for,
//    REVERSE flipping one key only; messages equal on every key keep
//    mailbox order (RFC 5256 3: ties by sequence number).
//
// Pure; never throws on message content.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/proto/command.hpp"
#include "store/store.hpp"

namespace tern::imap {

std::string unicode_casemap(std::string_view utf8);

std::optional<std::int64_t> parse_sent_date(std::string_view value);

struct SortFacts {
    std::uint32_t seq = 0;
    std::int64_t arrival = 0;
    std::int64_t sent = 0;
    std::uint64_t size = 0;
    std::string subject;  // casemapped base subject
    bool reply_or_forward = false;
    std::string from, to, cc;
    std::string display_from, display_to;
};

// `raw` is the whole message (only its header is read).
SortFacts sort_facts(std::uint32_t seq, const store::Message& m, std::string_view raw);

std::vector<std::size_t> sort_order(const std::vector<SortFacts>& facts,
                                    const std::vector<SortCriterion>& criteria);

}  // namespace tern::imap
