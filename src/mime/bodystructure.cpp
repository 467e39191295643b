#include "mime/bodystructure.hpp"

#include "base/strings.hpp"
#include "mime/envelope.hpp"
#include "mime/imap_string.hpp"

namespace tern::mime {

namespace {

bool is_7bit(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80 || c == '\r' || c == '\n' || c == '\0')
            return false;
    return true;
}

// RFC 2231 4: an extended value, percent-encoding everything outside attribute-char.
std::string rfc2231_encode(std::string_view value) {
    static const char* hex = "0123456789ABCDEF";
    std::string out = "utf-8''";
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                     u == '-' || u == '.' || u == '_' || u == '!' || u == '~' || u == '+' ||
                     u == '&';
        if (plain) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 15]);
        }
    }
    return out;
}

// body-fld-param = "(" string SP string *(SP string SP string) ")" / nil
void append_params(std::string& out, const Params& params) {
    if (params.empty()) {
        out += "NIL";
        return;
    }
    out.push_back('(');
    bool first = true;
    for (const auto& p : params) {
        if (!first) out.push_back(' ');
        first = false;
        if (is_7bit(p.value)) {
            append_string(out, to_upper(p.name));
            out.push_back(' ');
            append_string(out, p.value);
        } else {
            append_string(out, to_upper(p.name) + "*");
            out.push_back(' ');
            append_string(out, rfc2231_encode(p.value));
        }
    }
    out.push_back(')');
}

// body-fld-dsp = "(" string SP body-fld-param ")" / nil
void append_disposition(std::string& out, const Part& part) {
    if (!part.disposition || part.disposition->type.empty()) {
        out += "NIL";
        return;
    }
    out.push_back('(');
    append_string(out, to_upper(part.disposition->type));
    out.push_back(' ');
    append_params(out, part.disposition->params);
    out.push_back(')');
}

// body-fld-lang = nstring / "(" string *(SP string) ")"
void append_languages(std::string& out, const Part& part) {
    if (part.languages.empty()) {
        out += "NIL";
    } else if (part.languages.size() == 1) {
        append_string(out, part.languages[0]);
    } else {
        out.push_back('(');
        for (std::size_t i = 0; i < part.languages.size(); ++i) {
            if (i) out.push_back(' ');
            append_string(out, part.languages[i]);
        }
        out.push_back(')');
    }
}

// SP body-fld-dsp SP body-fld-lang SP body-fld-loc
void append_common_extension(std::string& out, const Part& part) {
    out.push_back(' ');
    append_disposition(out, part);
    out.push_back(' ');
    append_languages(out, part);
    out.push_back(' ');
    append_nstring(out, part.location);
}

void append_body(std::string& out, const Part& part, bool ext);

// body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
void append_multipart(std::string& out, const Part& part, bool ext) {
    out.push_back('(');
    for (const auto& child : part.children)
        append_body(out, child, ext);
    out.push_back(' ');
    append_string(out, to_upper(part.content_type.subtype));
    if (ext) {
        out.push_back(' ');
        append_params(out, part.content_type.params);
        append_common_extension(out, part);
    }
    out.push_back(')');
}

// body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]
void append_single(std::string& out, const Part& part, bool ext) {
    out.push_back('(');
    append_string(out, to_upper(part.content_type.type));
    out.push_back(' ');
    append_string(out, to_upper(part.content_type.subtype));
    // body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP
    // body-fld-octets
    out.push_back(' ');
    append_params(out, part.content_type.params);
    out.push_back(' ');
    append_nstring(out, part.id);
    out.push_back(' ');
    append_nstring(out, part.description);
    out.push_back(' ');
    append_string(out, to_upper(part.encoding));
    out += " " + std::to_string(part.body_size);
    if (part.kind == Kind::message && !part.children.empty()) {
        // body-type-msg: ... SP envelope SP body SP body-fld-lines
        const Part& inner = part.children[0];
        out.push_back(' ');
        out += envelope_of(inner.fields);
        out.push_back(' ');
        append_body(out, inner, ext);
        out += " " + std::to_string(part.body_lines);
    } else if (part.content_type.type == "text") {
        out += " " + std::to_string(part.body_lines);  // body-type-text
    }
    if (ext) {
        // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc ...]]]
        out.push_back(' ');
        append_nstring(out, part.md5);
        append_common_extension(out, part);
    }
    out.push_back(')');
}

void append_body(std::string& out, const Part& part, bool ext) {
    if (part.kind == Kind::multipart && !part.children.empty())
        append_multipart(out, part, ext);
    else
        append_single(out, part, ext);
}

}  // namespace

std::string bodystructure_of(const Part& part, bool extensible) {
    std::string out;
    append_body(out, part, extensible);
    return out;
}

std::string bodystructure(const Message& message, bool extensible) {
    return bodystructure_of(message.root, extensible);
}

}  // namespace tern::mime
