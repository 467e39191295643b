// Test-only: the client's side of RFC 4978 COMPRESS=DEFLATE, written
// directly against zlib (raw DEFLATE, windowBits -15) so the tests check the
// server against an independent implementation of the other end.
#pragma once

#include <zlib.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace tern::imap::test {

class DeflatePeer {
  public:
    DeflatePeer() {
        if (deflateInit2(&out_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
                Z_OK ||
            inflateInit2(&in_, -15) != Z_OK)
            throw std::runtime_error("zlib init");
    }
    ~DeflatePeer() {
        deflateEnd(&out_);
        inflateEnd(&in_);
    }
    DeflatePeer(const DeflatePeer&) = delete;
    DeflatePeer& operator=(const DeflatePeer&) = delete;

    // Compresses `plain`, ending with `flush` (Z_SYNC_FLUSH as a client that
    // waits for an answer; Z_FINISH ends the stream).
    std::string compress(std::string_view plain, int flush = Z_SYNC_FLUSH) {
        std::string out;
        out_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
        out_.avail_in = static_cast<uInt>(plain.size());
        char buf[16384];
        do {
            out_.next_out = reinterpret_cast<Bytef*>(buf);
            out_.avail_out = sizeof buf;
            if (deflate(&out_, flush) == Z_STREAM_ERROR) throw std::runtime_error("deflate");
            out.append(buf, sizeof buf - out_.avail_out);
        } while (out_.avail_out == 0 || out_.avail_in > 0);
        return out;
    }

    // Decompresses what the server sent; `corrupt`, when given, says whether
    // zlib rejected it.
    std::string decompress(std::string_view compressed, bool* corrupt = nullptr) {
        std::string out;
        in_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
        in_.avail_in = static_cast<uInt>(compressed.size());
        char buf[16384];
        int rc = Z_OK;
        do {
            in_.next_out = reinterpret_cast<Bytef*>(buf);
            in_.avail_out = sizeof buf;
            rc = inflate(&in_, Z_SYNC_FLUSH);
            out.append(buf, sizeof buf - in_.avail_out);
        } while (rc == Z_OK && (in_.avail_out == 0 || in_.avail_in > 0));
        if (corrupt) *corrupt = rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END;
        return out;
    }

  private:
    z_stream out_{};
    z_stream in_{};
};

// RFC 1951 3.2.4 / zlib: a Z_SYNC_FLUSH ends with an empty stored block,
// whose LEN and NLEN are these four octets.
inline bool ends_with_sync_flush(std::string_view compressed) {
    return compressed.size() >= 4 &&
           compressed.substr(compressed.size() - 4) == std::string_view("\x00\x00\xff\xff", 4);
}

}  // namespace tern::imap::test
