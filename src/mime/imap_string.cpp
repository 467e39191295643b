#include "mime/imap_string.hpp"

namespace tern::mime {

void append_string(std::string& out, std::string_view s) {
    bool quotable = true;
    bool has_nul = false;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u == 0) has_nul = true;
        // RFC 9051 9: quoted = DQUOTE *QUOTED-CHAR DQUOTE; QUOTED-CHAR excludes CR, LF, 8-bit.
        if (u == '\r' || u == '\n' || u >= 0x80) quotable = false;
    }
    std::string clean;
    if (has_nul) {
        for (char c : s)
            if (c != '\0') clean.push_back(c);
        s = clean;
    }
    if (quotable) {
        out.push_back('"');
        for (char c : s) {
            if (c == '"' || c == '\\') out.push_back('\\');
            out.push_back(c);
        }
        out.push_back('"');
        return;
    }
    // RFC 9051 4.3: literal = "{" number "}" CRLF *CHAR8
    out += "{" + std::to_string(s.size()) + "}\r\n";
    out += s;
}

void append_nstring(std::string& out, const std::optional<std::string>& s) {
    if (!s) {
        out += "NIL";
        return;
    }
    append_string(out, *s);
}

}  // namespace tern::mime
