#include "mtasts/policy.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace tern::mtasts {

namespace {

bool is_alpha_digit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view strip_trailing_dot(std::string_view s) {
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    return s;
}

// RFC 5321 4.1.2 Domain: dot-separated labels of letters, digits and
// hyphens, neither starting nor ending with a hyphen (RFC 1035 2.3.1 sizes).
bool is_domain(std::string_view name) {
    if (name.empty() || name.size() > 253) return false;
    for (std::string_view label : split(name, '.')) {
        if (label.empty() || label.size() > 63) return false;
        if (label.front() == '-' || label.back() == '-') return false;
        for (char c : label)
            if (!is_alpha_digit(c) && c != '-') return false;
    }
    return true;
}

// RFC 8461 3.2: sts-policy-mx-value = ["*."] Domain
bool is_mx_pattern(std::string_view value) {
    std::string_view v = strip_trailing_dot(value);
    if (v.starts_with("*.")) v.remove_prefix(2);
    return is_domain(v);
}

// RFC 8461 3.1: sts-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
bool is_ext_name(std::string_view s) {
    if (s.empty() || s.size() > 32 || !is_alpha_digit(s.front())) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return is_alpha_digit(c) || c == '_' || c == '-' || c == '.';
    });
}

// RFC 8461 3.1: sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E), i.e. visible
// characters other than '=' and ';'.
bool is_ext_value(std::string_view s) {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x21 && u <= 0x7e && c != '=' && c != ';';
    });
}

// RFC 8461 3.1: sts-id = %s"id=" 1*32(ALPHA / DIGIT)
bool is_id(std::string_view s) {
    return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), is_alpha_digit);
}

// The fields after "v=STSv1" of one record; nullopt when the record does
// not follow the RFC 8461 3.1 grammar or carries no (or two) id.
std::optional<std::string> parse_txt_fields(std::string_view rest) {
    std::vector<std::string_view> parts = split(rest, ';');
    // sts-field-delim = *WSP ";" *WSP: only blanks between the version and
    // the first ';'.
    if (parts.size() < 2 || !trim(parts[0]).empty()) return std::nullopt;
    std::optional<std::string> id;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        std::string_view field = trim(parts[i]);
        if (field.empty()) {
            // One trailing delimiter is allowed; an empty field elsewhere is not.
            if (i + 1 == parts.size() && i > 1) break;
            return std::nullopt;
        }
        std::size_t eq = field.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        std::string_view name = field.substr(0, eq);
        std::string_view value = field.substr(eq + 1);
        if (name == "id") {
            if (id || !is_id(value)) return std::nullopt;
            id = std::string(value);
        } else if (!is_ext_name(name) || !is_ext_value(value)) {
            return std::nullopt;
        }
    }
    return id;
}

// Splits the policy body into lines ended by LF or CRLF (RFC 8461 3.2
// sts-policy-term); the last line may lack its terminator.
std::vector<std::string_view> policy_lines(std::string_view body) {
    std::vector<std::string_view> lines;
    while (!body.empty()) {
        std::size_t nl = body.find('\n');
        std::string_view line = body.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (nl == std::string_view::npos) break;
        body.remove_prefix(nl + 1);
    }
    return lines;
}

}  // namespace

std::string_view to_string(Policy::Mode mode) {
    switch (mode) {
        case Policy::Mode::enforce:
            return "enforce";
        case Policy::Mode::testing:
            return "testing";
        case Policy::Mode::none:
            return "none";
    }
    return "none";
}

std::optional<Policy::Mode> parse_mode(std::string_view text) {
    // RFC 8461 3.2: the mode values are case-sensitive (%s).
    if (text == "enforce") return Policy::Mode::enforce;
    if (text == "testing") return Policy::Mode::testing;
    if (text == "none") return Policy::Mode::none;
    return std::nullopt;
}

