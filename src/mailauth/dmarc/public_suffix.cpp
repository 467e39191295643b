#include "mailauth/dmarc/public_suffix.hpp"

#include <idn2.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "base/strings.hpp"

namespace tern::mailauth::dmarc {
namespace {

std::string normalize(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return to_lower(name);
}

bool has_non_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80) return true;
    return false;
}

// The A-label form of a rule written in Unicode, or "" if IDNA2008 rejects
// it (the Unicode form is then the only one kept).
std::string to_a_labels(const std::string& rule) {
    if (rule.find('\0') != std::string::npos) return {};
    char* out = nullptr;
    if (idn2_to_ascii_8z(rule.c_str(), &out, IDN2_NONTRANSITIONAL) != IDN2_OK) return {};
    std::string ascii(out);
    idn2_free(out);
    return to_lower(ascii);
}

// Offsets at which each label of `name` starts: 0, then after every dot.
std::vector<std::size_t> label_starts(std::string_view name) {
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < name.size(); ++i)
        if (name[i] == '.') starts.push_back(i + 1);
    return starts;
}

bool well_formed(std::string_view name) {
    if (name.empty()) return false;
    for (std::string_view label : split(name, '.'))
        if (label.empty()) return false;
    return true;
}

}  // namespace

std::optional<std::string> normalize_domain(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    std::string out = has_non_ascii(name) ? to_a_labels(std::string(name)) : to_lower(name);
    // RFC 1035 2.3.4: 253 characters in text form, labels of 1-63 octets.
    if (out.empty() || out.size() > 253) return std::nullopt;
    for (std::string_view label : split(out, '.')) {
        if (label.empty() || label.size() > 63) return std::nullopt;
        for (char c : label) {
            const bool ok =
                (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) return std::nullopt;
        }
    }
    return out;
}

Result<PublicSuffixList> PublicSuffixList::load(const std::string& path, Options options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(Errc::io, "cannot read the public suffix list " + path);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return fail(Errc::io, "error reading the public suffix list " + path);
    return parse(text.str(), options);
}

PublicSuffixList PublicSuffixList::parse(std::string_view text, Options options) {
    PublicSuffixList list;
    bool in_private = false;
    for (std::string_view line : split(text, '\n')) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.starts_with("//")) {
            if (line.find("===BEGIN PRIVATE DOMAINS===") != std::string_view::npos)
                in_private = true;
            if (line.find("===END PRIVATE DOMAINS===") != std::string_view::npos)
                in_private = false;
            continue;
        }
        if (in_private && !options.include_private) continue;
        // The list's format: a rule is read up to the first whitespace.
        const auto end = line.find_first_of(" \t");
        std::string_view rule = trim(line.substr(0, end));
        if (!rule.empty()) list.add_rule(rule);
    }
    return list;
}

void PublicSuffixList::add_rule(std::string_view rule) {
    Kind kind = kExact;
    if (rule.starts_with("!")) {
        kind = kException;
        rule.remove_prefix(1);
    } else if (rule.starts_with("*.")) {
        kind = kWildcard;
        rule.remove_prefix(2);
    }
    std::string key = normalize(rule);
    // Wildcards appear only as the leftmost label in the list; any other
    // form (or an empty label) is not a rule this algorithm can apply.
    if (!well_formed(key) || key.find('*') != std::string::npos) return;
    if (has_non_ascii(key)) {
        std::string ascii = to_a_labels(key);
        if (!ascii.empty() && well_formed(ascii)) rules_[ascii] |= kind;
    }
    rules_[key] |= kind;
}

std::size_t PublicSuffixList::suffix_labels(std::string_view name) const {
    const auto starts = label_starts(name);
    const std::size_t n = starts.size();
    std::size_t best = 1;  // the implicit "*" rule
    // Walk from the top-level label leftwards: suffix i has n - i labels.
    for (std::size_t i = n; i-- > 0;) {
        auto it = rules_.find(name.substr(starts[i]));
        if (it == rules_.end()) continue;
        const std::size_t labels = n - i;
        // An exception wins outright: the suffix is the rule minus its
        // leftmost label.
        if (it->second & kException) return labels - 1;
        if (it->second & kExact) best = std::max(best, labels);
        if ((it->second & kWildcard) && i > 0) best = std::max(best, labels + 1);
    }
    return best;
}

std::string PublicSuffixList::public_suffix(std::string_view domain) const {
    std::string name = normalize(domain);
    if (!well_formed(name)) return name;
    const auto starts = label_starts(name);
    const std::size_t k = suffix_labels(name);
    if (k == 0 || k >= starts.size()) return name;
    return name.substr(starts[starts.size() - k]);
}

std::string PublicSuffixList::organizational_domain(std::string_view domain) const {
    std::string name = normalize(domain);
    if (!well_formed(name)) return name;
    const auto starts = label_starts(name);
    const std::size_t k = suffix_labels(name);
    // RFC 7489 3.2 step 4: the public suffix plus the next label to its left.
    if (k + 1 > starts.size()) return name;
    return name.substr(starts[starts.size() - k - 1]);
}

}  // namespace tern::mailauth::dmarc
