// libFuzzer target for what SMTP reception reads of a message: the header
// scan (field presence, From: address lists) and DATA line decoding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "smtp/server/data_decoder.hpp"
#include "smtp/server/headers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view m(reinterpret_cast<const char*>(data), size);
    auto scan = tern::smtp::scan_headers(m);
    if (scan.header_end > m.size()) __builtin_trap();
    for (const auto& a : scan.from_addresses)
        if (a.find('@') == std::string::npos) __builtin_trap();
    tern::smtp::DataDecoder decoder(1 << 16);
    std::size_t pos = 0;
    while (pos < m.size()) {
        std::size_t lf = m.find('\n', pos);
        std::size_t next = lf == std::string_view::npos ? m.size() : lf + 1;
        if (decoder.feed_line(m.substr(pos, next - pos))) break;
        pos = next;
    }
    if (decoder.content().size() > m.size()) __builtin_trap();
    return 0;
}
