// What IMAP keeps of each message when it is stored (issue: "computed once
// at delivery and kept"): the header block, ENVELOPE, BODY and
// BODYSTRUCTURE, so FETCH of structure and headers, SORT, THREAD and
// SEARCH on header fields never read or reparse the whole message.
//
// The store treats the encoded view as opaque bytes (store.hpp Derivers);
// store_derivers() gives the store both the view and the full-text index
// text (mime/search_text.hpp). A view decodes only if it has this format's
// version: an older or damaged one reads as "no view" and the message is
// parsed as before.
//
// A header block larger than kMaxHeaderBlock is not kept (header_cached is
// false): such messages are read whole when their header is needed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace tern::imap {

inline constexpr std::size_t kMaxHeaderBlock = 256u << 10;

struct MessageView {
    bool header_cached = false;
    std::string header;         // the top-level header, separator line included
    std::string envelope;       // RFC 9051 7.5.2 envelope
    std::string body;           // BODY (no extension data)
    std::string bodystructure;  // BODYSTRUCTURE
};

MessageView make_view(std::string_view raw);
std::string encode_view(const MessageView& view);
std::optional<MessageView> decode_view(std::string_view encoded);

// The derivers the server opens its store with.
store::Derivers store_derivers();

}  // namespace tern::imap
