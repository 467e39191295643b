#include "imap/server/fetch_render.hpp"

#include "imap/proto/datetime.hpp"
#include "imap/proto/writer.hpp"
#include "imap/server/util.hpp"
#include "mime/bodystructure.hpp"
#include "mime/envelope.hpp"
#include "mime/message.hpp"
#include "mime/section.hpp"

namespace tern::imap {
namespace {

bool item_needs_raw(FetchAttr a) {
    switch (a) {
        case FetchAttr::flags:
        case FetchAttr::uid:
        case FetchAttr::internal_date:
        case FetchAttr::rfc822_size:
        case FetchAttr::modseq:
            return false;
        default:
            return true;
    }
}

mime::SectionSpec to_spec(const Section& s) {
    mime::SectionSpec spec;
    for (auto p : s.part)
        spec.path.push_back(p);
    switch (s.text) {
        case SectionText::none:
            spec.text = mime::SectionSpec::Text::none;
            break;
        case SectionText::header:
            spec.text = mime::SectionSpec::Text::header;
            break;
        case SectionText::header_fields:
            spec.text = mime::SectionSpec::Text::header_fields;
            break;
        case SectionText::header_fields_not:
            spec.text = mime::SectionSpec::Text::header_fields_not;
            break;
        case SectionText::text:
            spec.text = mime::SectionSpec::Text::text;
            break;
        case SectionText::mime:
            spec.text = mime::SectionSpec::Text::mime;
            break;
    }
    spec.fields = s.fields;
    return spec;
}

// RFC 9051 6.4.5: <origin.length> returns at most length octets from
// origin; an origin past the end gives an empty string.
std::string_view apply_partial(std::string_view data, const std::optional<Partial>& p) {
    if (!p) return data;
    if (p->offset >= data.size()) return {};
    return data.substr(p->offset, p->length);
}

}  // namespace

bool needs_raw(const std::vector<FetchItem>& items) {
    for (const auto& i : items)
        if (item_needs_raw(i.attr)) return true;
    return false;
}

bool sets_seen(const std::vector<FetchItem>& items) {
    for (const auto& i : items) {
        if ((i.attr == FetchAttr::body_section || i.attr == FetchAttr::binary) && !i.peek)
            return true;
        if (i.attr == FetchAttr::rfc822 || i.attr == FetchAttr::rfc822_text) return true;
    }
    return false;
}

Result<std::string> render_fetch(const std::vector<FetchItem>& items, const store::Message& m,
                                 const std::string* raw) {
    std::optional<mime::Message> parsed;
    const auto tree = [&]() -> const mime::Message& {
        if (!parsed) parsed = mime::parse(*raw);
        return *parsed;
    };
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ' ';
        if (item_needs_raw(item.attr) && !raw) return fail(Errc::io, "message unreadable");
        switch (item.attr) {
            case FetchAttr::uid:
                out += "UID " + std::to_string(m.uid);
                break;
            case FetchAttr::flags:
                out += "FLAGS " + flag_list(m.flags);
                break;
            case FetchAttr::internal_date:
                out += "INTERNALDATE " + format_date_time(to_date_time(m.internal_date));
                break;
            case FetchAttr::rfc822_size:
                out += "RFC822.SIZE " + std::to_string(m.size);
                break;
            case FetchAttr::modseq:
                out += "MODSEQ (" + std::to_string(m.modseq) + ")";
                break;
            case FetchAttr::envelope:
                out += "ENVELOPE " + mime::envelope(tree());
                break;
            case FetchAttr::body:
                out += "BODY " + mime::bodystructure(tree(), false);
                break;
            case FetchAttr::bodystructure:
                out += "BODYSTRUCTURE " + mime::bodystructure(tree(), true);
                break;
            case FetchAttr::rfc822:
                out += "RFC822 ";
                append_string(out, *raw);
                break;
            case FetchAttr::rfc822_header:
                out += "RFC822.HEADER ";
                append_string(out, std::string_view(*raw).substr(0, header_length(*raw)));
                break;
            case FetchAttr::rfc822_text:
                out += "RFC822.TEXT ";
                append_string(out, std::string_view(*raw).substr(header_length(*raw)));
                break;
            case FetchAttr::body_section: {
                auto bytes = mime::section_bytes(tree(), to_spec(item.section));
                out += response_name(item) + " ";
                if (!bytes && bytes.error().code != Errc::not_found &&
                    bytes.error().code != Errc::invalid)
                    return bytes.failure();
                append_string(out, bytes ? apply_partial(*bytes, item.partial) : "");
                break;
            }
            case FetchAttr::binary:
            case FetchAttr::binary_size: {
                std::vector<std::size_t> path(item.section.part.begin(), item.section.part.end());
                auto bytes = mime::binary_section(tree(), path);
                if (!bytes) return bytes.failure();
                out += response_name(item) + " ";
                if (item.attr == FetchAttr::binary_size)
                    out += std::to_string(bytes->size());
                else
                    append_binary(out, apply_partial(*bytes, item.partial));
                break;
            }
        }
    }
    return out;
}

}  // namespace tern::imap
