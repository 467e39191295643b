// HttpResponseReader: the HTTP/1.1 response of an MTA-STS policy fetch,
// parsed incrementally from the bytes a Stream delivers (no I/O here).
//
// Boost.Beast's response parser does the work (RFC 9112: status line,
// header fields, Content-Length, chunked and close-delimited bodies); this
// wrapper keeps Beast out of every other translation unit (STACK-NOTES:
// Beast costs ~30 s per file that includes it) and turns its errors into
// Result values. Interim 1xx responses are skipped (RFC 9110 15.2).
//
//   feed(bytes)   true once a final response is complete; Errc::limit when
//                 the body is larger than body_limit (checked against
//                 Content-Length before the body arrives, and while a chunked
//                 or close-delimited body grows), Errc::invalid for bytes
//                 that are not HTTP/1.x.
//   finish()      the peer closed: completes a close-delimited body;
//                 Errc::io when the response was cut short.
//   header_done(), status(), content_type(): valid once the header is in,
//                 so a caller can refuse a response before reading its body.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern::mtasts {

class HttpResponseReader {
  public:
    HttpResponseReader(std::size_t body_limit, std::size_t header_limit = 16 * 1024);
    ~HttpResponseReader();
    HttpResponseReader(const HttpResponseReader&) = delete;
    HttpResponseReader& operator=(const HttpResponseReader&) = delete;

    Result<bool> feed(std::string_view bytes);
    Result<bool> finish();

    bool header_done() const;
    bool done() const;
    unsigned status() const;
    std::string content_type() const;
    // The body of a complete response (moves it out).
    std::string take_body();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tern::mtasts
