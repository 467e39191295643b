#include "mime/base_subject.hpp"

#include "base/strings.hpp"
#include "mime/encoded_word.hpp"

namespace tern::mime {
namespace {

constexpr std::size_t npos = std::string_view::npos;

// RFC 5256 5: WSP is SP or HTAB; after step 1 only SP is left.
bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

std::size_t skip_wsp(std::string_view s, std::size_t pos) {
    while (pos < s.size() && is_wsp(s[pos]))
        ++pos;
    return pos;
}

// RFC 5256 5: subj-blob = "[" *BLOBCHAR "]" *WSP, BLOBCHAR being any octet
// but "[" and "]". Returns the end of the blob at `pos`, or npos.
std::size_t match_blob(std::string_view s, std::size_t pos) {
    if (pos >= s.size() || s[pos] != '[') return npos;
    const std::size_t close = s.find_first_of("[]", pos + 1);
    if (close == npos || s[close] != ']') return npos;
    return skip_wsp(s, close + 1);
}

// RFC 5256 5: subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":".
// Returns the end of the match at `pos`, or npos.
std::size_t match_refwd(std::string_view s, std::size_t pos) {
    for (std::string_view word : {"fwd", "fw", "re"}) {
        if (!istarts_with(s.substr(pos), word)) continue;
        std::size_t at = skip_wsp(s, pos + word.size());
        if (const std::size_t blob = match_blob(s, at); blob != npos) at = blob;
        if (at < s.size() && s[at] == ':') return at + 1;
    }
    return npos;
}

// RFC 5256 5: subj-leader = (*subj-blob subj-refwd) / WSP. Returns the
// length of the leader at the start of s (0 when there is none) and says
// whether it was a subj-refwd.
std::size_t match_leader(std::string_view s, bool& refwd) {
    refwd = false;
    if (!s.empty() && is_wsp(s[0])) return 1;
    std::size_t pos = 0;
    for (std::size_t end; (end = match_blob(s, pos)) != npos;)
        pos = end;
    const std::size_t end = match_refwd(s, pos);
    if (end == npos) return 0;
    refwd = true;
    return end;
}

bool iends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// Step 1, second half: tabs and line breaks (left over from folding or
// produced by decoding) become spaces, and runs of spaces become one.
std::string collapse_whitespace(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\t' || c == '\r' || c == '\n') c = ' ';
        if (c == ' ' && !out.empty() && out.back() == ' ') continue;
        out += c;
    }
    return out;
}

}  // namespace

BaseSubject base_subject(std::string_view subject_field) {
    BaseSubject result;
    // RFC 5256 2.1 step 1: encoded-words to UTF-8, whitespace collapsed.
    std::string s = collapse_whitespace(decode_header_text(subject_field));
    for (;;) {
        // Step 2: remove trailing subj-trailer ("(fwd)" / WSP) until none is left.
        for (;;) {
            if (!s.empty() && is_wsp(s.back())) {
                s.pop_back();
            } else if (iends_with(s, "(fwd)")) {
                s.resize(s.size() - 5);
                result.reply_or_forward = true;
            } else {
                break;
            }
        }
        // Steps 3-5: leaders, then one leading blob if text remains after
        // it, repeated until neither applies.
        for (bool changed = true; changed;) {
            changed = false;
            bool refwd = false;
            while (const std::size_t n = match_leader(s, refwd)) {
                s.erase(0, n);
                result.reply_or_forward = result.reply_or_forward || refwd;
                changed = true;
            }
            // Step 4: "removing that prefix leaves a non-empty subj-base".
            const std::size_t blob = match_blob(s, 0);
            if (blob != npos && blob < s.size()) {
                s.erase(0, blob);
                changed = true;
            }
        }
        // Step 6: "[fwd:" ... "]" around the whole text is unwrapped, and
        // the work starts again at step 2.
        if (s.size() >= 6 && istarts_with(s, "[fwd:") && s.back() == ']') {
            s = s.substr(5, s.size() - 6);
            result.reply_or_forward = true;
            continue;
        }
        break;
    }
    result.text = std::move(s);
    return result;
}

}  // namespace tern::mime
