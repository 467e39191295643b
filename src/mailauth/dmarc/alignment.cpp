#include "mailauth/dmarc/alignment.hpp"

namespace tern::mailauth::dmarc {
bool aligned(std::string_view authenticated_domain, std::string_view from_domain, AlignMode mode,
             const PublicSuffixList& psl) {
    const auto a = normalize_domain(authenticated_domain);
    const auto b = normalize_domain(from_domain);
    if (!a || !b) return false;
    // RFC 7489 3.1.1/3.1.2: strict mode wants an exact (case-insensitive)
    // match of the two domains.
    if (*a == *b) return true;
    if (mode == AlignMode::strict) return false;
    // RFC 7489 3.1.1: relaxed mode wants the same Organizational Domain.
    return psl.organizational_domain(*a) == psl.organizational_domain(*b);
}

}  // namespace tern::mailauth::dmarc