Result<Policy> parse_policy(std::string_view body) {
    Policy policy;
    bool have_version = false;
    bool have_mode = false;
    bool have_max_age = false;
    std::size_t line_no = 0;
    for (std::string_view raw : policy_lines(body)) {
        ++line_no;
        std::string_view line = trim(raw);
        if (line.empty()) continue;  // tolerated: blank lines carry nothing
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            return fail(Errc::invalid, "line " + std::to_string(line_no) + " has no ':'");
        std::string_view key = trim(line.substr(0, colon));
        std::string_view value = trim(line.substr(colon + 1));
        if (key == "version") {
            if (have_version) return fail(Errc::invalid, "version is given twice");
            // RFC 8461 3.2: "Currently, only "STSv1" is supported."
            if (value != "STSv1")
                return fail(Errc::invalid, "unsupported version '" + std::string(value) + "'");
            have_version = true;
        } else if (key == "mode") {
            if (have_mode) return fail(Errc::invalid, "mode is given twice");
            auto mode = parse_mode(value);
            if (!mode) return fail(Errc::invalid, "unknown mode '" + std::string(value) + "'");
            policy.mode = *mode;
            have_mode = true;
        } else if (key == "max_age") {
            if (have_max_age) return fail(Errc::invalid, "max_age is given twice");
            // RFC 8461 3.2: sts-policy-max-age-value = 1*10DIGIT.
            if (!is_digits(value) || value.size() > 10)
                return fail(Errc::invalid,
                            "max_age '" + std::string(value) + "' is not 1-10 digits");
            uint64_t seconds = std::stoull(std::string(value));
            // RFC 8461 3.2: "maximum value of 31557600". A larger value still
            // states the domain's wish for a long-lived policy, so it is capped
            // rather than discarded: dropping the policy would lose the
            // downgrade protection the domain asked for.
            policy.max_age = static_cast<uint32_t>(std::min<uint64_t>(seconds, kMaxAgeLimit));
            have_max_age = true;
        } else if (key == "mx") {
            if (!is_mx_pattern(value))
                return fail(Errc::invalid,
                            "mx '" + std::string(value) + "' is not a host name pattern");
            policy.mx.emplace_back(value);
        }
        // RFC 8461 3.2: other keys are extensions, ignored by this version.
    }
    if (!have_version) return fail(Errc::invalid, "no version field");
    if (!have_mode) return fail(Errc::invalid, "no mode field");
    if (!have_max_age) return fail(Errc::invalid, "no max_age field");
    if (policy.mx.empty() && policy.mode != Policy::Mode::none)
        return fail(Errc::invalid, "no mx field in a policy whose mode is not none");
    return policy;
}

std::optional<std::string> parse_sts_txt(const std::vector<std::string>& txt_records) {
    constexpr std::string_view kVersion = "v=STSv1";
    const std::string* found = nullptr;
    for (const std::string& record : txt_records) {
        // RFC 8461 3.1: records that do not begin with "v=STSv1;" are
        // discarded ("v=STSv10" is another version, not ours).
        if (!record.starts_with(kVersion)) continue;
        if (record.size() > kVersion.size()) {
            char next = record[kVersion.size()];
            if (next != ';' && next != ' ' && next != '\t') continue;
        }
        // RFC 8461 3.1: "If the number of resulting records is not one ...
        // senders MUST assume the recipient domain does not have an
        // available MTA-STS Policy."
        if (found) return std::nullopt;
        found = &record;
    }
    if (!found) return std::nullopt;
    return parse_txt_fields(std::string_view(*found).substr(kVersion.size()));
}

bool mx_matches(std::string_view pattern, std::string_view host) {
    // RFC 8461 4.1: names compare case-insensitively; a trailing dot is the
    // same name.
    pattern = strip_trailing_dot(pattern);
    host = strip_trailing_dot(host);
    if (pattern.empty() || host.empty()) return false;
    if (!pattern.starts_with("*.")) return iequals(pattern, host);
    // RFC 8461 4.1: "*.example.com" matches exactly one label to the left of
    // example.com: "mx.example.com", but neither "example.com" nor
    // "a.b.example.com".
    std::string_view suffix = pattern.substr(1);  // ".example.com"
    if (suffix.size() < 2 || host.size() <= suffix.size()) return false;
    std::string_view label = host.substr(0, host.size() - suffix.size());
    if (!iequals(host.substr(label.size()), suffix)) return false;
    return !label.empty() && label.find('.') == std::string_view::npos;
}

std::string canonical_domain(std::string_view domain) {
    return to_lower(strip_trailing_dot(domain));
}

bool Policy::allows(std::string_view mx_host) const {
    if (mode == Mode::none) return true;
    return std::any_of(mx.begin(), mx.end(),
                       [&](const std::string& p) { return mx_matches(p, mx_host); });
}

}  // namespace tern::mtasts
