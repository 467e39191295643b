// IMAP sequence sets (RFC 9051 9 "sequence-set", RFC 3501 9): "1:*",
// "5,3:4", "7", and "$" (RFC 5182 SEARCHRES: the saved search result).
//
// Promises: parse_sequence_set() never throws; it fails with Errc::invalid
// on an empty set, a zero, a number above 4294967295 (nz-number is a 32-bit
// value, RFC 9051 9), a stray comma or colon, or "$" mixed with numbers.
// Ranges keep the order the client wrote ("4:2" is the same as "2:4",
// RFC 9051 9 seq-range); "*" is stored as kStar and resolved by the session
// against the largest number in use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace tern::imap {

struct SequenceRange {
    std::uint32_t first = 0;  // kStar for "*"
    std::uint32_t last = 0;   // == first for a single number

    bool operator==(const SequenceRange&) const = default;
};

struct SequenceSet {
    static constexpr std::uint32_t kStar = 0;

    std::vector<SequenceRange> ranges;
    bool saved = false;  // "$": the SEARCHRES saved result (RFC 5182 2.1)

    // Whether n is in the set when "*" stands for max (the largest UID or
    // message number in the mailbox). Undefined for a saved ("$") set.
    bool contains(std::uint32_t n, std::uint32_t max) const;
    std::string to_string() const;

    bool operator==(const SequenceSet&) const = default;
};

Result<SequenceSet> parse_sequence_set(std::string_view text);

}  // namespace tern::imap
