// libFuzzer target for the IMAP grammar (STYLE.md 3): any bytes through the
// command reader (whole, and split in two), every command through the
// parser with and without UTF8=ACCEPT, and the response writer over what
// parses. Never a crash or a sanitizer report; traps when the two chunkings
// disagree or when modified UTF-7 does not round-trip.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imap/proto/command.hpp"
#include "imap/proto/mutf7.hpp"
#include "imap/proto/reader.hpp"
#include "imap/proto/writer.hpp"

namespace {

using namespace tern::imap;

std::vector<std::string> read_all(std::string_view data, std::size_t split) {
    ReaderLimits limits;
    limits.max_line_length = 256;
    limits.max_literal_size = 1024;
    limits.max_command_size = 4096;
    limits.max_discard_size = 2048;
    limits.literal_minus = !data.empty() && (data[0] & 1);
    CommandReader reader(limits);
    std::vector<std::string> out;
    reader.feed(data.substr(0, split));
    (void)reader.take_continuation();
    reader.feed(data.substr(split));
    while (auto item = reader.next()) {
        if (const auto* raw = std::get_if<RawCommand>(&*item)) {
            out.push_back("C" + raw->text);
        } else {
            const auto& e = std::get<ReadError>(*item);
            out.push_back("E" + e.tag.value_or("*") + std::to_string(static_cast<int>(e.kind)));
        }
    }
    return out;
}

void exercise(const std::string& text) {
    for (bool utf8 : {false, true}) {
        ParseOptions options;
        options.utf8 = utf8;
        auto cmd = parse_command(text, options);
        if (!cmd) {
            const std::string line =
                tagged(tag_of(text).value_or("*"), Condition::bad, cmd.error().message);
            if (line.find('\n') != line.size() - 1) __builtin_trap();
            continue;
        }
        std::string out;
        if (const auto* m = std::get_if<MailboxArgs>(&cmd->args))
            append_mailbox(out, m->mailbox, utf8);
        if (const auto* f = std::get_if<FetchArgs>(&cmd->args)) {
            out += f->set.to_string();
            for (const auto& i : f->items)
                out += response_name(i);
        }
        if (const auto* l = std::get_if<ListArgs>(&cmd->args)) {
            for (const auto& p : l->patterns)
                append_mailbox(out, p, utf8);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto whole = read_all(bytes, size);
    const auto split = read_all(bytes, size == 0 ? 0 : data[size / 2] % (size + 1));
    if (whole != split) __builtin_trap();
    for (const auto& item : whole) {
        if (item[0] == 'C') exercise(item.substr(1));
    }
    exercise(std::string(bytes));
    // Strict decoding means a decoded name re-encodes to the same octets.
    if (auto decoded = mutf7_decode(bytes)) {
        auto encoded = mutf7_encode(*decoded);
        if (!encoded || *encoded != bytes) __builtin_trap();
    }
    return 0;
}
