#include "smtp/proto/reply_parser.hpp"

namespace tern::smtp {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// 1 to 3 digits at text[pos]; returns how many, 0 if none or too many.
std::size_t digits(std::string_view text, std::size_t pos) {
    std::size_t n = 0;
    while (pos + n < text.size() && is_digit(text[pos + n]))
        ++n;
    return n >= 1 && n <= 3 ? n : 0;
}

}  // namespace

std::size_t enhanced_code_length(std::string_view text, char klass) {
    // RFC 3463 2: status-code = class "." subject "." detail, where subject
    // and detail are 1 to 3 digits; class must agree with the reply code
    // (RFC 2034 4), so "250 1.2.3.4 host" is not taken for one.
    if (text.size() < 5 || text[0] != klass || text[1] != '.') return 0;
    std::size_t subject = digits(text, 2);
    if (subject == 0) return 0;
    std::size_t dot = 2 + subject;
    if (dot >= text.size() || text[dot] != '.') return 0;
    std::size_t detail = digits(text, dot + 1);
    if (detail == 0) return 0;
    std::size_t end = dot + 1 + detail;
    if (end == text.size()) return end;
    return text[end] == ' ' ? end + 1 : 0;
}

Result<bool> ReplyParser::feed(std::string_view line) {
    if (line.size() > kReplyLineLimit) {
        current_ = {};
        return fail(Errc::invalid,
                    "reply line longer than " + std::to_string(kReplyLineLimit) + " octets");
    }
    // RFC 5321 4.2: Reply-code = %x32-35 %x30-35 %x30-39
    bool code_ok = line.size() >= 3 && line[0] >= '2' && line[0] <= '5' && line[1] >= '0' &&
                   line[1] <= '5' && is_digit(line[2]);
    bool sep_ok = line.size() == 3 || line[3] == ' ' || line[3] == '-';
    if (!code_ok || !sep_ok) {
        current_ = {};
        std::string shown(line.substr(0, 40));
        for (char& c : shown)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
        return fail(Errc::invalid, "not an SMTP reply line: \"" + shown + "\"");
    }
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (current_.code != 0 && code != current_.code) {
        current_ = {};
        return fail(Errc::invalid, "reply code changed within a multi-line reply");
    }
    if (current_.lines.size() >= kReplyMaxLines) {
        current_ = {};
        return fail(Errc::invalid,
                    "reply longer than " + std::to_string(kReplyMaxLines) + " lines");
    }
    bool last = line.size() == 3 || line[3] == ' ';
    std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view();
    if (std::size_t n = enhanced_code_length(text, line[0])) {
        std::string_view found = text.substr(0, n);
        if (found.back() == ' ') found.remove_suffix(1);
        if (current_.lines.empty()) current_.enhanced = std::string(found);
        text.remove_prefix(n);
    }
    current_.code = code;
    current_.lines.emplace_back(text);
    return last;
}

ParsedReply ReplyParser::take() {
    ParsedReply out = std::move(current_);
    current_ = {};
    return out;
}

}  // namespace tern::smtp
