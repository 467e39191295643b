// libFuzzer target for the MIME library: parse any bytes as a message, then
// build ENVELOPE, BODY and BODYSTRUCTURE and fetch every part's sections.
// Traps when an offset leaves the input or a view loses a part.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mime/bodystructure.hpp"
#include "mime/encoded_word.hpp"
#include "mime/envelope.hpp"
#include "mime/message.hpp"
#include "mime/section.hpp"

namespace {

void walk(const tern::mime::Message& m, const tern::mime::Part& p, std::vector<std::size_t>& path) {
    if (p.header_offset + p.header_size > m.raw.size()) __builtin_trap();
    if (p.body_offset + p.body_size > m.raw.size()) __builtin_trap();
    if (!path.empty()) {
        auto found = tern::mime::find_part(m, path);
        if (!found.ok()) __builtin_trap();
        (void)tern::mime::binary_section(m, path);
        tern::mime::SectionSpec mime_spec{path, tern::mime::SectionSpec::Text::mime, {}};
        if (!tern::mime::section_bytes(m, mime_spec).ok()) __builtin_trap();
    }
    if (p.kind == tern::mime::Kind::multipart) {
        for (std::size_t i = 0; i < p.children.size(); ++i) {
            path.push_back(i + 1);
            walk(m, p.children[i], path);
            path.pop_back();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view raw(reinterpret_cast<const char*>(data), size);
    tern::mime::Limits limits;
    limits.max_parts = 500;
    limits.max_depth = 16;
    auto m = tern::mime::parse(raw, limits);
    if (m.part_count > limits.max_parts) __builtin_trap();
    std::string env = tern::mime::envelope(m);
    if (env.empty() || env.front() != '(' || env.back() != ')') __builtin_trap();
    std::string body = tern::mime::bodystructure(m, false);
    std::string ext = tern::mime::bodystructure(m, true);
    if (body.empty() || ext.size() < body.size()) __builtin_trap();
    std::vector<std::size_t> path;
    walk(m, m.root, path);
    for (const char* s : {"HEADER", "TEXT", "HEADER.FIELDS (From To)", "1", "1.MIME", "2.1.TEXT"}) {
        auto spec = tern::mime::parse_section(s);
        if (!spec.ok()) __builtin_trap();
        (void)tern::mime::section_bytes(m, *spec);
    }
    (void)tern::mime::decode_header_text(raw.substr(0, 4096));
    return 0;
}
