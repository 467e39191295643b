// Test-only: a strict recursive-descent checker of the RFC 9051 9 (and
// RFC 3501 9) grammar for "envelope" and "body", used to prove that
// ENVELOPE and BODYSTRUCTURE output is exactly what clients will parse.
// While checking a body it records every part (its section path, octets
// and encoding) so tests can cross-check BODY[n] against BODYSTRUCTURE.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tern::mime::testing {

struct GrammarPart {
    std::string path;  // section number as FETCH BODY[path] spells it ("1", "2.1")
    std::size_t octets = 0;
    std::string encoding;  // upper case
    std::string type;      // "TEXT/PLAIN"
    bool is_message = false;
};

struct GrammarResult {
    bool ok = false;
    std::string error;  // where and why it failed
    std::vector<GrammarPart> parts;
};

// `extensible`: whether extension data is allowed (BODYSTRUCTURE) or forbidden (BODY).
GrammarResult check_body(std::string_view text, bool extensible);
GrammarResult check_envelope(std::string_view text);

}  // namespace tern::mime::testing
