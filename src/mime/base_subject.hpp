// RFC 5256 2.1: the "base subject" of a message, the subject with its reply
// and forward decorations removed, used by SORT SUBJECT and by both THREAD
// algorithms to group messages.
//
// base_subject() never fails. It takes the Subject field's value as written
// (folded, RFC 2047 encoded-words and all) and runs every step of RFC 5256
// 2.1: decode encoded-words to UTF-8 and turn tabs and line breaks into
// spaces, collapsing runs (step 1); strip trailing "(fwd)" and whitespace
// (step 2); strip leading "re:", "fw:", "fwd:" with optional [blob]s and
// whitespace (step 3); strip a leading [blob] when text remains after it
// (step 4); repeat 3 and 4 (step 5); unwrap "[fwd: ... ]" and start again
// at step 2 (step 6). Keywords are matched in ASCII case-insensitively.
// The result is not case-folded: callers compare it with i;unicode-casemap.
//
// The returned flag tells whether the subject marked a reply or forward
// (a subj-refwd, a "(fwd)" trailer or a "[fwd: ]" wrapper), which the
// REFERENCES algorithm needs (RFC 5256 4, step 5.B/5.C).
//
// RFCs: RFC 5256 2.1, 5 (ABNF); RFC 2047.
#pragma once

#include <string>
#include <string_view>

namespace tern::mime {

struct BaseSubject {
    std::string text;  // UTF-8 (bytes outside encoded-words kept as sent)
    bool reply_or_forward = false;
};

BaseSubject base_subject(std::string_view subject_field);

}  // namespace tern::mime
