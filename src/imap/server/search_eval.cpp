#include "imap/server/search_eval.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "base/strings.hpp"
#include "imap/server/sort_keys.hpp"
#include "imap/server/util.hpp"
#include "mime/header.hpp"
#include "mime/search_text.hpp"

namespace tern::imap {
namespace {

bool icontains(std::string_view hay, std::string_view needle) {
    if (needle.empty()) return true;
    return to_lower(hay).find(to_lower(needle)) != std::string::npos;
}

// RFC 9051 6.4.4: HEADER <field> "" matches every message with the field.
Result<bool> header_has(const std::string* raw, std::string_view field, std::string_view value) {
    if (!raw) return fail(Errc::io, "message unreadable");
    const auto block = mime::parse_header(*raw, 0, raw->size());
    for (const auto& f : block.fields)
        if (iequals(f.name, field) && icontains(mime::unfold(f.value), value)) return true;
    return false;
}

// The calendar date written in the Date header (RFC 5322 3.3:
// [day-of-week ","] day month year time zone), as days since the epoch.
// RFC 9051 6.4.4: SENT* keys disregard time and timezone, so only the
// first three fields matter. Obsolete two-digit years follow RFC 5322 4.3.
std::optional<std::int64_t> sent_day(const std::string* raw) {
    if (!raw) return std::nullopt;
    const auto block = mime::parse_header(*raw, 0, raw->size());
    const mime::HeaderField* f = mime::find_field(block.fields, "Date");
    if (!f) return std::nullopt;
    std::string v = mime::unfold(f->value);
    for (char& ch : v)
        if (ch == ',' || ch == '\t') ch = ' ';
    static const char* months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
    int day = 0, month = 0, year = -1;
    for (auto word : split(v, ' ')) {
        if (word.empty()) continue;
        const bool digits = word.find_first_not_of("0123456789") == std::string_view::npos;
        if (!day) {
            if (digits && word.size() <= 2) day = std::stoi(std::string(word));
            continue;  // a day-of-week comes first
        }
        if (!month) {
            for (int m = 0; m < 12; ++m)
                if (iequals(word, months[m])) month = m + 1;
            if (!month) return std::nullopt;
            continue;
        }
        if (!digits || word.size() < 2 || word.size() > 4) return std::nullopt;
        year = std::stoi(std::string(word));
        if (word.size() == 2)
            year += year < 50 ? 2000 : 1900;
        else if (word.size() == 3)
            year += 1900;
        break;
    }
    if (!day || !month || year < 0 || day > 31) return std::nullopt;
    return days_from_civil(year, month, day);
}

const std::string* header_bytes(SearchContext& ctx) {
    return ctx.header ? ctx.header() : ctx.raw();
}

std::int64_t day_of(std::int64_t unix_seconds) {
    std::int64_t d = unix_seconds / 86400;
    if (unix_seconds % 86400 < 0) --d;
    return d;
}

}  // namespace

bool text_contains(std::string_view raw, bool whole_message, std::string_view needle) {
    if (needle.empty()) return true;
    const mime::SearchText text = mime::search_text(raw);
    const std::string want = unicode_casemap(needle);
    if (unicode_casemap(text.body).find(want) != std::string::npos) return true;
    return whole_message && unicode_casemap(text.header).find(want) != std::string::npos;
}

Result<bool> search_matches(const SearchKey& key, const store::Message& m, SearchContext& ctx) {
    const auto flag = [&](std::string_view f) { return has_flag(m.flags, f); };
    switch (key.type) {
        case SearchKeyType::all:
            return true;
        case SearchKeyType::and_:
            for (const auto& child : key.children) {
                auto r = search_matches(child, m, ctx);
                if (!r || !*r) return r;
            }
            return true;
        case SearchKeyType::or_: {
            if (key.children.size() != 2) return fail(Errc::invalid, "OR needs two keys");
            auto a = search_matches(key.children[0], m, ctx);
            if (!a || *a) return a;
            return search_matches(key.children[1], m, ctx);
        }
        case SearchKeyType::not_: {
            if (key.children.size() != 1) return fail(Errc::invalid, "NOT needs one key");
            auto a = search_matches(key.children[0], m, ctx);
            if (!a) return a;
            return !*a;
        }
        case SearchKeyType::sequence_set:
        case SearchKeyType::uid:
            if (key.set.saved) {
                // RFC 5182 2.1: "$" is the same messages in either position.
                return ctx.saved && std::binary_search(ctx.saved->begin(), ctx.saved->end(), m.uid);
            }
            if (key.type == SearchKeyType::uid) return key.set.contains(m.uid, ctx.max_uid);
            return key.set.contains(ctx.seq, ctx.max_seq);
        case SearchKeyType::answered:
            return flag("\\Answered");
        case SearchKeyType::deleted:
            return flag("\\Deleted");
        case SearchKeyType::draft:
            return flag("\\Draft");
        case SearchKeyType::flagged:
            return flag("\\Flagged");
        case SearchKeyType::seen:
            return flag("\\Seen");
        case SearchKeyType::unanswered:
            return !flag("\\Answered");
        case SearchKeyType::undeleted:
            return !flag("\\Deleted");
        case SearchKeyType::undraft:
            return !flag("\\Draft");
        case SearchKeyType::unflagged:
            return !flag("\\Flagged");
        case SearchKeyType::unseen:
            return !flag("\\Seen");
        case SearchKeyType::keyword:
            return flag(key.value);
        case SearchKeyType::unkeyword:
            return !flag(key.value);
        // \Recent is not kept (no session has it), so nothing is recent.
        case SearchKeyType::recent:
        case SearchKeyType::new_:
            return false;
        case SearchKeyType::old:
            return true;
        case SearchKeyType::larger:
            return m.size > key.number;
        case SearchKeyType::smaller:
            return m.size < key.number;
        case SearchKeyType::before:
        case SearchKeyType::on:
        case SearchKeyType::since: {
            const std::int64_t day = day_of(m.internal_date);
            const std::int64_t want = days_from_civil(key.date.year, key.date.month, key.date.day);
            if (key.type == SearchKeyType::before) return day < want;
            if (key.type == SearchKeyType::on) return day == want;
            return day >= want;
        }
        case SearchKeyType::modseq:
            return m.modseq >= key.number;  // RFC 7162 3.1.5
        case SearchKeyType::older:
            return m.internal_date <= ctx.now - static_cast<std::int64_t>(key.number);
        case SearchKeyType::younger:
            return m.internal_date >= ctx.now - static_cast<std::int64_t>(key.number);
        case SearchKeyType::from:
            return header_has(header_bytes(ctx), "From", key.value);
        case SearchKeyType::to:
            return header_has(header_bytes(ctx), "To", key.value);
        case SearchKeyType::cc:
            return header_has(header_bytes(ctx), "Cc", key.value);
        case SearchKeyType::bcc:
            return header_has(header_bytes(ctx), "Bcc", key.value);
        case SearchKeyType::subject:
            return header_has(header_bytes(ctx), "Subject", key.value);
        case SearchKeyType::header:
            return header_has(header_bytes(ctx), key.field, key.value);
        case SearchKeyType::body:
        case SearchKeyType::text: {
            if (ctx.text) return ctx.text(key);
            const std::string* raw = ctx.raw();
            if (!raw) return fail(Errc::io, "message unreadable");
            return text_contains(*raw, key.type == SearchKeyType::text, key.value);
        }
        case SearchKeyType::sent_before:
        case SearchKeyType::sent_on:
        case SearchKeyType::sent_since: {
            // A message without a readable Date header matches none of them.
            const auto day = sent_day(header_bytes(ctx));
            if (!day) return false;
            const std::int64_t want = days_from_civil(key.date.year, key.date.month, key.date.day);
            if (key.type == SearchKeyType::sent_before) return *day < want;
            if (key.type == SearchKeyType::sent_on) return *day == want;
            return *day >= want;
        }
    }
    return fail(Errc::invalid, "unknown search key");
}

}  // namespace tern::imap
