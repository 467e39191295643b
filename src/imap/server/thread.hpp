// THREAD (RFC 5256 4): the ORDEREDSUBJECT and REFERENCES algorithms over a
// set of messages, and the thread-list text of the "* THREAD" response.
//
//  - thread_ordered_subject(): messages grouped by base subject, each group
//    in sent-date order; the first message is the parent of all the others
//    (which are siblings); groups ordered by their first message's date.
//  - thread_references(): RFC 5256 4 REFERENCES, steps 1 to 6: containers
//    by Message-ID (a missing or duplicate Message-ID gets a unique one),
//    parent links from References (else the first In-Reply-To id), never
//    creating a loop and never replacing a link made earlier, except that a
//    message's own parent is always its last reference; the root set;
//    dummy containers pruned (children promoted, but not to the root unless
//    there is only one); the root set sorted; top-level threads merged by
//    base subject; every sibling list sorted by sent date, deepest first.
//  - Ties of sent date go to the lower sequence number (RFC 5256 2.2); a
//    dummy sorts as its first child.
//  - The text is the thread-list sequence of RFC 5256 5, e.g.
//    "(2)(3 6 (4 23)(44 7 96))", "" when there are no messages; numbers are
//    ThreadMessage::number (sequence numbers or UIDs).
//
// Deep threads are walked with explicit stacks, never recursion, so a
// hostile chain of References cannot exhaust the stack. Pure; never throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tern::imap {

struct ThreadMessage {
    std::uint32_t number = 0;  // shown in the response: sequence number or UID
    std::uint32_t seq = 0;     // for ties (RFC 5256 2.2)
    std::int64_t sent = 0;     // RFC 5256 2.2 sent date
    std::string subject;       // base subject, casemapped (sort_keys.hpp)
    bool reply_or_forward = false;
    std::string message_id;               // without "<>"; empty when none or invalid
    std::vector<std::string> references;  // oldest first, without "<>"
};

// The msg-ids of a Message-ID, References or In-Reply-To value, without
// their angle brackets, in order (RFC 5322 3.6.4; whitespace and comments
// between and inside them are dropped; text outside "<...>" is ignored).
std::vector<std::string> parse_message_ids(std::string_view value);

// RFC 5256 4 step 1: References, or when it has no valid id, the first id
// of In-Reply-To. Fills message_id and references from raw header values.
void set_thread_links(ThreadMessage& m, std::string_view message_id_field,
                      std::string_view references_field, std::string_view in_reply_to_field);

std::string thread_ordered_subject(const std::vector<ThreadMessage>& messages);
std::string thread_references(const std::vector<ThreadMessage>& messages);

}  // namespace tern::imap
