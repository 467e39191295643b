// DeflateStream: a Stream decorator that compresses what is written and
// decompresses what is read, as raw DEFLATE (RFC 1951: no zlib or gzip
// wrapper, zlib windowBits -15). It is the IMAP COMPRESS=DEFLATE layer
// (RFC 4978); a session wraps its stream after the tagged OK, so with TLS
// the order is the one RFC 4978 3 asks for: compress, then encrypt.
//
// Promises:
//  - every write_all() ends with a Z_SYNC_FLUSH, so the peer can decompress
//    all of it at once and never waits for more (RFC 4978 4);
//  - a read hands out at most `size` decompressed octets and never inflates
//    ahead of the caller, so memory stays bounded by the caller's buffer
//    whatever the compression ratio (a deflate bomb is fed to the protocol's
//    own line and literal limits a piece at a time, like plain input);
//  - corrupt compressed input, or data after the end of the peer's DEFLATE
//    stream, ends reads with IoStatus::error (error() says why); never throws;
//  - trim() gives the compressor's memory back (~270 KiB) while the session
//    waits (IDLE); the next write starts a fresh compressor, which needs no
//    cooperation from the peer: new blocks simply do not refer back (as after
//    a Z_FULL_FLUSH). The decompressor keeps its 32 KiB window: the peer's
//    next data may refer to it.
// Timeouts, shutdown, wake-ups and TLS queries go to the inner stream; TLS
// cannot be started under compression (start_tls answers false).
#pragma once

#include <memory>
#include <string>

#include "base/result.hpp"
#include "net/stream.hpp"

namespace tern::net {

class DeflateStream final : public Stream {
  public:
    // Wraps `inner`, which must outlive the result. Fails only when zlib
    // cannot set up the decompressor.
    static Result<std::unique_ptr<DeflateStream>> wrap(Stream& inner);
    ~DeflateStream() override;
    DeflateStream(const DeflateStream&) = delete;
    DeflateStream& operator=(const DeflateStream&) = delete;

    Task<IoStatus> read_some(char* buf, std::size_t size, std::size_t& n,
                             bool interruptible) override;
    Task<IoStatus> write_all(std::string_view data) override;
    Task<bool> start_tls() override;
    bool tls_available() const override { return false; }
    bool tls_active() const override { return inner_.tls_active(); }
    std::optional<TlsInfo> tls_info() const override { return inner_.tls_info(); }
    void set_timeout(std::chrono::milliseconds timeout) override { inner_.set_timeout(timeout); }
    std::chrono::milliseconds timeout() const override { return inner_.timeout(); }
    bool stopping() const override { return inner_.stopping(); }
    void close() override { inner_.close(); }
    std::function<void()> waker() override { return inner_.waker(); }

    // Frees the compressor until the next write (see above).
    void trim();
    // Why the last read or write failed with IoStatus::error; empty if none.
    const std::string& error() const { return error_; }
    // Octets in and out of the compressor and decompressor so far (logs).
    std::uint64_t bytes_in_plain() const;
    std::uint64_t bytes_in_compressed() const;
    std::uint64_t bytes_out_plain() const;
    std::uint64_t bytes_out_compressed() const;

  private:
    struct Zlib;
    explicit DeflateStream(Stream& inner);

    Stream& inner_;
    std::unique_ptr<Zlib> z_;  // keeps zlib.h out of this header
    std::string error_;
};

}  // namespace tern::net
