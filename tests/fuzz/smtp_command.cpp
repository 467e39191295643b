// libFuzzer target for the SMTP command parser (STYLE.md 3): any bytes must
// give a Command or a reply-carrying error, never a crash or a sanitizer
// report. Built by `make fuzz` (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtp/proto/command.hpp"
#include "smtp/proto/reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    for (bool utf8 : {false, true}) {
        tern::smtp::ParseOptions options;
        options.smtputf8_allowed_in_addresses = utf8;
        auto cmd = tern::smtp::parse_command(line, options);
        if (cmd) {
            if (cmd->path) {
                // Canonical forms must themselves be printable without crashing.
                const std::string s = cmd->path->mailbox.to_string();
                (void)cmd->path->mailbox.canonical_key();
                (void)s;
            }
        } else {
            // Every error must map to a reply that fits one line.
            const std::string r = tern::smtp::reply(tern::smtp::to_syntax_error(cmd.error()));
            if (r.size() > 512) __builtin_trap();
        }
    }
    return 0;
}
