// libFuzzer target for the DKIM parsers (STYLE.md 3): any bytes must parse
// as a tag-list, a DKIM-Signature value and a key record to a value or a
// clean Errc::invalid; the same bytes as a message must split and
// canonicalize (RFC 6376 3.4) with the relaxed invariants holding; and a
// message carrying the bytes as its DKIM-Signature must verify to one of the
// result values without a crash, a hang or a sanitizer report.
// Built by `make fuzz` (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailauth/dkim/canonical.hpp"
#include "mailauth/dkim/key_record.hpp"
#include "mailauth/dkim/signature.hpp"
#include "mailauth/dkim/tag_list.hpp"
#include "mailauth/dkim/verifier.hpp"
#include "testing/memory_resolver.hpp"

namespace dkim = tern::mailauth::dkim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    auto tags = dkim::parse_tag_list(text);
    if (!tags && tags.error().code != tern::Errc::invalid) __builtin_trap();
    if (tags) {
        for (const auto& tag : tags->tags) {
            if (tag.value_end > size || tag.value_begin > tag.value_end) __builtin_trap();
        }
    }
    auto sig = dkim::parse_signature(text);
    if (!sig && sig.error().code != tern::Errc::invalid) __builtin_trap();
    // RFC 6376 3.5: whatever parses names From and keeps i= within d=.
    if (sig && !dkim::is_same_or_subdomain(dkim::identity_domain(sig->identity), sig->domain)) {
        __builtin_trap();
    }
    auto key = dkim::parse_key_record(text);
    if (!key && key.error().code != tern::Errc::invalid) __builtin_trap();
    const std::string field = "DKIM-Signature:" + std::string(text) + "\r\n";
    if (dkim::remove_b_value(field).size() > field.size()) __builtin_trap();

    // The input as a message: relaxed canonical forms never keep WSP runs or
    // trailing WSP (RFC 6376 3.4.2, 3.4.4).
    const dkim::Message message = dkim::split_message(text);
    for (const auto& header : message.headers) {
        const std::string relaxed = dkim::canonicalize_header(header, dkim::Canon::relaxed);
        const std::size_t colon = relaxed.find(':');
        if (colon == std::string::npos) continue;  // not a field; matches nothing
        const std::string value = relaxed.substr(colon + 1);
        if (value.find('\t') != std::string::npos || value.find("  ") != std::string::npos ||
            value.starts_with(' ') || value.find(" \r\n") != std::string::npos) {
            __builtin_trap();
        }
    }
    const std::string body = dkim::canonicalize_body(message.body, dkim::Canon::relaxed);
    if (body.find(" \r\n") != std::string::npos || body.find('\t') != std::string::npos) {
        __builtin_trap();
    }
    (void)dkim::canonicalize_body(message.body, dkim::Canon::simple);

    // The input as the DKIM-Signature of a message whose key exists.
    if (size > 4096) return 0;
    tern::testing::MemoryResolver dns;
    dns.add_txt("s._domainkey.example.com",
                "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    dns.add_txt("r._domainkey.example.com", std::string(text));
    dkim::VerifyOptions options;
    options.now = 1'800'000'000;
    const auto results = dkim::verify(field + "From: a@example.com\r\n\r\nbody\r\n", dns, options);
    for (const auto& r : results) {
        if (dkim::to_string(r.result) == "?") __builtin_trap();
    }
    if (dns.queries().size() > options.max_signatures) __builtin_trap();
    return 0;
}
