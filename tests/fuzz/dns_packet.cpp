// libFuzzer target for the DNS response parser (src/dns/packet.hpp,
// STYLE.md 3): any bytes, read as the answer to a question of every record
// type Tern asks, must parse to an Answer or a clean Errc::invalid, and a
// parsed Answer only holds records of the asked type. The input is also
// used as a name for build_query(), whose packet (flagged as a response)
// must then parse.
// Built by `make fuzz` (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dns/packet.hpp"

namespace dns = tern::dns;

namespace {

// True when the answer holds nothing but records of `type`.
bool only_asked_type(const dns::Answer& a, dns::RecordType type) {
    using T = dns::RecordType;
    const bool addresses = type == T::a || type == T::aaaa;
    const bool names = type == T::ptr || type == T::cname;
    if (!addresses && !a.addresses.empty()) return false;
    if (type != T::mx && !a.mx.empty()) return false;
    if (type != T::txt && !a.txt.empty()) return false;
    if (!names && !a.names.empty()) return false;
    if (type != T::tlsa && !a.tlsa.empty()) return false;
    for (const auto& ip : a.addresses) {
        const auto want = type == T::a ? dns::IpAddress::Family::v4 : dns::IpAddress::Family::v6;
        if (ip.family != want) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using T = dns::RecordType;
    for (T type : {T::a, T::aaaa, T::mx, T::txt, T::ptr, T::cname, T::tlsa}) {
        auto parsed = dns::parse_response(data, size, {"example.com", type});
        if (!parsed) {
            if (parsed.error().code != tern::Errc::invalid) __builtin_trap();
            continue;
        }
        if (!only_asked_type(parsed->answer, type)) __builtin_trap();
        if (parsed->cname_hops < 0 || parsed->cname_hops > dns::kMaxCnameHops) __builtin_trap();
    }

    if (size > 300) return 0;
    const std::string name(reinterpret_cast<const char*>(data), size);
    auto query = dns::build_query({name, T::txt});
    if (!query) return 0;
    std::vector<unsigned char> response = *query;
    response[2] |= 0x80;  // QR: a response (RFC 1035 4.1.1)
    auto back = dns::parse_response(response.data(), response.size(), {name, T::txt});
    if (!back || !back->answer.empty()) __builtin_trap();
    return 0;
}
