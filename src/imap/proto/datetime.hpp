// IMAP dates (RFC 9051 9 "date", "date-time"): the SEARCH date form
// "1-Feb-1994" (optionally quoted) and the APPEND/INTERNALDATE form
// "17-Jul-1996 02:44:25 -0700" (always quoted, day may be space-padded).
//
// Promises: parse_date()/parse_date_time() take the text without quotes and
// fail (Errc::invalid) on a bad month name, a day that the month does not
// have, an out-of-range time or zone, or extra characters. Month names are
// case-insensitive (RFC 9051 9: the grammar is case-insensitive).
// format_date_time() writes the quoted date-time form, day padded with a
// space as the RFC 9051 9 date-day-fixed rule requires.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::imap {

struct Date {
    int year = 0;
    int month = 0;  // 1..12
    int day = 0;    // 1..31

    bool operator==(const Date&) const = default;
};

struct DateTime {
    Date date;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int zone_minutes = 0;  // east of UTC: "-0700" is -420

    bool operator==(const DateTime&) const = default;
};

Result<Date> parse_date(std::string_view text);
Result<DateTime> parse_date_time(std::string_view text);
std::string format_date_time(const DateTime& dt);

}  // namespace tern::imap
