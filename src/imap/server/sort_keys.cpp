#include "imap/server/sort_keys.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <numeric>

#include "base/strings.hpp"
#include "imap/server/util.hpp"
#include "mime/address.hpp"
#include "mime/base_subject.hpp"
#include "mime/encoded_word.hpp"
#include "mime/header.hpp"

namespace tern::imap {
namespace {

std::optional<int> number(std::string_view s, std::size_t min_digits, std::size_t max_digits) {
    if (s.size() < min_digits || s.size() > max_digits) return std::nullopt;
    int value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return value;
}

// RFC 5322 3.2.2: comments may appear between the tokens of a date
// ("Tue, 1 Jul 2003 10:52:37 +0200 (CEST)"); they carry nothing we need.
std::string without_comments(std::string_view text) {
    std::string out;
    int depth = 0;
    for (char c : text) {
        if (c == '(') {
            ++depth;
        } else if (c == ')' && depth > 0) {
            --depth;
        } else if (depth == 0) {
            out += (c == ',' || c == '\t' || c == '\r' || c == '\n') ? ' ' : c;
        }
    }
    return out;
}

// RFC 5322 4.3: the obsolete zone names. Military letters "SHOULD all be
// considered equivalent to -0000", as should anything unknown.
int zone_minutes(std::string_view zone) {
    if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
        const auto hh = number(zone.substr(1, 2), 2, 2);
        const auto mm = number(zone.substr(3, 2), 2, 2);
        if (!hh || !mm || *mm > 59) return 0;
        const int minutes = *hh * 60 + *mm;
        return zone[0] == '-' ? -minutes : minutes;
    }
    static constexpr std::array<std::pair<std::string_view, int>, 8> kNamed{{
        {"EST", -5},
        {"EDT", -4},
        {"CST", -6},
        {"CDT", -5},
        {"MST", -7},
        {"MDT", -6},
        {"PST", -8},
        {"PDT", -7},
    }};
    for (const auto& [name, hours] : kNamed)
        if (iequals(zone, name)) return hours * 60;
    return 0;  // UT, GMT, military, unknown
}

// The first mailbox of an address list (group markers skipped).
std::optional<mime::Address> first_mailbox(const std::vector<mime::HeaderField>& fields,
                                           std::string_view name) {
    const mime::HeaderField* f = mime::find_field(fields, name);
    if (!f) return std::nullopt;
    for (auto& a : mime::parse_address_list(f->value))
        if (a.kind == mime::Address::Kind::mailbox) return std::move(a);
    return std::nullopt;
}

// RFC 5256 3: FROM, TO and CC sort on the addr-mailbox of the first address.
std::string mailbox_key(const std::optional<mime::Address>& a) {
    return a ? unicode_casemap(a->mailbox) : std::string();
}

// RFC 5957 3: the display name (RFC 2047 decoded) when there is a non-empty
// one, otherwise the address itself.
std::string display_key(const std::optional<mime::Address>& a) {
    if (!a) return {};
    std::string name(trim(mime::decoded_name(*a)));
    if (name.empty()) name = a->host.empty() ? a->mailbox : a->mailbox + "@" + a->host;
    return unicode_casemap(name);
}

template <typename T>
int three_way(const T& a, const T& b) {
    return a < b ? -1 : (b < a ? 1 : 0);
}

int compare_on(SortKeyName key, const SortFacts& a, const SortFacts& b) {
    switch (key) {
        case SortKeyName::arrival:
            return three_way(a.arrival, b.arrival);
        case SortKeyName::date:
            return three_way(a.sent, b.sent);
        case SortKeyName::size:
            return three_way(a.size, b.size);
        case SortKeyName::subject:
            return a.subject.compare(b.subject);
        case SortKeyName::from:
            return a.from.compare(b.from);
        case SortKeyName::to:
            return a.to.compare(b.to);
        case SortKeyName::cc:
            return a.cc.compare(b.cc);
        case SortKeyName::display_from:
            return a.display_from.compare(b.display_from);
        case SortKeyName::display_to:
            return a.display_to.compare(b.display_to);
    }
    return 0;
}

}  // namespace

