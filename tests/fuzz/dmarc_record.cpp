// libFuzzer target for DMARC and Authentication-Results (STYLE.md 3): any
// bytes, read as
//   - a _dmarc TXT record: parse to a record or a clean Errc::invalid, with
//     the record's invariants holding, then evaluated end to end over an
//     in-memory DNS to one of the five RFC 7489 11.2 results;
//   - a Public Suffix List and a domain name: no crash, and the
//     Organizational Domain is always a suffix of the name;
//   - a header section: removing our Authentication-Results fields only
//     deletes bytes and is idempotent;
//   - values given to the Authentication-Results builder: the field stays
//     one field (every line break is CRLF followed by a tab).
// Built by `make fuzz` (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailauth/dmarc/evaluator.hpp"
#include "mailauth/dmarc/public_suffix.hpp"
#include "mailauth/dmarc/record.hpp"
#include "mailauth/results/builder.hpp"
#include "mailauth/results/remover.hpp"
#include "testing/memory_resolver.hpp"

namespace dmarc = tern::mailauth::dmarc;
namespace results = tern::mailauth::results;

namespace {

void check_record(std::string_view text) {
    auto rec = dmarc::parse_record(text);
    if (!rec) {
        if (rec.error().code != tern::Errc::invalid) __builtin_trap();
        return;
    }
    if (!dmarc::is_dmarc_record(text)) __builtin_trap();
    if (rec->percent < 0 || rec->percent > 100) __builtin_trap();
    if (rec->policy_fallback && rec->policy != dmarc::Policy::none) __builtin_trap();
    if (rec->usable && rec->policy_fallback && rec->aggregate_uris.empty()) __builtin_trap();
    for (const auto& uri : rec->aggregate_uris)
        if (uri.uri.find_first_of(",! ;") != std::string::npos) __builtin_trap();
}

void check_evaluation(std::string_view text, const dmarc::PublicSuffixList& psl) {
    tern::testing::MemoryResolver dns;
    dns.add_txt("_dmarc.example.com", text);
    dmarc::DmarcInput in;
    in.from_domain = "mail.example.com";
    in.spf_result = tern::mailauth::spf::SpfResult::pass;
    in.spf_domain = "example.net";
    in.dkim.push_back({"example.org", tern::mailauth::dkim::DkimResult::pass});
    in.sample = static_cast<int>(text.size() % 100);
    const auto v = dmarc::check_dmarc(in, psl, dns);
    if (dmarc::to_string(v.result) == "?") __builtin_trap();
    // Nothing aligned passes here: never a pass, and a policy only on fail.
    if (v.result == dmarc::DmarcResult::pass) __builtin_trap();
    if (v.result != dmarc::DmarcResult::fail && v.disposition != dmarc::Policy::none)
        __builtin_trap();
    if (dns.queries().size() > 2) __builtin_trap();
}

void check_suffix_list(std::string_view text) {
    const auto psl = dmarc::PublicSuffixList::parse(text);
    const std::string org = psl.organizational_domain("a.b.example.co.uk");
    if (!std::string_view("a.b.example.co.uk").ends_with(org)) __builtin_trap();
    if (auto name = dmarc::normalize_domain(text)) {
        const std::string o = psl.organizational_domain(*name);
        if (!name->ends_with(o)) __builtin_trap();
    }
}

void check_results(std::string_view text) {
    const auto once = results::remove_own_results(text, "mx.tern.test");
    if (once.message.size() > text.size()) __builtin_trap();
    if (once.removed == 0 && once.message != text) __builtin_trap();
    const auto twice = results::remove_own_results(once.message, "mx.tern.test");
    if (twice.removed != 0 || twice.message != once.message) __builtin_trap();

    results::AuthResultsBuilder b{std::string(text.substr(0, 64))};
    b.add_spf("pass", text).add_dkim("fail", text, text, text).add_dmarc("none", text);
    const std::string field = b.field();
    if (!field.ends_with("\r\n")) __builtin_trap();
    for (std::size_t i = 0; i + 2 < field.size(); ++i) {
        const char c = field[i];
        if (c == '\n' && field[i - 1] != '\r') __builtin_trap();
        if (c == '\r' && (field[i + 1] != '\n' || field[i + 2] != '\t')) __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const auto psl =
        dmarc::PublicSuffixList::parse("com\nnet\norg\nuk\nco.uk\n*.ck\n!www.ck\n");
    check_record(text);
    if (size > 8192) return 0;
    check_evaluation(text, psl);
    check_suffix_list(text);
    check_results(text);
    return 0;
}
