#include "imap/proto/sequence_set.hpp"

#include <algorithm>

namespace tern::imap {

namespace {

// seq-number = nz-number / "*" (RFC 9051 9).
Result<std::uint32_t> parse_seq_number(std::string_view s) {
    if (s == "*") return SequenceSet::kStar;
    if (s.empty()) return fail(Errc::invalid, "Empty number in sequence set");
    if (s.front() == '0') return fail(Errc::invalid, "Sequence numbers start at 1");
    std::uint64_t n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return fail(Errc::invalid, "Invalid character in sequence set");
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
        // RFC 9051 9: nz-number is at most 4294967295.
        if (n > 0xFFFFFFFFull) return fail(Errc::invalid, "Sequence number too large");
    }
    return static_cast<std::uint32_t>(n);
}

std::string number_text(std::uint32_t n) {
    return n == SequenceSet::kStar ? std::string("*") : std::to_string(n);
}

}  // namespace

bool SequenceSet::contains(std::uint32_t n, std::uint32_t max) const {
    for (const auto& r : ranges) {
        const std::uint32_t a = r.first == kStar ? max : r.first;
        const std::uint32_t b = r.last == kStar ? max : r.last;
        if (n >= std::min(a, b) && n <= std::max(a, b)) return true;
    }
    return false;
}

std::string SequenceSet::to_string() const {
    if (saved) return "$";
    std::string out;
    for (const auto& r : ranges) {
        if (!out.empty()) out += ',';
        out += number_text(r.first);
        if (r.last != r.first) out += ':' + number_text(r.last);
    }
    return out;
}

Result<SequenceSet> parse_sequence_set(std::string_view text) {
    SequenceSet set;
    // RFC 5182 2.1: "$" stands alone for the saved result.
    if (text == "$") {
        set.saved = true;
        return set;
    }
    if (text.empty()) return fail(Errc::invalid, "Empty sequence set");
    std::size_t pos = 0;
    while (true) {
        const std::size_t comma = text.find(',', pos);
        const std::string_view item = text.substr(
            pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        const std::size_t colon = item.find(':');
        SequenceRange range;
        if (colon == std::string_view::npos) {
            auto n = parse_seq_number(item);
            if (!n) return n.failure();
            range.first = range.last = *n;
        } else {
            auto a = parse_seq_number(item.substr(0, colon));
            if (!a) return a.failure();
            auto b = parse_seq_number(item.substr(colon + 1));
            if (!b) return b.failure();
            range.first = *a;
            range.last = *b;
        }
        set.ranges.push_back(range);
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    return set;
}

}  // namespace tern::imap
