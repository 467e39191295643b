#include "mime/message.hpp"

#include <algorithm>

#include "base/strings.hpp"
#include "mime/decode.hpp"
#include "mime/multipart.hpp"

namespace tern::mime {

namespace {

struct Context {
    std::string_view raw;
    const Limits& limits;
    std::size_t parts = 0;
    bool limited = false;
};

ContentType make_type(std::string type, std::string subtype, Params params = {}) {
    ContentType ct;
    ct.type = std::move(type);
    ct.subtype = std::move(subtype);
    ct.params = std::move(params);
    ct.valid = true;
    return ct;
}

// RFC 2045 5.2: the default is text/plain; charset=us-ascii.
ContentType default_text() {
    return make_type("text", "plain", {{"charset", "us-ascii"}});
}

std::optional<std::string> text_of(const std::vector<HeaderField>& fields, std::string_view name) {
    const HeaderField* f = find_field(fields, name);
    if (!f) return std::nullopt;
    return field_text(f->value);
}

// RFC 3282 2: Content-Language is a comma-separated list of language tags.
std::vector<std::string> languages_of(const std::vector<HeaderField>& fields) {
    std::vector<std::string> out;
    const HeaderField* f = find_field(fields, "Content-Language");
    if (!f) return out;
    std::string text = unfold(f->value);
    for (std::string_view tag : split(text, ',')) {
        tag = trim(tag);
        if (!tag.empty()) out.emplace_back(tag);
    }
    return out;
}

// RFC 2045 6.1: mechanism is a token; a stray ";", comment or quotes around it
// (seen in real mail) are dropped. RFC 2045 6.1: "7bit" is the default.
std::string encoding_of(const std::vector<HeaderField>& fields) {
    auto text = text_of(fields, "Content-Transfer-Encoding");
    if (!text) return "7bit";
    std::string_view v = *text;
    v = trim(v.substr(0, v.find_first_of(";(")));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = trim(v.substr(1, v.size() - 2));
    return v.empty() ? "7bit" : to_lower(v);
}

bool identity_encoding(std::string_view enc) {
    return enc == "7bit" || enc == "8bit" || enc == "binary";
}

using Stack = std::vector<std::string_view>;

struct Parsed {
    Part part;
    BoundaryHit stop;  // the delimiter line (of an enclosing multipart) that ended the entity
};

Parsed parse_entity(Context& ctx, std::size_t begin, std::size_t end, std::size_t depth,
                    bool digest_child, Stack& stack);

// Reads the header fields that describe the entity (RFC 2045 5, 6, 8; RFC 2183; RFC 3282).
void read_mime_fields(Part& part, bool digest_child) {
    const HeaderField* ct = find_field(part.fields, "Content-Type");
    if (ct) part.content_type = parse_content_type(ct->value);
    if (!part.content_type.valid) {
        // RFC 2046 5.1.5: in a digest the default is message/rfc822.
        part.content_type = digest_child ? make_type("message", "rfc822") : default_text();
    }
    part.encoding = encoding_of(part.fields);
    if (const HeaderField* d = find_field(part.fields, "Content-Disposition"))
        part.disposition = parse_disposition(d->value);
    part.id = text_of(part.fields, "Content-ID");
    part.description = text_of(part.fields, "Content-Description");
    part.md5 = text_of(part.fields, "Content-MD5");
    part.location = text_of(part.fields, "Content-Location");
    part.languages = languages_of(part.fields);
}

void set_body_end(Context& ctx, Part& part, std::size_t body_end) {
    part.body_size = body_end - part.body_offset;
    part.body_lines = count_lines(ctx.raw.substr(part.body_offset, part.body_size));
}

// Where an entity ended by `hit` ends: before the delimiter line and the line
// break that belongs to it (RFC 2046 5.1.1), or at the end of the input.
std::size_t end_before(const Context& ctx, const BoundaryHit& hit, std::size_t floor) {
    return hit.level >= 0 ? before_line_break(ctx.raw, hit.line, floor) : hit.line;
}

// RFC 2046 5.1.1: preamble, body parts, close delimiter, epilogue.
BoundaryHit parse_multipart(Context& ctx, Part& part, std::size_t end, std::size_t depth,
                            Stack& stack, const BoundaryHit& first) {
    const std::string* boundary = find_param(part.content_type.params, "boundary");
    if (!boundary || boundary->empty()) {
        part.content_type = default_text();  // RFC 2046 5.1.1: boundary is required
        set_body_end(ctx, part, end_before(ctx, first, part.body_offset));
        return first;
    }
    const int own = static_cast<int>(stack.size());
    stack.push_back(*boundary);
    bool digest = part.content_type.subtype == "digest";
    BoundaryHit hit = find_boundary(ctx.raw, part.body_offset, end, stack);
    while (hit.level == own && !hit.close) {
        if (hit.next >= end) {
            // A last delimiter with nothing after it (a truncated message) opens no part.
            hit = BoundaryHit{end, end, -1, false};
            break;
        }
        if (ctx.parts >= ctx.limits.max_parts) {
            ctx.limited = true;  // further parts are skipped, not parsed
            hit = find_boundary(ctx.raw, hit.next, end, stack);
            continue;
        }
        Parsed child = parse_entity(ctx, hit.next, end, depth + 1, digest, stack);
        part.children.push_back(std::move(child.part));
        hit = child.stop;
    }
    stack.pop_back();
    if (hit.level == own) hit = find_boundary(ctx.raw, hit.next, end, stack);  // the epilogue
    set_body_end(ctx, part, end_before(ctx, hit, part.body_offset));
    if (part.children.empty()) {
        // No delimiter at all: read as text (or opaque once the part limit was hit).
        part.content_type = ctx.limited ? make_type("application", "octet-stream") : default_text();
    } else {
        part.kind = Kind::multipart;
    }
    return hit;
}

Parsed parse_entity(Context& ctx, std::size_t begin, std::size_t end, std::size_t depth,
                    bool digest_child, Stack& stack) {
    ++ctx.parts;
    Parsed out;
    Part& part = out.part;
    // The first delimiter line of an enclosing multipart bounds the header and
    // a leaf's body; a header without its empty line ends there too.
    BoundaryHit first = find_boundary(ctx.raw, begin, end, stack);
    std::size_t limit = end_before(ctx, first, begin);
    // The header's empty line may also be the line break before the delimiter
    // ("...\r\n\r\n--b"): it then ends the header and the body is empty.
    HeaderBlock header = parse_header(ctx.raw, begin, first.line, ctx.limits.max_header_fields);
    if (!header.complete && first.line != limit)
        header = parse_header(ctx.raw, begin, limit, ctx.limits.max_header_fields);
    if (header.truncated) ctx.limited = true;
    part.header_offset = header.offset;
    part.header_size = header.size;
    part.body_offset = header.body_offset;
    part.fields = std::move(header.fields);
    read_mime_fields(part, digest_child);

    const std::string& type = part.content_type.type;
    const std::string& subtype = part.content_type.subtype;
    bool is_multipart = type == "multipart";
    // RFC 2046 5.2.1; RFC 6532 3.7 (message/global).
    bool is_message = type == "message" && (subtype == "rfc822" || subtype == "global");
    if (is_multipart || is_message) {
        if (depth >= ctx.limits.max_depth || ctx.parts >= ctx.limits.max_parts) {
            ctx.limited = true;
            part.content_type = make_type("application", "octet-stream");
        } else if (is_multipart) {
            out.stop = parse_multipart(ctx, part, end, depth, stack, first);
            return out;
        } else if (!identity_encoding(part.encoding)) {
            // RFC 2046 5.2.1: message/rfc822 allows only 7bit, 8bit or binary.
            part.content_type = make_type("application", "octet-stream");
        } else {
            Parsed inner = parse_entity(ctx, part.body_offset, end, depth + 1, false, stack);
            std::size_t inner_end = inner.part.body_offset + inner.part.body_size;
            set_body_end(ctx, part, inner_end);
            part.kind = Kind::message;
            part.children.push_back(std::move(inner.part));
            out.stop = inner.stop;
            return out;
        }
    }
    set_body_end(ctx, part, std::max(limit, part.body_offset));
    out.stop = first;
    return out;
}

}  // namespace

Message parse(std::string_view raw, const Limits& limits) {
    Context ctx{raw, limits};
    Message m;
    m.raw = raw;
    Stack stack;
    m.root = parse_entity(ctx, 0, raw.size(), 0, false, stack).part;
    m.part_count = ctx.parts;
    m.limited = ctx.limited;
    return m;
}

}  // namespace tern::mime
