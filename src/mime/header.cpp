#include "mime/header.hpp"

#include "base/strings.hpp"

namespace tern::mime {

namespace {

// End of the line starting at `pos` (index of LF, or `end`), and where the next begins.
std::size_t line_end(std::string_view raw, std::size_t pos, std::size_t end, std::size_t& next) {
    std::size_t lf = raw.find('\n', pos);
    if (lf == std::string_view::npos || lf >= end) {
        next = end;
        return end;
    }
    next = lf + 1;
    return lf;
}

bool is_blank_line(std::string_view raw, std::size_t pos, std::size_t end) {
    if (pos < end && raw[pos] == '\n') return true;
    return pos + 1 < end && raw[pos] == '\r' && raw[pos + 1] == '\n';
}

// RFC 5322 3.6.8: field-name = 1*ftext, printable ASCII except colon.
bool is_ftext(char c) {
    return c >= 33 && c <= 126 && c != ':';
}

}  // namespace

HeaderBlock parse_header(std::string_view raw, std::size_t offset, std::size_t end,
                         std::size_t max_fields) {
    HeaderBlock block;
    block.offset = offset;
    if (end > raw.size()) end = raw.size();
    std::size_t pos = offset;
    while (pos < end) {
        // RFC 5322 2.1: the header ends at the first empty line.
        if (is_blank_line(raw, pos, end)) {
            pos += raw[pos] == '\n' ? 1 : 2;
            block.size = pos - offset;
            block.body_offset = pos;
            block.complete = true;
            return block;
        }
        std::size_t next = 0;
        std::size_t eol = line_end(raw, pos, end, next);
        // Continuation lines (RFC 5322 2.2.3) belong to the field before.
        while (next < end && (raw[next] == ' ' || raw[next] == '\t'))
            eol = line_end(raw, next, end, next);
        std::string_view line = raw.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::size_t colon = line.find(':');
        std::size_t name_end = colon;
        // RFC 5322 4.5.2 (obs-optional): whitespace may precede the colon.
        while (name_end != std::string_view::npos && name_end > 0 &&
               (line[name_end - 1] == ' ' || line[name_end - 1] == '\t'))
            --name_end;
        bool valid = colon != std::string_view::npos && name_end > 0;
        for (std::size_t i = 0; valid && i < name_end; ++i)
            valid = is_ftext(line[i]);
        if (valid) {
            if (block.fields.size() < max_fields) {
                block.fields.push_back(
                    {line.substr(0, name_end), line.substr(colon + 1), pos, next - pos});
            } else {
                block.truncated = true;
            }
        }
        pos = next;
    }
    // No empty line: everything is header and the body is empty.
    block.size = end - offset;
    block.body_offset = end;
    return block;
}

std::string unfold(std::string_view folded) {
    std::string out;
    out.reserve(folded.size());
    for (std::size_t i = 0; i < folded.size(); ++i) {
        char c = folded[i];
        if (c == '\r' && i + 1 < folded.size() && folded[i + 1] == '\n') continue;
        if (c == '\n') continue;
        out.push_back(c);
    }
    return out;
}

std::string field_text(std::string_view folded) {
    return std::string(trim(unfold(folded)));
}

const HeaderField* find_field(const std::vector<HeaderField>& fields, std::string_view name) {
    for (const auto& f : fields)
        if (iequals(f.name, name)) return &f;
    return nullptr;
}

}  // namespace tern::mime
