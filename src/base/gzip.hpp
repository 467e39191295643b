// gzip (RFC 1952) with zlib: DMARC aggregate reports travel gzipped
// (RFC 7489 7.2.1.1), and tests unpack them.
//
// gzip() never fails on its input (zlib only fails on memory exhaustion,
// which aborts like any allocation). gunzip() takes untrusted bytes: a
// corrupt or truncated stream is Errc::invalid, output beyond `limit`
// bytes is Errc::limit (a decompression bomb stops there).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace tern {

std::string gzip(std::string_view data);
Result<std::string> gunzip(std::string_view data, std::size_t limit);

}  // namespace tern
