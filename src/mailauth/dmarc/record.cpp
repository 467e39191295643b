#include "mailauth/dmarc/record.hpp"

#include <limits>
#include <set>

#include "base/strings.hpp"

namespace tern::mailauth::dmarc {
namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

// RFC 7489 6.4 dmarc-sep = *WSP %x3b *WSP: only spaces and tabs surround
// tags and values.
std::string_view trim_wsp(std::string_view s) {
    while (!s.empty() && is_wsp(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_wsp(s.back()))
        s.remove_suffix(1);
    return s;
}

// Tag names as in the DKIM-style tag lists DMARC borrows (RFC 6376 3.2:
// ALPHA *(ALPHA / DIGIT / "_")), also allowing "-" so that a future tag
// such as "x-foo" is ignored rather than fatal (RFC 7489 6.3).
bool valid_tag_name(std::string_view name) {
    if (name.empty() || !is_alpha(name.front())) return false;
    for (char c : name)
        if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '-') return false;
    return true;
}

std::optional<Policy> parse_policy(std::string_view v) {
    // RFC 7489 6.4 dmarc-request: ABNF literals are case-insensitive.
    if (iequals(v, "none")) return Policy::none;
    if (iequals(v, "quarantine")) return Policy::quarantine;
    if (iequals(v, "reject")) return Policy::reject;
    return std::nullopt;
}

std::optional<AlignMode> parse_mode(std::string_view v) {
    if (iequals(v, "r")) return AlignMode::relaxed;
    if (iequals(v, "s")) return AlignMode::strict;
    return std::nullopt;
}

std::optional<std::uint64_t> parse_number(std::string_view v, std::size_t max_digits) {
    if (v.empty() || v.size() > max_digits) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : v) {
        if (!is_digit(c)) return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
}

// RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then
// ":" and a non-empty rest. RFC 7489 6.2: "," and "!" in a URI must be
// percent-encoded, so neither may appear here.
bool valid_uri(std::string_view uri) {
    const auto colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == uri.size()) return false;
    if (!is_alpha(uri.front())) return false;
    for (std::size_t i = 1; i < colon; ++i) {
        const char c = uri[i];
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
    }
    for (char c : uri.substr(colon + 1))
        if (c <= 0x20 || c >= 0x7f || c == '!' || c == ',') return false;
    return true;
}

// RFC 7489 6.4 dmarc-uri, with the size limit of 6.2 ("!" 1*DIGIT [unit]).
std::optional<ReportUri> parse_uri(std::string_view text) {
    ReportUri out;
    const auto bang = text.find('!');
    std::string_view uri = text.substr(0, bang);
    if (!valid_uri(uri)) return std::nullopt;
    out.uri = std::string(uri);
    if (bang == std::string_view::npos) return out;
    std::string_view size = text.substr(bang + 1);
    int shift = 0;
    if (!size.empty() && is_alpha(size.back())) {
        switch (ascii_lower(size.back())) {
            case 'k':
                shift = 10;
                break;
            case 'm':
                shift = 20;
                break;
            case 'g':
                shift = 30;
                break;
            case 't':
                shift = 40;
                break;
            default:
                return std::nullopt;
        }
        size.remove_suffix(1);
    }
    // 15 digits times 2^40 still fits in 64 bits without overflow checks.
    auto n = parse_number(size, 15);
    if (!n || *n > (std::numeric_limits<std::uint64_t>::max() >> shift)) return std::nullopt;
    out.max_size = *n << shift;
    return out;
}

std::vector<ReportUri> parse_uri_list(std::string_view value) {
    std::vector<ReportUri> out;
    for (std::string_view part : split(value, ',')) {
        // RFC 7489 6.3: a bad URI is skipped; the others still get reports.
        if (auto uri = parse_uri(trim_wsp(part))) out.push_back(std::move(*uri));
    }
    return out;
}

// RFC 7489 6.4 dmarc-fo: ( "0" / "1" / "d" / "s" ) *(*WSP ":" *WSP ...).
std::optional<std::string> parse_fo(std::string_view value) {
    std::string out;
    for (std::string_view part : split(value, ':')) {
        part = trim_wsp(part);
        if (part.size() != 1) return std::nullopt;
        const char c = ascii_lower(part.front());
        if (c != '0' && c != '1' && c != 'd' && c != 's') return std::nullopt;
        if (!out.empty()) out.push_back(':');
        out.push_back(c);
    }
    return out;
}