std::string unicode_casemap(std::string_view utf8) {
    const bool ascii = std::all_of(utf8.begin(), utf8.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) return to_upper(utf8);
    // RFC 5051 2: (1) map each character to its titlecase with the simple
    // mapping, (2) decompose with NFKD; the results compare as octets.
    icu::UnicodeString titled;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(utf8.data());
    const auto length = static_cast<std::int32_t>(utf8.size());
    for (std::int32_t i = 0; i < length;) {
        UChar32 c = 0;
        U8_NEXT(bytes, i, length, c);
        titled.append(c < 0 ? UChar32{0xFFFD} : u_totitle(c));
    }
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(err);
    std::string out;
    if (U_FAILURE(err) || !nfkd) return titled.toUTF8String(out);
    const icu::UnicodeString decomposed = nfkd->normalize(titled, err);
    if (U_FAILURE(err)) return titled.toUTF8String(out);
    return decomposed.toUTF8String(out);
}

std::optional<std::int64_t> parse_sent_date(std::string_view value) {
    // RFC 5322 3.3: [day-of-week ","] day month year hour ":" minute
    // [":" second] zone.
    const std::string text = without_comments(value);
    std::vector<std::string_view> words;
    for (auto w : split(text, ' '))
        if (!w.empty()) words.push_back(w);
    std::size_t i = 0;
    if (i < words.size() && !words[i].empty() && !(words[i][0] >= '0' && words[i][0] <= '9'))
        ++i;  // day-of-week (RFC 5322 3.3), not checked against the date
    if (i + 4 > words.size()) return std::nullopt;
    const auto day = number(words[i++], 1, 2);
    static constexpr std::array<std::string_view, 12> kMonths{
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    int month = 0;
    for (int m = 0; m < 12; ++m)
        if (iequals(words[i], kMonths[m])) month = m + 1;
    ++i;
    auto year = number(words[i++], 2, 4);
    if (!day || !month || !year || *day < 1 || *day > 31) return std::nullopt;
    // RFC 5322 4.3: two-digit years below 50 are 20xx, others 19xx;
    // three-digit years are added to 1900.
    if (words[i - 1].size() == 2) *year += *year < 50 ? 2000 : 1900;
    if (words[i - 1].size() == 3) *year += 1900;
    const auto parts = split(words[i++], ':');
    if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
    const auto hour = number(parts[0], 1, 2);
    const auto minute = number(parts[1], 1, 2);
    const auto second = parts.size() == 3 ? number(parts[2], 1, 2) : std::optional<int>(0);
    if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;
    // A missing zone is read as UTC, like an unknown one (RFC 5322 4.3).
    const int zone = i < words.size() ? zone_minutes(words[i]) : 0;
    const std::int64_t days = days_from_civil(*year, month, *day);
    return days * 86400 + *hour * 3600 + *minute * 60 + *second - std::int64_t{zone} * 60;
}

SortFacts sort_facts(std::uint32_t seq, const store::Message& m, std::string_view raw) {
    SortFacts f;
    f.seq = seq;
    f.arrival = m.internal_date;
    f.size = m.size;
    const auto block = mime::parse_header(raw, 0, raw.size());
    // RFC 5256 2.2: the sent date is the Date header in UTC; when it is
    // missing or unreadable, the internal date.
    f.sent = m.internal_date;
    if (const auto* date = mime::find_field(block.fields, "Date"))
        f.sent = parse_sent_date(mime::unfold(date->value)).value_or(m.internal_date);
    if (const auto* subject = mime::find_field(block.fields, "Subject")) {
        auto base = mime::base_subject(subject->value);
        f.subject = unicode_casemap(base.text);
        f.reply_or_forward = base.reply_or_forward;
    }
    const auto from = first_mailbox(block.fields, "From");
    const auto to = first_mailbox(block.fields, "To");
    f.from = mailbox_key(from);
    f.to = mailbox_key(to);
    f.cc = mailbox_key(first_mailbox(block.fields, "Cc"));
    f.display_from = display_key(from);
    f.display_to = display_key(to);
    return f;
}

std::vector<std::size_t> sort_order(const std::vector<SortFacts>& facts,
                                    const std::vector<SortCriterion>& criteria) {
    std::vector<std::size_t> order(facts.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        const SortFacts& a = facts[x];
        const SortFacts& b = facts[y];
        for (const auto& c : criteria) {
            const int r = compare_on(c.key, a, b);
            if (r != 0) return c.reverse ? r > 0 : r < 0;
        }
        // RFC 5256 3: equal on every key, the lower sequence number first
        // (REVERSE does not apply to this tie-break).
        return a.seq < b.seq;
    });
    return order;
}

}  // namespace tern::imap
