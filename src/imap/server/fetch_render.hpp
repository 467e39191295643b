// FETCH response data for one message (RFC 9051 7.5.2, RFC 3501 7.4.2):
// the text inside "* n FETCH (...)" for the items requested, in their order.
//
// Metadata items (UID, FLAGS, INTERNALDATE, RFC822.SIZE, MODSEQ) come from
// the store's Message; the rest from the raw bytes through the mime library:
// ENVELOPE, BODY, BODYSTRUCTURE, BODY[section]<partial> (RFC822,
// RFC822.HEADER, RFC822.TEXT are BODY[], BODY.PEEK[HEADER], BODY[TEXT]),
// BINARY[part]<partial> and BINARY.SIZE (RFC 3516).
//
// Errors: Errc::not_found for a part number the message does not have is
// answered as an empty string (RFC 9051 6.4.5 leaves it to the server;
// clients cope with "" better than NO); Errc::invalid from BINARY for an
// encoding that cannot be decoded (the session answers NO [UNKNOWN-CTE],
// RFC 3516 4.3).
//
// Structure items (ENVELOPE, BODY, BODYSTRUCTURE) and the top-level header
// sections (RFC822.HEADER, BODY[HEADER], BODY[HEADER.FIELDS ...]) come from
// the message's stored view (message_view.hpp) when it has one; everything
// else, and messages without a view, from the raw bytes. Both give the same
// bytes (message_view_test checks this over the MIME corpus).
//
// needs_store() tells whether the store must be read at all; sets_seen()
// whether the items set \Seen (every BODY[...]/BINARY[...] without .PEEK,
// RFC822 and RFC822.TEXT: RFC 9051 6.4.5).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "imap/proto/fetch_items.hpp"
#include "imap/server/message_view.hpp"
#include "store/store.hpp"

namespace tern::imap {

bool needs_store(const std::vector<FetchItem>& items);
// Whether some item can be answered from a message's view.
bool any_view_item(const std::vector<FetchItem>& items);
bool sets_seen(const std::vector<FetchItem>& items);

// One message's view and bytes, each read from the store at most once and
// only when asked for. Blocking: use on a worker thread.
class MessageSource {
  public:
    MessageSource(store::MessageStore& store, store::BlobId blob) : store_(&store), blob_(blob) {}
    // With the encoded view read already (store.read_views; empty: none).
    MessageSource(store::MessageStore& store, store::BlobId blob, std::string_view encoded_view)
        : store_(&store), blob_(blob), view_(decode_view(encoded_view)), view_read_(true) {}
    // For tests and callers that hold the bytes already (no store).
    explicit MessageSource(std::string raw, std::optional<MessageView> view = std::nullopt)
        : view_(std::move(view)), view_read_(true), raw_(std::move(raw)) {}

    const MessageView* view();  // nullptr when the message has none
    Result<const std::string*> raw();
    // The top-level header block, from the view or the bytes.
    Result<std::string_view> header();
    // The bytes were asked for and are gone: another session expunged the
    // message (RFC 2180 4.1) after this one last heard of its mailbox.
    bool gone() const { return gone_; }

  private:
    store::MessageStore* store_ = nullptr;
    store::BlobId blob_ = 0;
    std::optional<MessageView> view_;
    bool view_read_ = false;
    std::optional<std::string> raw_;
    bool gone_ = false;
};

// source may be null when needs_store() is false.
Result<std::string> render_fetch(const std::vector<FetchItem>& items, const store::Message& m,
                                 MessageSource* source);

}  // namespace tern::imap
