#include "imap/server/util.hpp"

#include "base/strings.hpp"
#include "imap/proto/writer.hpp"

namespace tern::imap {

ReaderLimits reader_limits(const config::Config& config) {
    ReaderLimits limits;
    limits.max_line_length = config.imap.max_line_length;
    return limits;
}

std::size_t last_line_start(const std::string& out, std::size_t from) {
    if (out.size() < 2 || out.size() <= from) return out.size();
    const std::size_t pos = out.rfind("\r\n", out.size() - 3);
    if (pos == std::string::npos || pos + 2 < from) return from;
    return pos + 2;
}

std::string flag_list(const std::vector<std::string>& flags) {
    std::string out;
    append_flag_list(out, flags);
    return out;
}

std::string fetch_flags_line(std::uint32_t seq, const store::Message& m, bool with_modseq) {
    std::string line = "* " + std::to_string(seq) + " FETCH (UID " + std::to_string(m.uid) +
                       " FLAGS " + flag_list(m.flags);
    if (with_modseq) line += " MODSEQ (" + std::to_string(m.modseq) + ")";
    return line + ")\r\n";
}

bool has_flag(const std::vector<std::string>& flags, std::string_view flag) {
    for (const auto& f : flags)
        if (iequals(f, flag)) return true;
    return false;
}

const std::vector<std::string>& system_flags() {
    static const std::vector<std::string> flags = {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen",
                                                   "\\Draft"};
    return flags;
}

Result<std::string> canonical_flag(std::string_view flag) {
    if (flag.empty()) return fail(Errc::invalid, "empty flag");
    if (flag[0] == '\\') {
        for (const auto& f : system_flags())
            if (iequals(f, flag)) return f;
        // RFC 9051 2.3.2: \Recent cannot be stored; other \names are not flags.
        return fail(Errc::invalid, "cannot store flag " + std::string(flag));
    }
    return std::string(flag);
}

std::int64_t days_from_civil(int year, int month, int day) {
    // Howard Hinnant's days_from_civil: proleptic Gregorian calendar.
    year -= month <= 2;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(year - era * 400);
    const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

DateTime to_date_time(std::int64_t t) {
    std::int64_t days = t / 86400;
    std::int64_t secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        --days;
    }
    // civil_from_days, the inverse of days_from_civil.
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    DateTime dt;
    dt.date.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    dt.date.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    dt.date.year =
        static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (dt.date.month <= 2));
    dt.hour = static_cast<int>(secs / 3600);
    dt.minute = static_cast<int>(secs / 60 % 60);
    dt.second = static_cast<int>(secs % 60);
    return dt;
}

std::int64_t to_unix(const DateTime& dt) {
    return days_from_civil(dt.date.year, dt.date.month, dt.date.day) * 86400 + dt.hour * 3600 +
           dt.minute * 60 + dt.second - static_cast<std::int64_t>(dt.zone_minutes) * 60;
}

std::size_t header_length(std::string_view message) {
    // A header may be empty: the message starts with the blank line.
    if (message.starts_with("\r\n")) return 2;
    if (message.starts_with("\n")) return 1;
    const std::size_t crlf = message.find("\r\n\r\n");
    const std::size_t lf = message.find("\n\n");
    if (crlf == std::string_view::npos && lf == std::string_view::npos) return message.size();
    if (lf == std::string_view::npos || (crlf != std::string_view::npos && crlf < lf))
        return crlf + 4;
    return lf + 2;
}

}  // namespace tern::imap
