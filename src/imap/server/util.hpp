// Small helpers shared by the IMAP command files: reader limits from the
// configuration, flag and date formatting, the header/body split used by
// BODY[HEADER] and BODY[TEXT], and the IMAP system flags.
//
// Pure; never throw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "imap/proto/datetime.hpp"
#include "imap/proto/reader.hpp"
#include "imap/proto/sequence_set.hpp"
#include "store/store.hpp"

namespace tern::imap {

ReaderLimits reader_limits(const config::Config& config);

// Where the last CRLF-terminated line of out starts, but not before `from`.
std::size_t last_line_start(const std::string& out, std::size_t from);

std::string flag_list(const std::vector<std::string>& flags);
// "* <seq> FETCH (UID <uid> FLAGS (...))" CRLF: an unsolicited flag update;
// with_modseq adds "MODSEQ (<m>)" (RFC 7162 3.1.4, once CONDSTORE is on).
std::string fetch_flags_line(std::uint32_t seq, const store::Message& m, bool with_modseq = false);
bool has_flag(const std::vector<std::string>& flags, std::string_view flag);

// RFC 9051 2.3.2: the system flags a client may set (\Recent is not one).
const std::vector<std::string>& system_flags();
// A flag a client may store: a system flag (any case, returned in its
// canonical case) or a keyword atom. Errc::invalid otherwise.
Result<std::string> canonical_flag(std::string_view flag);

// Unix seconds <-> IMAP date-time (UTC for output).
DateTime to_date_time(std::int64_t unix_seconds);
std::int64_t to_unix(const DateTime& dt);
// Days since 1970-01-01 of a calendar date.
std::int64_t days_from_civil(int year, int month, int day);

// RFC 5322 2.1: the header ends at the first empty line. Returns the length
// of the header including that empty line (the whole message when none).
std::size_t header_length(std::string_view message);

}  // namespace tern::imap

namespace tern::imap {
// A name CREATE and RENAME accept: a trailing "/" removed; no empty level,
// no leading "/", no wildcard or control character. Errc::invalid otherwise.
Result<std::string> check_mailbox_name(std::string_view name);
}  // namespace tern::imap

namespace tern::imap {
// RFC 4315 4: "1:3,7", consecutive UIDs folded into ranges; uids ascending.
std::string uid_set_text(const std::vector<std::uint32_t>& uids);
// The UIDs of `uids` that `set` names, "*" being the largest of highest_uid
// and the UIDs given (cmd_condstore.cpp; for VANISHED (EARLIER)).
std::vector<std::uint32_t> uids_in_set(const std::vector<std::uint32_t>& uids,
                                       const SequenceSet& set, std::uint32_t highest_uid);
}  // namespace tern::imap
