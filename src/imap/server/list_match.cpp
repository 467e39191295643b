#include "imap/server/list_match.hpp"

#include <vector>

#include "base/strings.hpp"

namespace tern::imap {

std::string list_canonical_pattern(std::string_view reference, std::string_view pattern) {
    std::string p(reference);
    p += pattern;
    // RFC 9051 5.1: "INBOX" is case-insensitive, so a pattern naming it in
    // another case must still find it.
    if (p.size() >= 5 && iequals(std::string_view(p).substr(0, 5), "INBOX") &&
        (p.size() == 5 || p[5] == kDelimiter))
        for (std::size_t i = 0; i < 5; ++i)
            p[i] = ascii_upper(p[i]);
    return p;
}

namespace {

// Recursive matcher with memoisation on (pattern index, name index): the
// pattern comes from the client, so plain backtracking could be
// exponential ("*%*%*%*%..."); the table keeps it O(|pattern| * |name|).
bool match_at(std::string_view p, std::string_view n, std::size_t pi, std::size_t ni,
              std::vector<signed char>& memo) {
    const std::size_t key = pi * (n.size() + 1) + ni;
    if (memo[key] >= 0) return memo[key] != 0;
    bool r = false;
    if (pi == p.size()) {
        r = ni == n.size();
    } else if (p[pi] == '*') {
        r = match_at(p, n, pi + 1, ni, memo) || (ni < n.size() && match_at(p, n, pi, ni + 1, memo));
    } else if (p[pi] == '%') {
        r = match_at(p, n, pi + 1, ni, memo) ||
            (ni < n.size() && n[ni] != kDelimiter && match_at(p, n, pi, ni + 1, memo));
    } else {
        r = ni < n.size() && p[pi] == n[ni] && match_at(p, n, pi + 1, ni + 1, memo);
    }
    memo[key] = r ? 1 : 0;
    return r;
}

}  // namespace

bool list_match(std::string_view pattern, std::string_view name) {
    // The recursion depth is bounded by |pattern| + |name|; both are limited
    // by the command line length and the store's name rules.
    if (pattern.size() > 1024 || name.size() > 4096) return false;
    std::vector<signed char> memo((pattern.size() + 1) * (name.size() + 1), -1);
    return match_at(pattern, name, 0, 0, memo);
}

}  // namespace tern::imap
