// libFuzzer target for the configuration parser: any bytes give a Config or
// an error message, never a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto config = tern::config::parse_config(text, "fuzz.toml");
    if (!config && config.error().message.empty()) __builtin_trap();  // errors must say why
    return 0;
}
