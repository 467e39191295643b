#include "mime/search_text.hpp"

#include <algorithm>

#include "mime/charset.hpp"
#include "mime/decode.hpp"
#include "mime/encoded_word.hpp"
#include "mime/message.hpp"

namespace tern::mime {
namespace {

class Builder {
  public:
    Builder(std::string_view raw, std::size_t max) : raw_(raw), max_(max) {}

    void fields(const std::vector<HeaderField>& list, std::string& out) {
        for (const auto& f : list) {
            add(out, f.name);
            add(out, ": ");
            const std::string value = decode_header_text(f.value);
            add(out, std::string_view(value).substr(
                         std::min(value.size(), value.find_first_not_of(" \t"))));
            add(out, "\n");
        }
    }

    void part(const Part& p, std::string& out) {
        if (out.size() >= max_) return;
        switch (p.kind) {
            case Kind::multipart:
                for (const auto& child : p.children)
                    part(child, out);
                return;
            case Kind::message:
                // RFC 2046 5.2.1: an enclosed message is read like the outer
                // one, so its header belongs to the body text here.
                if (!p.children.empty()) {
                    fields(p.children[0].fields, out);
                    part(p.children[0], out);
                }
                return;
            case Kind::leaf:
                break;
        }
        const std::string_view bytes = raw_.substr(p.body_offset, p.body_size);
        if (p.content_type.type != "text") {
            // An attachment is found by its name, not by its bytes.
            const std::string* name = nullptr;
            if (p.disposition) name = find_param(p.disposition->params, "filename");
            if (!name) name = find_param(p.content_type.params, "name");
            if (name) {
                add(out, *name);
                add(out, "\n");
            }
            return;
        }
        auto decoded = decode_body(p.encoding, bytes);
        const std::string body = decoded ? std::move(*decoded) : std::string(bytes);
        const std::string* charset = find_param(p.content_type.params, "charset");
        add(out, to_utf8(charset ? *charset : "us-ascii", body));
        add(out, "\n");
    }

  private:
    // Appends with CRLF as LF, up to the cap.
    void add(std::string& out, std::string_view text) {
        for (char c : text) {
            if (out.size() >= max_) return;
            if (c == '\r') continue;
            out += c;
        }
    }

    std::string_view raw_;
    std::size_t max_;
};

}  // namespace

SearchText search_text(std::string_view raw, std::size_t max_bytes) {
    const Message message = parse(raw);
    Builder b(raw, max_bytes);
    SearchText out;
    b.fields(message.root.fields, out.header);
    b.part(message.root, out.body);
    return out;
}

}  // namespace tern::mime
