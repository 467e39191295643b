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

bool item_needs_store(FetchAttr a) {
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

// A header section of the top-level message, which the view's header
// block can answer (RFC 9051 6.4.5 HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT).
bool top_header_section(const FetchItem& item) {
    if (item.attr == FetchAttr::rfc822_header) return true;
    if (item.attr != FetchAttr::body_section || !item.section.part.empty()) return false;
    return item.section.text == SectionText::header ||
           item.section.text == SectionText::header_fields ||
           item.section.text == SectionText::header_fields_not;
}

}  // namespace

const MessageView* MessageSource::view() {
    if (!view_read_) {
        view_read_ = true;
        if (store_) {
            auto encoded = store_->read_view(blob_);
            if (encoded) view_ = decode_view(*encoded);
        }
    }
    return view_ ? &*view_ : nullptr;
}

Result<const std::string*> MessageSource::raw() {
    if (!raw_) {
        if (!store_) return fail(Errc::io, "message unreadable");
        auto bytes = store_->read_blob(blob_);
        if (!bytes) {
            gone_ = bytes.error().code == Errc::not_found;
            return bytes.failure();
        }
        raw_ = std::move(*bytes);
    }
    return &*raw_;
}

Result<std::string_view> MessageSource::header() {
    if (const MessageView* v = view(); v && v->header_cached) return std::string_view(v->header);
    auto bytes = raw();
    if (!bytes) return bytes.failure();
    return std::string_view(**bytes).substr(0, header_length(**bytes));
}

bool any_view_item(const std::vector<FetchItem>& items) {
    for (const auto& i : items)
        if (i.attr == FetchAttr::envelope || i.attr == FetchAttr::body ||
            i.attr == FetchAttr::bodystructure || top_header_section(i))
            return true;
    return false;
}

bool needs_store(const std::vector<FetchItem>& items) {
    for (const auto& i : items)
        if (item_needs_store(i.attr)) return true;
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
                                 MessageSource* source) {
    // The whole message's tree, parsed at most once, only when the view
    // cannot answer.
    std::optional<mime::Message> parsed;
    const std::string* raw = nullptr;
    const auto tree = [&]() -> Result<const mime::Message*> {
        if (!parsed) {
            auto bytes = source->raw();
            if (!bytes) return bytes.failure();
            raw = *bytes;
            parsed = mime::parse(*raw);
        }
        return &*parsed;
    };
    // The top-level header alone, as a message of its own.
    std::optional<mime::Message> header_tree;
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ' ';
        if (item_needs_store(item.attr) && !source) return fail(Errc::io, "message unreadable");
        const MessageView* view = item_needs_store(item.attr) ? source->view() : nullptr;
        if (top_header_section(item) && view && view->header_cached) {
            if (item.attr == FetchAttr::rfc822_header) {
                out += "RFC822.HEADER ";
                append_string(out, view->header);
                continue;
            }
            if (!header_tree) header_tree = mime::parse(view->header);
            auto bytes = mime::section_bytes(*header_tree, to_spec(item.section));
            out += response_name(item) + " ";
            append_string(out, bytes ? apply_partial(*bytes, item.partial) : "");
            continue;
        }
        switch (item.attr) {
            case FetchAttr::uid:
                out += "UID " + std::to_string(m.uid);
                continue;
            case FetchAttr::flags:
                out += "FLAGS " + flag_list(m.flags);
                continue;
            case FetchAttr::internal_date:
                out += "INTERNALDATE " + format_date_time(to_date_time(m.internal_date));
                continue;
            case FetchAttr::rfc822_size:
                out += "RFC822.SIZE " + std::to_string(m.size);
                continue;
            case FetchAttr::modseq:
                out += "MODSEQ (" + std::to_string(m.modseq) + ")";
                continue;
            case FetchAttr::envelope:
                if (view) {
                    out += "ENVELOPE " + view->envelope;
                    continue;
                }
                break;
            case FetchAttr::body:
                if (view) {
                    out += "BODY " + view->body;
                    continue;
                }
                break;
            case FetchAttr::bodystructure:
                if (view) {
                    out += "BODYSTRUCTURE " + view->bodystructure;
                    continue;
                }
                break;
            default:
                break;
        }
        auto t = tree();
        if (!t) return t.failure();
        const mime::Message& msg = **t;
        switch (item.attr) {
            case FetchAttr::envelope:
                out += "ENVELOPE " + mime::envelope(msg);
                break;
            case FetchAttr::body:
                out += "BODY " + mime::bodystructure(msg, false);
                break;
            case FetchAttr::bodystructure:
                out += "BODYSTRUCTURE " + mime::bodystructure(msg, true);
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
                auto bytes = mime::section_bytes(msg, to_spec(item.section));
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
                auto bytes = mime::binary_section(msg, path);
                if (!bytes) return bytes.failure();
                out += response_name(item) + " ";
                if (item.attr == FetchAttr::binary_size)
                    out += std::to_string(bytes->size());
                else
                    append_binary(out, apply_partial(*bytes, item.partial));
                break;
            }
            default:
                return fail(Errc::internal, "fetch item not rendered");
        }
    }
    return out;
}

}  // namespace tern::imap
