// DMARC identifier alignment (RFC 7489 3.1): does an authenticated domain
// (an SPF-checked RFC5321.MailFrom domain, or a DKIM d=) align with the
// RFC5322.From domain?
//
//   strict   the two names are equal (RFC 7489 3.1.1, 3.1.2);
//   relaxed  they share one Organizational Domain (RFC 7489 3.2), so
//            mail.example.com aligns with example.com but not with
//            example.net, and a.example.co.uk not with b.co.uk.
// Names compare in ASCII lower case, a trailing dot ignored. An empty name
// never aligns; nor does a name normalize_domain() refuses. Unicode names
// compare in their A-label form. Pure; never fails.
#pragma once

#include <string_view>

#include "mailauth/dmarc/public_suffix.hpp"
#include "mailauth/dmarc/record.hpp"

namespace tern::mailauth::dmarc {

bool aligned(std::string_view authenticated_domain, std::string_view from_domain, AlignMode mode,
             const PublicSuffixList& psl);

}  // namespace tern::mailauth::dmarc
