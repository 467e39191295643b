#include "mailauth/dkim/canonical.hpp"

#include "base/strings.hpp"

namespace tern::mailauth::dkim {

namespace {

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

}  // namespace

std::string to_crlf(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 32);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) out.push_back('\r');
        out.push_back(bytes[i]);
    }
    return out;
}

Message split_message(std::string_view bytes) {
    const std::string text = to_crlf(bytes);
    Message message;
    std::size_t i = 0;
    while (i < text.size()) {
        // RFC 5322 2.2: the header section ends at the first empty line.
        if (text.compare(i, 2, "\r\n") == 0) {
            message.body = text.substr(i + 2);
            return message;
        }
        std::size_t end = i;
        // A field runs to the CRLF not followed by WSP (RFC 5322 2.2.3).
        while (true) {
            const std::size_t crlf = text.find("\r\n", end);
            if (crlf == std::string::npos) {
                end = text.size();
                break;
            }
            end = crlf + 2;
            if (end >= text.size() || !is_wsp(text[end])) break;
        }
        HeaderField field;
        field.raw = text.substr(i, end - i);
        if (field.raw.size() < 2 || field.raw.compare(field.raw.size() - 2, 2, "\r\n") != 0) {
            field.raw += "\r\n";  // the last line of a message without body
        }
        const std::size_t colon = field.raw.find(':');
        field.name = std::string(
            trim(std::string_view(field.raw).substr(0, colon == std::string::npos ? 0 : colon)));
        message.headers.push_back(std::move(field));
        i = end;
    }
    return message;
}

std::string canonicalize_header(const HeaderField& field, Canon canon) {
    // RFC 6376 3.4.1: "simple" changes nothing.
    if (canon == Canon::simple) return field.raw;
    // RFC 6376 3.4.2: lowercase the name, unfold, collapse WSP runs to one
    // SP, drop WSP at the end of the value and around the colon.
    const std::size_t colon = field.raw.find(':');
    if (colon == std::string::npos) return to_lower(trim(field.raw)) + "\r\n";
    std::string out = to_lower(trim(std::string_view(field.raw).substr(0, colon)));
    out += ':';
    std::string_view value = std::string_view(field.raw).substr(colon + 1);
    std::string collapsed;
    bool pending_space = false;
    for (char c : value) {
        if (c == '\r' || c == '\n') continue;  // unfolding
        if (is_wsp(c)) {
            pending_space = true;
            continue;
        }
        if (pending_space && !collapsed.empty()) collapsed += ' ';
        pending_space = false;
        collapsed += c;
    }
    out += collapsed;
    out += "\r\n";
    return out;
}

std::string canonicalize_body(std::string_view body, Canon canon) {
    std::string out;
    out.reserve(body.size() + 2);
    if (canon == Canon::simple) {
        out.assign(body);
    } else {
        // RFC 6376 3.4.4: drop WSP at line ends, collapse WSP runs to one SP.
        std::size_t i = 0;
        while (i < body.size()) {
            std::size_t eol = body.find("\r\n", i);
            const bool has_crlf = eol != std::string_view::npos;
            if (!has_crlf) eol = body.size();
            std::string_view line = body.substr(i, eol - i);
            bool pending_space = false;
            for (char c : line) {
                if (is_wsp(c)) {
                    pending_space = true;
                    continue;
                }
                if (pending_space) out += ' ';
                pending_space = false;
                out += c;
            }
            if (has_crlf) out += "\r\n";
            i = has_crlf ? eol + 2 : eol;
        }
    }
    // Both: remove empty lines at the end; a non-empty body ends in CRLF.
    while (out.size() >= 4 && out.compare(out.size() - 4, 4, "\r\n\r\n") == 0)
        out.resize(out.size() - 2);
    if (out == "\r\n") out.clear();
    if (!out.empty() &&
        out.compare(out.size() - std::min<std::size_t>(2, out.size()), 2, "\r\n") != 0) {
        out += "\r\n";
    }
    // RFC 6376 3.4.3: an empty body is a single CRLF for "simple"; for
    // "relaxed" it stays empty (3.4.4, as corrected by erratum 3.4.4 / 3.4.3).
    if (out.empty() && canon == Canon::simple) out = "\r\n";
    return out;
}

std::vector<const HeaderField*> select_headers(const Message& message,
                                               const std::vector<std::string>& names) {
    std::vector<const HeaderField*> selected;
    std::vector<bool> used(message.headers.size(), false);
    for (const auto& name : names) {
        for (std::size_t k = message.headers.size(); k-- > 0;) {
            if (!used[k] && iequals(message.headers[k].name, name)) {
                used[k] = true;
                selected.push_back(&message.headers[k]);
                break;
            }
        }
    }
    return selected;
}

std::string header_hash_input(const Message& message, const std::vector<std::string>& names,
                              Canon canon, std::string_view signature_field) {
    std::string out;
    for (const HeaderField* field : select_headers(message, names)) {
        out += canonicalize_header(*field, canon);
    }
    HeaderField self;
    self.raw = std::string(signature_field);
    std::string last = canonicalize_header(self, canon);
    while (!last.empty() && (last.back() == '\n' || last.back() == '\r'))
        last.pop_back();
    out += last;
    return out;
}

}  // namespace tern::mailauth::dkim
