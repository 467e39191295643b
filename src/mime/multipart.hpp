// Finding multipart delimiter lines (RFC 2046 5.1.1) with a stack of the
// boundaries of every enclosing multipart.
//
// A delimiter line starts with "--" boundary; "--" right after it makes it
// the close delimiter (RFC 2046 5.1.1 forbids the boundary as the prefix of
// any content line, so trailing junk does not make it content). The line
// break before it belongs to the delimiter. Boundaries are tried innermost first, as mail readers
// do, so a nested part whose boundary extends an outer one ("a" and "a--")
// is read the way its author meant, and a nested multipart that lacks its
// close delimiter ends at the next delimiter of an enclosing one.
//
// RFCs: RFC 2046 5.1.1.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace tern::mime {

struct BoundaryHit {
    std::size_t line = 0;  // first byte of the delimiter line (or `end` when none)
    std::size_t next = 0;  // first byte after the delimiter line
    int level = -1;        // index into the stack of the matched boundary; -1 when none
    bool close = false;    // "--boundary--"
};

// The first delimiter line of any boundary in `stack` (innermost = last)
// starting at a line start in raw[pos, end).
BoundaryHit find_boundary(std::string_view raw, std::size_t pos, std::size_t end,
                          const std::vector<std::string_view>& stack);

// `pos` moved back over one line break (CRLF or LF), not below `floor`:
// RFC 2046 5.1.1, the CRLF preceding a delimiter line belongs to it.
std::size_t before_line_break(std::string_view raw, std::size_t pos, std::size_t floor);

}  // namespace tern::mime
