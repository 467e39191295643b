#include "imap/server/message_view.hpp"

#include <charconv>

#include "imap/server/util.hpp"
#include "mime/bodystructure.hpp"
#include "mime/envelope.hpp"
#include "mime/message.hpp"
#include "mime/search_text.hpp"

namespace tern::imap {
namespace {

// "IV1" then the header flag, then each field as <decimal length>":"<bytes>.
constexpr std::string_view kMagic = "IV1";

void put(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
}

bool take(std::string_view& in, std::string& field) {
    const auto colon = in.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(in.data(), in.data() + colon, n);
    if (ec != std::errc() || end != in.data() + colon) return false;
    in.remove_prefix(colon + 1);
    if (n > in.size()) return false;
    field.assign(in.substr(0, n));
    in.remove_prefix(n);
    return true;
}

}  // namespace

MessageView make_view(std::string_view raw) {
    MessageView v;
    const std::size_t header = header_length(raw);
    if (header <= kMaxHeaderBlock) {
        v.header_cached = true;
        v.header.assign(raw.substr(0, header));
    }
    const mime::Message tree = mime::parse(raw);
    v.envelope = mime::envelope(tree);
    v.body = mime::bodystructure(tree, false);
    v.bodystructure = mime::bodystructure(tree, true);
    return v;
}

std::string encode_view(const MessageView& v) {
    std::string out(kMagic);
    out += v.header_cached ? '1' : '0';
    put(out, v.header);
    put(out, v.envelope);
    put(out, v.body);
    put(out, v.bodystructure);
    return out;
}

std::optional<MessageView> decode_view(std::string_view in) {
    if (!in.starts_with(kMagic) || in.size() < kMagic.size() + 1) return std::nullopt;
    in.remove_prefix(kMagic.size());
    MessageView v;
    if (in[0] != '0' && in[0] != '1') return std::nullopt;
    v.header_cached = in[0] == '1';
    in.remove_prefix(1);
    if (!take(in, v.header) || !take(in, v.envelope) || !take(in, v.body) ||
        !take(in, v.bodystructure) || !in.empty())
        return std::nullopt;
    return v;
}

store::Derivers store_derivers() {
    store::Derivers d;
    d.view = [](std::string_view raw) { return encode_view(make_view(raw)); };
    d.text = [](std::string_view raw) {
        mime::SearchText t = mime::search_text(raw);
        return store::IndexText{std::move(t.header), std::move(t.body)};
    };
    return d;
}

}  // namespace tern::imap
