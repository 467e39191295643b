// libFuzzer target for the SASL server mechanisms (PLAIN, LOGIN) and the
// base64 decoder in front of them: the first byte picks the mechanism and
// whether there is an initial response; the rest is split into client
// responses at NUL-NUL pairs.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "accounts/sasl.hpp"
#include "base/strings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const char* mechs[] = {"PLAIN", "LOGIN", "plain", "SCRAM-SHA-256"};
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string decoded;
    (void)tern::base64_decode(rest, decoded);
    std::optional<std::string> initial;
    auto cut = rest.find(std::string_view("\0\0", 2));
    if (data[0] & 4) initial = std::string(rest.substr(0, cut));
    auto exchange = tern::accounts::SaslExchange::start(mechs[data[0] & 3], initial);
    if (!exchange) return 0;
    auto step = exchange->begin();
    while (step.kind == tern::accounts::SaslStep::Kind::challenge &&
           cut != std::string_view::npos) {
        rest.remove_prefix(cut + 2);
        cut = rest.find(std::string_view("\0\0", 2));
        step = exchange->step(rest.substr(0, cut));
    }
    if (step.kind == tern::accounts::SaslStep::Kind::done && step.authcid.empty()) __builtin_trap();
    return 0;
}
