#include "base/gzip.hpp"

#include <zlib.h>

#include <climits>
#include <cstdlib>

namespace tern {

namespace {
// windowBits 15 + 16: a gzip wrapper rather than zlib's (zlib.h, deflateInit2).
constexpr int kGzipWindow = 15 + 16;
constexpr std::size_t kChunk = 64 * 1024;
}  // namespace

std::string gzip(std::string_view data) {
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindow, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        std::abort();  // only on memory exhaustion
    std::string out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    std::size_t left = data.size();
    int flush = Z_NO_FLUSH;
    do {
        // avail_in is 32 bits: feed large inputs in slices.
        if (z.avail_in == 0 && flush != Z_FINISH) {
            uInt take = static_cast<uInt>(std::min<std::size_t>(left, UINT_MAX / 2));
            z.avail_in = take;
            left -= take;
            if (left == 0) flush = Z_FINISH;
        }
        std::size_t at = out.size();
        out.resize(at + kChunk);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
        z.avail_out = static_cast<uInt>(kChunk);
        deflate(&z, flush);
        out.resize(out.size() - z.avail_out);
    } while (!(flush == Z_FINISH && z.avail_out != 0));
    deflateEnd(&z);
    return out;
}

Result<std::string> gunzip(std::string_view data, std::size_t limit) {
    z_stream z{};
    if (inflateInit2(&z, kGzipWindow) != Z_OK) return fail(Errc::internal, "zlib init failed");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(std::min<std::size_t>(data.size(), UINT_MAX / 2));
    std::string out;
    int rc = Z_OK;
    while (rc == Z_OK) {
        std::size_t at = out.size();
        if (at >= limit + 1) break;
        out.resize(at + kChunk);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
        z.avail_out = static_cast<uInt>(kChunk);
        rc = inflate(&z, Z_NO_FLUSH);
        out.resize(out.size() - z.avail_out);
        if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // truncated input
    }
    inflateEnd(&z);
    if (out.size() > limit) return fail(Errc::limit, "gzip data expands beyond the limit");
    if (rc != Z_STREAM_END) return fail(Errc::invalid, "not a complete gzip stream");
    return out;
}

}  // namespace tern
