#include "smtp/proto/syntax_error.hpp"

namespace tern::smtp {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// RFC 3463 2: class "." subject "." detail, 1-3 digits each.
bool is_enhanced_code(std::string_view s) {
    int parts = 0;
    std::size_t run = 0;
    for (char c : s) {
        if (is_digit(c)) {
            if (++run > 3) return false;
        } else if (c == '.') {
            if (run == 0) return false;
            ++parts;
            run = 0;
        } else {
            return false;
        }
    }
    return parts == 2 && run > 0;
}

}  // namespace

Failure syntax_failure(int code, std::string_view enhanced, std::string_view text) {
    std::string message = std::to_string(code);
    if (!enhanced.empty()) {
        message += ' ';
        message += enhanced;
    }
    message += ' ';
    message += text;
    return fail(Errc::invalid, std::move(message));
}

SyntaxError to_syntax_error(const Error& error) {
    std::string_view m = error.message;
    SyntaxError out;
    if (m.size() < 4 || !is_digit(m[0]) || !is_digit(m[1]) || !is_digit(m[2]) || m[3] != ' ' ||
        m[0] < '4' || m[0] > '5') {
        out.text = error.message;
        return out;
    }
    out.code = (m[0] - '0') * 100 + (m[1] - '0') * 10 + (m[2] - '0');
    m.remove_prefix(4);
    const std::size_t sp = m.find(' ');
    const std::string_view first = m.substr(0, sp);
    if (is_enhanced_code(first)) {
        out.enhanced = std::string(first);
        m = sp == std::string_view::npos ? std::string_view{} : m.substr(sp + 1);
    } else {
        out.enhanced.clear();
    }
    out.text = std::string(m);
    return out;
}

}  // namespace tern::smtp
