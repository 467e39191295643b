#include "smtp/client/message_body.hpp"

namespace tern::smtp::client {

BodyParts body_parts(std::string_view message) {
    if (message.empty()) return {};
    if (message.ends_with("\r\n")) return {message, ""};
    if (message.back() == '\n') return {message.substr(0, message.size() - 1), "\r\n"};
    return {message, "\r\n"};
}

void dot_stuff_append(std::string_view piece, bool& at_line_start, std::string& out) {
    out.reserve(out.size() + piece.size() + piece.size() / 64);
    for (char c : piece) {
        // RFC 5321 4.5.2: a line starting with "." gets one more. A bare LF is
        // a line start too for receivers that accept it, so stuff after it.
        if (at_line_start && c == '.') out += '.';
        out += c;
        at_line_start = c == '\n';
    }
}

bool safe_path(std::string_view address) {
    for (char c : address) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '<' || c == '>') return false;
    }
    return true;
}

}  // namespace tern::smtp::client
