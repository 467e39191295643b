// UTF8=ACCEPT (RFC 6855) rules that depend on what the session enabled:
// which commands it refuses with BAD. The mode itself is switched on by
// ENABLE (cmd_auth.cpp); the parser takes names and quoted strings as UTF-8
// once it is on (ParseOptions::utf8, imap/proto/command.hpp).
#include "base/strings.hpp"
#include "imap/server/session.hpp"

namespace tern::imap {

std::optional<std::string> Session::utf8_refusal(const Command& c) const {
    if (const auto* append = std::get_if<AppendArgs>(&c.args)) {
        // RFC 6855 4: a server that offers UTF8=ACCEPT rejects with BAD an
        // APPEND with UTF8 data from a client that did not enable it (an
        // IMAP4rev2 client did not either: the UTF8 item is RFC 6855's).
        if (utf8_accept_) return std::nullopt;
        for (const auto& m : append->messages)
            if (m.utf8) return "UTF8 APPEND data needs ENABLE UTF8=ACCEPT";
        return std::nullopt;
    }
    if (!utf8_accept_) return std::nullopt;
    if (const auto* search = std::get_if<SearchArgs>(&c.args)) {
        // RFC 6855 3: after ENABLE UTF8=ACCEPT a SEARCH must not name a
        // charset; the server SHOULD answer BAD (conflicting labels).
        if (search->charset) return "SEARCH CHARSET is not allowed after ENABLE UTF8=ACCEPT";
    } else if (const auto* sort = std::get_if<SortArgs>(&c.args)) {
        // RFC 6855 erratum 4029: the mandatory charset of SORT and THREAD
        // must then be UTF-8; anything else gets BAD.
        if (!iequals(sort->charset, "UTF-8")) return "SORT charset must be UTF-8 after UTF8=ACCEPT";
    } else if (const auto* thread = std::get_if<ThreadArgs>(&c.args)) {
        if (!iequals(thread->charset, "UTF-8"))
            return "THREAD charset must be UTF-8 after UTF8=ACCEPT";
    }
    return std::nullopt;
}

}  // namespace tern::imap
