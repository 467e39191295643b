// The Public Suffix List (https://publicsuffix.org/list/), for the DMARC
// Organizational Domain (RFC 7489 3.2).
//
// PublicSuffixList is loaded once (load() reads Debian's publicsuffix file,
// kDefaultPublicSuffixPath, or any file in the same format; parse() takes
// the text so tests can use a small list) and is then immutable, so one
// instance may be shared by every session and thread. A lookup is a few
// hash probes, one per label of the domain.
//
// Rules follow the list's published algorithm: normal rules, wildcards
// ("*.ck") and exceptions ("!www.ck", which win over everything); when no
// rule matches, the implicit rule "*" makes the top-level label the public
// suffix. Both the ICANN and the PRIVATE sections are used unless
// `include_private` is false. Rules written with Unicode labels are also
// stored in their A-label (xn--) form (IDNA2008 via libidn2), so a domain
// matches whichever form it arrives in.
//
// Names are compared in ASCII lower case without a trailing dot.
// organizational_domain() of a name that is itself a public suffix (or has
// empty labels) is the name itself: RFC 7489 3.2 step 4 has no label left
// to add, and the name is then its own organization.
//
// normalize_domain() is the one place names are put in comparable form.
//
// Errors: load() fails with Errc::io when the file cannot be read. parse()
// never fails; lines it does not understand are skipped.
//
// RFCs: RFC 7489 3.2 (Organizational Domain); RFC 5891 (A-labels).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.hpp"

namespace tern::mailauth::dmarc {

// A domain in the form DMARC compares and queries: lower case, no trailing
// dot, Unicode labels converted to A-labels (RFC 5891, IDNA2008), each label
// 1-63 letters, digits, hyphens or underscores, at most 253 characters
// (RFC 1035 2.3.4). nullopt for anything else (an IP literal, spaces...).
std::optional<std::string> normalize_domain(std::string_view name);

inline constexpr std::string_view kDefaultPublicSuffixPath =
    "/usr/share/publicsuffix/public_suffix_list.dat";

class PublicSuffixList {
  public:
    struct Options {
        bool include_private = true;  // the "===BEGIN PRIVATE DOMAINS===" section
    };

    static Result<PublicSuffixList> load(const std::string& path, Options options);
    static Result<PublicSuffixList> load(const std::string& path) { return load(path, Options{}); }
    static PublicSuffixList parse(std::string_view text, Options options);
    static PublicSuffixList parse(std::string_view text) { return parse(text, Options{}); }

    // The public suffix of `domain` ("co.uk" for "a.example.co.uk").
    std::string public_suffix(std::string_view domain) const;
    // RFC 7489 3.2: the public suffix plus one label ("example.co.uk").
    std::string organizational_domain(std::string_view domain) const;

    std::size_t rule_count() const { return rules_.size(); }

  private:
    enum Kind : std::uint8_t { kExact = 1, kWildcard = 2, kException = 4 };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    void add_rule(std::string_view rule);
    // Number of labels of the public suffix of `name` (normalized).
    std::size_t suffix_labels(std::string_view name) const;

    // Keyed by the rule without its "*." or "!" prefix.
    std::unordered_map<std::string, std::uint8_t, Hash, std::equal_to<>> rules_;
};

}  // namespace tern::mailauth::dmarc
