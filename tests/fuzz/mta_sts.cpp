// libFuzzer target for MTA-STS (RFC 8461; STYLE.md 3): any bytes, read as
//   - a policy body: parse to a Policy or a clean error; a parsed policy
//     has a known mode, max_age within the RFC 8461 3.2 limit, and at least
//     one mx pattern unless its mode is none;
//   - TXT records (split at NUL bytes): an id, when found, is 1 to 32
//     letters and digits (RFC 8461 3.1);
//   - an HTTP response, fed whole and then in small pieces: both ways end
//     the same (same status, same completion), and a body never exceeds the
//     limit.
// Built by `make fuzz` (tests/fuzz/CMakeLists.txt).
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/http_response.hpp"
#include "mtasts/policy.hpp"

namespace mtasts = tern::mtasts;

namespace {

constexpr std::size_t kBodyLimit = 1024;

void check_policy(std::string_view text) {
    auto p = mtasts::parse_policy(text);
    if (!p) return;
    if (p->max_age > mtasts::kMaxAgeLimit) std::abort();
    if (p->mode != mtasts::Policy::Mode::none && p->mx.empty()) std::abort();
    for (const auto& pattern : p->mx) {
        (void)p->allows(pattern);
        (void)mtasts::mx_matches(pattern, text.substr(0, 64));
    }
}

void check_txt(std::string_view text) {
    std::vector<std::string> records;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '\0') {
            records.emplace_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    auto id = mtasts::parse_sts_txt(records);
    if (!id) return;
    if (id->empty() || id->size() > 32) std::abort();
    for (char c : *id)
        if (!std::isalnum(static_cast<unsigned char>(c))) std::abort();
}

struct Ending {
    bool ok = false;
    bool done = false;
    unsigned status = 0;
    std::size_t body = 0;
};

Ending read_response(std::string_view bytes, std::size_t piece) {
    mtasts::HttpResponseReader reader(kBodyLimit);
    Ending e;
    std::size_t at = 0;
    while (at < bytes.size()) {
        auto r = reader.feed(bytes.substr(at, piece));
        at += piece;
        if (!r) return e;
        if (*r) break;
    }
    if (!reader.done()) {
        auto r = reader.finish();
        if (!r) return e;
    }
    e.ok = true;
    e.done = reader.done();
    e.status = e.done ? reader.status() : 0;
    if (e.done) e.body = reader.take_body().size();
    if (e.body > kBodyLimit) std::abort();
    return e;
}

void check_http(std::string_view bytes) {
    Ending whole = read_response(bytes, bytes.size() + 1);
    Ending pieces = read_response(bytes, 3);
    if (whole.ok && pieces.ok &&
        (whole.done != pieces.done || whole.status != pieces.status || whole.body != pieces.body))
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    check_policy(text);
    check_txt(text);
    check_http(text);
    return 0;
}
