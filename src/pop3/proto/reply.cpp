#include "pop3/proto/reply.hpp"

namespace tern::pop3 {
namespace {

// Appends `text` with control characters replaced, keeping the line within
// kMaxReplyLine octets (the CRLF included).
void append_text(std::string& out, std::string_view text) {
    const std::size_t room = kMaxReplyLine - 2;
    for (char c : text) {
        if (out.size() >= room) break;
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
    }
    out += "\r\n";
}

}  // namespace

std::string_view to_string(RespCode code) {
    switch (code) {
        case RespCode::none:
            return "";
        case RespCode::in_use:
            return "IN-USE";
        case RespCode::login_delay:
            return "LOGIN-DELAY";
        case RespCode::sys_temp:
            return "SYS/TEMP";
        case RespCode::sys_perm:
            return "SYS/PERM";
        case RespCode::auth:
            return "AUTH";
    }
    return "";
}

std::string ok(std::string_view text) {
    std::string out = "+OK";
    if (!text.empty()) out += ' ';
    append_text(out, text);
    return out;
}

std::string err(std::string_view text, RespCode code) {
    std::string out = "-ERR";
    if (code != RespCode::none) {
        // RFC 2449 8: the code is in brackets right after "-ERR ".
        out += " [";
        out += to_string(code);
        out += ']';
    }
    if (!text.empty()) out += ' ';
    append_text(out, text);
    return out;
}

std::string err(RespCode code, std::string_view text) {
    return err(text, code);
}

std::string continuation(std::string_view base64) {
    std::string out = "+ ";
    append_text(out, base64);
    return out;
}

}  // namespace tern::pop3
