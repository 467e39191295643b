#include "mailauth/results/remover.hpp"

#include <cstdint>

#include "base/strings.hpp"
#include "mime/header.hpp"

namespace tern::mailauth::results {
namespace {

bool is_fws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// RFC 5322 3.2.2 CFWS: whitespace, folding and nested comments with
// quoted-pairs. Returns false on an unterminated comment.
bool skip_cfws(std::string_view s, std::size_t& i) {
    while (i < s.size()) {
        if (is_fws(s[i])) {
            ++i;
        } else if (s[i] == '(') {
            int depth = 0;
            do {
                if (i >= s.size()) return false;
                const char c = s[i++];
                if (c == '\\') {
                    ++i;
                } else if (c == '(') {
                    ++depth;
                } else if (c == ')') {
                    --depth;
                }
            } while (depth > 0);
        } else {
            break;
        }
    }
    return true;
}

// RFC 2045 5.1 tspecials end a token.
bool is_token_char(char c) {
    if (c <= 0x20 || c >= 0x7f) return false;
    return std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

}  // namespace

std::optional<std::string> authserv_id_of(std::string_view value) {
    std::size_t i = 0;
    if (!skip_cfws(value, i) || i >= value.size()) return std::nullopt;
    std::string id;
    if (value[i] == '"') {
        // RFC 5322 3.2.4 quoted-string; folding inside it is removed.
        for (++i; i < value.size() && value[i] != '"'; ++i) {
            if (value[i] == '\\' && i + 1 < value.size()) ++i;
            if (value[i] != '\r' && value[i] != '\n') id.push_back(value[i]);
        }
        if (i >= value.size()) return std::nullopt;
        ++i;
    } else {
        // The authserv-id is a domain in practice, and so a token; a '.' is
        // a token character, so "mx.example.org" reads whole.
        while (i < value.size() && is_token_char(value[i]))
            id.push_back(value[i++]);
    }
    if (id.empty()) return std::nullopt;
    // RFC 8601 2.2: the id is followed by CFWS, a version, or ";".
    if (i < value.size() && !is_fws(value[i]) && value[i] != ';' && value[i] != '(')
        return std::nullopt;
    return id;
}

Removal remove_own_results(std::string_view message, std::string_view authserv_id) {
    Removal out;
    // No field limit: a forged field must not hide behind many others.
    const mime::HeaderBlock header = mime::parse_header(message, 0, message.size(), SIZE_MAX);
    out.message.reserve(message.size());
    std::size_t copied = 0;
    for (const mime::HeaderField& field : header.fields) {
        if (!iequals(field.name, "Authentication-Results")) continue;
        auto id = authserv_id_of(field.value);
        // RFC 8601 5: remove the fields that claim to be ours.
        if (!id || !iequals(*id, authserv_id)) continue;
        out.message.append(message.substr(copied, field.offset - copied));
        copied = field.offset + field.size;
        ++out.removed;
    }
    out.message.append(message.substr(copied));
    return out;
}

}  // namespace tern::mailauth::results