// RFC 7489 6.4 dmarc-rfmt: Keyword *(*WSP ":" Keyword), RFC 5321 Keyword =
// Ldh-str.
std::optional<std::string> parse_rf(std::string_view value) {
    std::string out;
    for (std::string_view part : split(value, ':')) {
        part = trim_wsp(part);
        if (part.empty() || part.back() == '-') return std::nullopt;
        for (char c : part)
            if (!is_alpha(c) && !is_digit(c) && c != '-') return std::nullopt;
        if (!out.empty()) out.push_back(':');
        out += to_lower(part);
    }
    return out;
}

}  // namespace

std::string_view to_string(Policy policy) {
    switch (policy) {
        case Policy::none:
            return "none";
        case Policy::quarantine:
            return "quarantine";
        case Policy::reject:
            return "reject";
    }
    return "?";
}

bool is_dmarc_record(std::string_view txt) {
    // RFC 7489 6.4 dmarc-version = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43
    // %x31: the version value is case-sensitive, the tag name is not.
    std::string_view s = trim_wsp(txt);
    if (s.empty() || ascii_lower(s.front()) != 'v') return false;
    s = trim_wsp(s.substr(1));
    if (s.empty() || s.front() != '=') return false;
    s = trim_wsp(s.substr(1));
    if (s.substr(0, 6) != "DMARC1") return false;
    s = trim_wsp(s.substr(6));
    return s.empty() || s.front() == ';';
}

Result<DmarcRecord> parse_record(std::string_view txt) {
    // RFC 7489 6.3: "v" MUST be the first tag.
    if (!is_dmarc_record(txt)) return fail(Errc::invalid, "record does not start with v=DMARC1");
    DmarcRecord rec;
    std::set<std::string> seen;
    bool policy_ok = false;
    bool subdomain_policy_ok = true;
    bool first = true;
    for (std::string_view segment : split(txt, ';')) {
        segment = trim_wsp(segment);
        // Tolerated: a trailing separator (RFC 7489 6.4 [dmarc-sep]) and,
        // leniently, empty segments such as ";;".
        if (segment.empty()) continue;
        const auto eq = segment.find('=');
        if (eq == std::string_view::npos) return fail(Errc::invalid, "tag without '='");
        const std::string name = to_lower(trim_wsp(segment.substr(0, eq)));
        const std::string_view value = trim_wsp(segment.substr(eq + 1));
        if (!valid_tag_name(name)) return fail(Errc::invalid, "bad tag name");
        if (!seen.insert(name).second) return fail(Errc::invalid, "duplicate tag " + name);
        if (first) {
            first = false;  // is_dmarc_record() checked it is v=DMARC1
            continue;
        }
        if (name == "p") {
            auto p = parse_policy(value);
            policy_ok = p.has_value();
            if (p) rec.policy = *p;
        } else if (name == "sp") {
            rec.subdomain_policy = parse_policy(value);
            subdomain_policy_ok = rec.subdomain_policy.has_value();
        } else if (name == "pct") {
            // RFC 7489 6.3: pct is 0-100; out of range keeps the default.
            auto n = parse_number(value, 3);
            if (n && *n <= 100) rec.percent = static_cast<int>(*n);
        } else if (name == "adkim") {
            rec.dkim_alignment = parse_mode(value).value_or(AlignMode::relaxed);
        } else if (name == "aspf") {
            rec.spf_alignment = parse_mode(value).value_or(AlignMode::relaxed);
        } else if (name == "rua") {
            rec.aggregate_uris = parse_uri_list(value);
        } else if (name == "ruf") {
            rec.failure_uris = parse_uri_list(value);
        } else if (name == "fo") {
            rec.failure_options = parse_fo(value).value_or("0");
        } else if (name == "rf") {
            rec.report_format = parse_rf(value).value_or("afrf");
        } else if (name == "ri") {
            auto n = parse_number(value, 10);
            if (n && *n <= std::numeric_limits<std::uint32_t>::max())
                rec.report_interval = static_cast<std::uint32_t>(*n);
        }
        // RFC 7489 6.3: "Unknown tags MUST be ignored."
    }
    // RFC 7489 6.6.3 step 6: no valid p, or an invalid sp, is rescued by a
    // valid rua (read as p=none); without one, DMARC is not applied.
    if (!policy_ok || !subdomain_policy_ok) {
        rec.policy = Policy::none;
        rec.subdomain_policy.reset();
        rec.policy_fallback = true;
        rec.usable = !rec.aggregate_uris.empty();
    }
    return rec;
}

}  // namespace tern::mailauth::dmarc
