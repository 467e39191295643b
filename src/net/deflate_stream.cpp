#include "net/deflate_stream.hpp"

#include <zlib.h>

#include <algorithm>
#include <vector>

namespace tern::net {
namespace {
// RFC 4978 4: raw DEFLATE; a negative windowBits tells zlib "no header".
// The decompressor must take the largest window a peer may use (32 KiB).
constexpr int kWindowBits = -15;
constexpr int kMemLevel = 8;
// Compressed octets read from the inner stream at a time.
constexpr std::size_t kInputChunk = 4096;
// Compressed octets handed to the inner stream at a time.
constexpr std::size_t kOutputChunk = 16 * 1024;
}  // namespace

struct DeflateStream::Zlib {
    z_stream in{};   // the peer's data, decompressed
    z_stream out{};  // our data, compressed
    bool in_ready = false;
    bool out_ready = false;
    bool in_ended = false;             // the peer finished its DEFLATE stream
    bool in_has_more = false;          // the last inflate filled the buffer: more may be waiting
    std::vector<unsigned char> input;  // compressed octets not yet inflated
    std::uint64_t out_plain = 0;
    std::uint64_t out_compressed = 0;

    ~Zlib() {
        if (in_ready) inflateEnd(&in);
        if (out_ready) deflateEnd(&out);
    }
};

DeflateStream::DeflateStream(Stream& inner) : inner_(inner), z_(std::make_unique<Zlib>()) {}

DeflateStream::~DeflateStream() = default;

Result<std::unique_ptr<DeflateStream>> DeflateStream::wrap(Stream& inner) {
    std::unique_ptr<DeflateStream> s(new DeflateStream(inner));
    if (inflateInit2(&s->z_->in, kWindowBits) != Z_OK)
        return fail(Errc::io, "cannot set up the DEFLATE decompressor");
    s->z_->in_ready = true;
    return s;
}

void DeflateStream::trim() {
    if (!z_->out_ready) return;
    // Ends the compressor without Z_FINISH: the peer's decompressor never
    // sees a final block, and the next compressor's blocks follow on.
    deflateEnd(&z_->out);
    z_->out = z_stream{};
    z_->out_ready = false;
}

std::uint64_t DeflateStream::bytes_in_plain() const {
    return z_->in.total_out;
}
std::uint64_t DeflateStream::bytes_in_compressed() const {
    return z_->in.total_in;
}
std::uint64_t DeflateStream::bytes_out_plain() const {
    return z_->out_plain;
}
std::uint64_t DeflateStream::bytes_out_compressed() const {
    return z_->out_compressed;
}

Task<IoStatus> DeflateStream::read_some(char* buf, std::size_t size, std::size_t& n,
                                        bool interruptible) {
    n = 0;
    if (!error_.empty()) co_return IoStatus::error;
    if (size == 0) co_return IoStatus::ok;
    z_stream& zs = z_->in;
    for (;;) {
        if (zs.avail_in > 0 || z_->in_has_more) {
            // Inflate straight into the caller's buffer: never more than it
            // asked for, whatever the ratio.
            zs.next_out = reinterpret_cast<unsigned char*>(buf);
            zs.avail_out = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
            const uInt room = zs.avail_out;
            const int rc = inflate(&zs, Z_SYNC_FLUSH);
            n = room - zs.avail_out;
            z_->in_has_more = zs.avail_out == 0;
            if (rc == Z_STREAM_END) {
                // RFC 4978 has no way to end compression: a final block
                // means the peer is done; anything after it is an error.
                z_->in_ended = true;
                z_->in_has_more = false;
                if (zs.avail_in > 0) error_ = "data after the end of the DEFLATE stream";
            } else if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_MEM_ERROR ||
                       rc == Z_STREAM_ERROR) {
                error_ = std::string("corrupt DEFLATE data: ") + (zs.msg ? zs.msg : "unknown");
                n = 0;
                co_return IoStatus::error;
            }
            // Z_BUF_ERROR only says no progress was possible: read more.
            if (n > 0) co_return IoStatus::ok;
            if (!error_.empty()) co_return IoStatus::error;
        }
        if (z_->in_ended) co_return IoStatus::eof;
        if (z_->input.size() < kInputChunk) z_->input.resize(kInputChunk);
        std::size_t got = 0;
        const IoStatus st = co_await inner_.read_some(reinterpret_cast<char*>(z_->input.data()),
                                                      z_->input.size(), got, interruptible);
        if (st != IoStatus::ok) co_return st;
        zs.next_in = z_->input.data();
        zs.avail_in = static_cast<uInt>(got);
    }
}

Task<IoStatus> DeflateStream::write_all(std::string_view data) {
    if (!error_.empty()) co_return IoStatus::error;
    if (data.empty()) co_return IoStatus::ok;
    z_stream& zs = z_->out;
    if (!z_->out_ready) {
        if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kWindowBits, kMemLevel,
                         Z_DEFAULT_STRATEGY) != Z_OK) {
            error_ = "cannot set up the DEFLATE compressor";
            co_return IoStatus::error;
        }
        z_->out_ready = true;
    }
    // Freed when the write ends: a session waiting for its client keeps no
    // output buffer.
    std::string chunk(kOutputChunk, '\0');
    std::size_t offset = 0;
    bool more = true;
    while (more) {
        // zlib counts in uInt: feed very large responses a slice at a time.
        if (zs.avail_in == 0 && offset < data.size()) {
            const std::size_t slice = std::min<std::size_t>(data.size() - offset, 1u << 30);
            zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + offset));
            zs.avail_in = static_cast<uInt>(slice);
            offset += slice;
        }
        const bool last_slice = offset == data.size();
        zs.next_out = reinterpret_cast<unsigned char*>(chunk.data());
        zs.avail_out = static_cast<uInt>(chunk.size());
        // RFC 4978 4: flush at the end of every write so the client can
        // decompress the whole response without waiting for more.
        const int rc = deflate(&zs, last_slice ? Z_SYNC_FLUSH : Z_NO_FLUSH);
        if (rc == Z_STREAM_ERROR) {
            error_ = "DEFLATE compressor failed";
            co_return IoStatus::error;
        }
        const std::size_t have = chunk.size() - zs.avail_out;
        if (have > 0) {
            z_->out_compressed += have;
            const IoStatus st = co_await inner_.write_all(std::string_view(chunk.data(), have));
            if (st != IoStatus::ok) co_return st;
        }
        // With room left over, zlib took all the input (and flushed it).
        more = zs.avail_out == 0 || zs.avail_in > 0 || !last_slice;
    }
    z_->out_plain += data.size();
    co_return IoStatus::ok;
}

Task<bool> DeflateStream::start_tls() {
    // RFC 4978 3: TLS goes below compression, so it must come first.
    co_return false;
}

}  // namespace tern::net
