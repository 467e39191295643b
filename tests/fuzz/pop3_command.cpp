// libFuzzer target for the POP3 command parser and the multi-line encoder
// (STYLE.md 3): any bytes must give a Command or an invalid-input error,
// never a crash or a sanitizer report; encoding any bytes must give a
// response that a client can end exactly where it ends. Built by make fuzz.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pop3/proto/command.hpp"
#include "pop3/proto/multiline.hpp"
#include "pop3/proto/reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto cmd = tern::pop3::parse_command(bytes);
    if (!cmd) {
        const std::string r = tern::pop3::err(cmd.error().message);
        if (r.size() > tern::pop3::kMaxReplyLine) __builtin_trap();
    }
    // The encoded form contains the terminator line exactly once, at its end.
    tern::pop3::MultilineEncoder enc;
    std::string out;
    enc.encode(bytes.substr(0, size / 2), out);
    enc.encode(bytes.substr(size / 2), out);
    enc.finish(out);
    const std::string wire = "\r\n" + out;
    if (wire.find("\r\n.\r\n") != wire.size() - 5) __builtin_trap();
    (void)tern::pop3::top_part(bytes, size % 7);
    return 0;
}
