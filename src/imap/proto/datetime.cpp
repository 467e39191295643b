#include "imap/proto/datetime.hpp"

#include <array>
#include <cstdio>

#include "base/strings.hpp"

namespace tern::imap {

namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

int to_int(std::string_view s) {
    int n = 0;
    for (char c : s)
        n = n * 10 + (c - '0');
    return n;
}

int days_in_month(int year, int month) {
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

// date-day "-" date-month "-" date-year, with the day already trimmed.
Result<Date> parse_dmy(std::string_view day, std::string_view month, std::string_view year) {
    // RFC 9051 9: date-day = 1*2DIGIT; date-year = 4DIGIT.
    if (!all_digits(day) || day.size() > 2) return fail(Errc::invalid, "Invalid day in date");
    if (!all_digits(year) || year.size() != 4) return fail(Errc::invalid, "Invalid year in date");
    Date d;
    d.day = to_int(day);
    d.year = to_int(year);
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
        if (iequals(month, kMonths[i])) d.month = static_cast<int>(i) + 1;
    }
    if (d.month == 0) return fail(Errc::invalid, "Invalid month in date");
    if (d.day < 1 || d.day > days_in_month(d.year, d.month))
        return fail(Errc::invalid, "Invalid day in date");
    return d;
}

}  // namespace

Result<Date> parse_date(std::string_view text) {
    const auto parts = split(text, '-');
    if (parts.size() != 3) return fail(Errc::invalid, "Invalid date (expected d-Mon-yyyy)");
    return parse_dmy(parts[0], parts[1], parts[2]);
}

Result<DateTime> parse_date_time(std::string_view text) {
    // RFC 9051 9: date-time = DQUOTE date-day-fixed "-" date-month "-"
    // date-year SP time SP zone DQUOTE; date-day-fixed = (SP DIGIT) / 2DIGIT.
    if (text.size() != 26) return fail(Errc::invalid, "Invalid date-time");
    std::string_view day = text.substr(0, 2);
    if (day.front() == ' ') day.remove_prefix(1);
    if (text[2] != '-' || text[6] != '-' || text[11] != ' ' || text[20] != ' ')
        return fail(Errc::invalid, "Invalid date-time");
    auto date = parse_dmy(day, text.substr(3, 3), text.substr(7, 4));
    if (!date) return date.failure();
    DateTime dt;
    dt.date = *date;
    const std::string_view time = text.substr(12, 8);
    if (time[2] != ':' || time[5] != ':' || !all_digits(time.substr(0, 2)) ||
        !all_digits(time.substr(3, 2)) || !all_digits(time.substr(6, 2)))
        return fail(Errc::invalid, "Invalid time in date-time");
    dt.hour = to_int(time.substr(0, 2));
    dt.minute = to_int(time.substr(3, 2));
    dt.second = to_int(time.substr(6, 2));
    // A leap second (60) is allowed, as in RFC 5322 3.3.
    if (dt.hour > 23 || dt.minute > 59 || dt.second > 60)
        return fail(Errc::invalid, "Invalid time in date-time");
    const std::string_view zone = text.substr(21, 5);
    if ((zone[0] != '+' && zone[0] != '-') || !all_digits(zone.substr(1)))
        return fail(Errc::invalid, "Invalid zone in date-time");
    const int hh = to_int(zone.substr(1, 2));
    const int mm = to_int(zone.substr(3, 2));
    if (mm > 59) return fail(Errc::invalid, "Invalid zone in date-time");
    dt.zone_minutes = (zone[0] == '-' ? -1 : 1) * (hh * 60 + mm);
    return dt;
}

std::string format_date_time(const DateTime& dt) {
    const int zone = dt.zone_minutes < 0 ? -dt.zone_minutes : dt.zone_minutes;
    char buf[96];
    std::snprintf(buf, sizeof buf, "\"%2d-%s-%04d %02d:%02d:%02d %c%02d%02d\"", dt.date.day,
                  std::string(kMonths[static_cast<std::size_t>((dt.date.month + 11) % 12)]).c_str(),
                  dt.date.year, dt.hour, dt.minute, dt.second, dt.zone_minutes < 0 ? '-' : '+',
                  zone / 60, zone % 60);
    return buf;
}

}  // namespace tern::imap
