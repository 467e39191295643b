// libFuzzer target for the SPF record parser and macro expander
// (STYLE.md 3): any bytes must parse to a Record or a clean error, and a
// record served by an in-memory DNS must evaluate to one of the seven
// RFC 7208 2.6 results without a crash, a hang or a sanitizer report.
// Built by `make fuzz` (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailauth/spf/evaluator.hpp"
#include "mailauth/spf/macro.hpp"
#include "mailauth/spf/record.hpp"
#include "testing/memory_resolver.hpp"

namespace spf = tern::mailauth::spf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    (void)spf::is_spf_record(text);
    auto record = spf::parse_record(text);
    if (!record && record.error().code != tern::Errc::invalid) __builtin_trap();

    // Macro strings: checking and expanding must agree.
    spf::MacroContext ctx;
    ctx.sender = "user@example.com";
    ctx.local_part = "user";
    ctx.sender_domain = "example.com";
    ctx.domain = "example.com";
    ctx.ip = *tern::dns::IpAddress::parse("2001:db8::1");
    for (auto mode : {spf::MacroMode::domain_spec, spf::MacroMode::explanation}) {
        const bool valid = spf::check_macro_string(text, mode).ok();
        auto expanded = spf::expand(text, ctx, mode);
        if (valid != expanded.ok()) __builtin_trap();
    }

    // Evaluate the input as the sender domain's record, with a small zone
    // that every mechanism can reach, so lookups and limits are exercised.
    if (size > 4096) return 0;
    tern::testing::MemoryResolver dns;
    dns.add_txt("example.com", text);
    dns.add_txt("inc.example.com", text);
    dns.add_txt("exp.example.com", text);
    dns.add_a("example.com", "192.0.2.1");
    dns.add_mx("example.com", 10, "mx.example.com");
    dns.add_a("mx.example.com", "192.0.2.2");
    dns.add_ptr("1.2.0.192.in-addr.arpa", "example.com");
    spf::SpfInput input;
    input.ip = *tern::dns::IpAddress::parse("192.0.2.1");
    input.mail_from = "user@example.com";
    input.helo = "mx.example.com";
    const spf::SpfVerdict verdict = spf::check_spf(input, dns);
    if (spf::to_string(verdict.result) == "?") __builtin_trap();
    // RFC 7208 4.6.4: the evaluation stays bounded whatever the record says.
    if (dns.queries().size() > 200) __builtin_trap();
    return 0;
}
