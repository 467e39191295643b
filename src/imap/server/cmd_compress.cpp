// COMPRESS (RFC 4978): DEFLATE both ways for the rest of the session.
//
// Check, then proceed (STYLE.md 5): compression already on answers
// "NO [COMPRESSIONACTIVE]"; a mechanism other than DEFLATE answers BAD; the
// state rule (authenticated or selected) is the command table's. Then the
// tagged OK goes out uncompressed and everything after its CRLF, both ways,
// is raw DEFLATE through a net::DeflateStream wrapped around the session's
// stream, which is the TLS stream when TLS is on: compression sits inside
// TLS, as RFC 4978 3 orders the layers.
#include "base/log.hpp"
#include "imap/server/session.hpp"
#include "imap/server/util.hpp"

namespace tern::imap {

net::Task<void> Session::cmd_compress(const Command& c) {
    const auto& args = std::get<CompressArgs>(c.args);
    if (deflate_) {
        // RFC 4978 3: the same mechanism is active already: NO with
        // COMPRESSIONACTIVE, and the text says which layer compresses.
        no(c, "DEFLATE compression is already active in IMAP",
           ResponseCode{"COMPRESSIONACTIVE", ""});
        co_return;
    }
    if (args.mechanism != "DEFLATE") {
        // RFC 4978 3: BAD for an invalid or unknown argument.
        bad(c, "unknown compression mechanism (only DEFLATE is offered)");
        co_return;
    }
    auto wrapped = net::DeflateStream::wrap(*stream_);
    if (!wrapped) {
        log::warn("imap.compress_failed")
            .kv("sid", conn_.session_id)
            .kv("error", wrapped.error().message);
        no(c, "compression is not available now");
        co_return;
    }
    ok(c, "DEFLATE active");
    // RFC 4978 3: the server compresses from right after the CRLF that ends
    // the tagged OK; the OK itself is plain.
    if (!co_await flush()) {
        state_ = State::logout;
        co_return;
    }
    // RFC 4978 3: the client sends nothing between COMPRESS and our answer.
    // Whatever it did send was framed as plain text; it cannot be replayed
    // through the decompressor, so it is dropped, as after STARTTLS.
    reader_ = std::make_unique<CommandReader>(reader_limits(*config_));
    deflate_ = std::move(*wrapped);
    stream_ = deflate_.get();
    log::info("imap.compress")
        .kv("sid", conn_.session_id)
        .kv("mechanism", "DEFLATE")
        .kv("tls", stream().tls_active());
}

}  // namespace tern::imap
