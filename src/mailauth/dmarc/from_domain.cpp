#include "mailauth/dmarc/from_domain.hpp"

#include <cstdint>
#include <vector>

#include "base/strings.hpp"
#include "mailauth/dmarc/public_suffix.hpp"
#include "mime/address.hpp"
#include "mime/header.hpp"

namespace tern::mailauth::dmarc {

Result<std::string> from_domain(std::string_view message) {
    const mime::HeaderBlock header = mime::parse_header(message, 0, message.size(), SIZE_MAX);
    const mime::HeaderField* from = nullptr;
    for (const mime::HeaderField& field : header.fields) {
        if (!iequals(field.name, "From")) continue;
        // RFC 5322 3.6: From occurs exactly once.
        if (from) return fail(Errc::invalid, "several From fields");
        from = &field;
    }
    if (!from) return fail(Errc::invalid, "no From field");

    const std::vector<mime::Address> addresses =
        mime::parse_address_list(mime::field_text(from->value));
    const mime::Address* mailbox = nullptr;
    for (const mime::Address& a : addresses) {
        if (a.kind != mime::Address::Kind::mailbox) continue;
        // RFC 7489 6.6.1: several authors give several domains to evaluate.
        if (mailbox) return fail(Errc::invalid, "several From addresses");
        mailbox = &a;
    }
    if (!mailbox) return fail(Errc::invalid, "no From address");
    if (mailbox->host.empty()) return fail(Errc::invalid, "From address has no domain");
    auto domain = normalize_domain(mailbox->host);
    if (!domain) return fail(Errc::invalid, "From domain is not a domain name");
    return *domain;
}

}  // namespace tern::mailauth::dmarc
