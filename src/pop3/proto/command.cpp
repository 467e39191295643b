#include "pop3/proto/command.hpp"

#include <array>
#include <vector>

#include "base/strings.hpp"

namespace tern::pop3 {
namespace {

struct VerbName {
    std::string_view name;
    Verb verb;
};

constexpr std::array<VerbName, 15> kVerbs = {{
    {"USER", Verb::user},
    {"PASS", Verb::pass},
    {"APOP", Verb::apop},
    {"QUIT", Verb::quit},
    {"STAT", Verb::stat},
    {"LIST", Verb::list},
    {"RETR", Verb::retr},
    {"DELE", Verb::dele},
    {"NOOP", Verb::noop},
    {"RSET", Verb::rset},
    {"TOP", Verb::top},
    {"UIDL", Verb::uidl},
    {"CAPA", Verb::capa},
    {"STLS", Verb::stls},
    {"AUTH", Verb::auth},
}};

// Arguments are separated by spaces; a run of spaces or a trailing space
// (sent by some clients) does not make an empty argument.
std::vector<std::string_view> arguments(std::string_view rest) {
    std::vector<std::string_view> out;
    for (std::string_view part : split(rest, ' '))
        if (!part.empty()) out.push_back(part);
    return out;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// A decimal number with no sign; false on overflow of `max`.
bool parse_decimal(std::string_view s, uint64_t max, uint64_t& out) {
    if (!all_digits(s)) return false;
    uint64_t v = 0;
    for (char c : s) {
        const uint64_t d = static_cast<uint64_t>(c - '0');
        if (v > (max - d) / 10) return false;
        v = v * 10 + d;
    }
    out = v;
    return true;
}

Result<uint32_t> message_number(std::string_view s) {
    uint64_t v = 0;
    // RFC 1939 3: messages are numbered from 1; there are never more than
    // 2^32-1 of them (the store's UIDs are 32-bit).
    if (!parse_decimal(s, UINT32_MAX, v) || v == 0)
        return fail(Errc::invalid, "invalid message number");
    return static_cast<uint32_t>(v);
}

bool printable_token(std::string_view s) {
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) return false;
    }
    return true;
}

bool is_base64_or_equals(std::string_view s) {
    if (s == "=") return true;
    for (char c : s) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
        if (!ok) return false;
    }
    return !s.empty();
}

Status expect_count(const std::vector<std::string_view>& args, std::size_t min, std::size_t max) {
    if (args.size() < min) return fail(Errc::invalid, "missing argument");
    if (args.size() > max) return fail(Errc::invalid, "too many arguments");
    return {};
}

}  // namespace

std::string_view to_string(Verb verb) {
    for (const auto& v : kVerbs)
        if (v.verb == verb) return v.name;
    return "?";
}

Result<Command> parse_command(std::string_view line) {
    for (char c : line) {
        // A line arrives without its CRLF; any CR, LF or NUL left is hostile.
        if (c == '\0' || c == '\r' || c == '\n')
            return fail(Errc::invalid, "invalid characters in command");
    }
    const std::size_t sp = line.find(' ');
    const std::string_view keyword = line.substr(0, sp);
    // PASS keeps everything after the first space (RFC 1939 7: a password may contain spaces).
    const std::string_view rest =
        sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    if (keyword.empty()) return fail(Errc::invalid, "empty command");

    Command cmd;
    bool known = false;
    for (const auto& v : kVerbs) {
        if (iequals(keyword, v.name)) {
            cmd.verb = v.verb;
            known = true;
            break;
        }
    }
    // RFC 1939 3: keywords are case-insensitive, three or four characters.
    if (!known) return fail(Errc::invalid, "unknown command");

    const auto args = arguments(rest);
    switch (cmd.verb) {
        case Verb::quit:
        case Verb::stat:
        case Verb::noop:
        case Verb::rset:
        case Verb::capa:
        case Verb::stls:
            if (auto s = expect_count(args, 0, 0); !s) return s.failure();
            return cmd;
        case Verb::list:
        case Verb::uidl:
        case Verb::retr:
        case Verb::dele: {
            const bool optional = cmd.verb == Verb::list || cmd.verb == Verb::uidl;
            if (auto s = expect_count(args, optional ? 0 : 1, 1); !s) return s.failure();
            if (!args.empty()) {
                auto n = message_number(args[0]);
                if (!n) return n.failure();
                cmd.message = *n;
            }
            return cmd;
        }
        case Verb::top: {
            if (auto s = expect_count(args, 2, 2); !s) return s.failure();
            auto n = message_number(args[0]);
            if (!n) return n.failure();
            cmd.message = *n;
            // RFC 1939 7: "n" must be a non-negative number.
            if (!parse_decimal(args[1], UINT64_MAX, cmd.lines))
                return fail(Errc::invalid, "invalid line count");
            return cmd;
        }
        case Verb::user:
            // RFC 1939 7: one argument. It is an address here, longer than
            // the 40 characters of RFC 1939 3 allows for some users, so
            // only the line limit bounds it.
            if (auto s = expect_count(args, 1, 1); !s) return s.failure();
            if (!printable_token(args[0])) return fail(Errc::invalid, "invalid user name");
            cmd.argument = std::string(args[0]);
            return cmd;
        case Verb::pass:
            if (rest.empty()) return fail(Errc::invalid, "missing argument");
            cmd.argument = std::string(rest);
            return cmd;
        case Verb::apop:
            cmd.argument = std::string(rest);
            return cmd;
        case Verb::auth: {
            if (auto s = expect_count(args, 0, 2); !s) return s.failure();
            if (args.empty()) return cmd;
            // RFC 4422 3.1: mechanism names are 1-20 of A-Z 0-9 - _.
            if (args[0].size() > 20) return fail(Errc::invalid, "invalid mechanism name");
            for (char c : args[0]) {
                const char u = ascii_upper(c);
                if (!((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' || u == '_'))
                    return fail(Errc::invalid, "invalid mechanism name");
            }
            cmd.auth_mechanism = to_upper(args[0]);
            if (args.size() == 2) {
                if (!is_base64_or_equals(args[1]))
                    return fail(Errc::invalid, "invalid base64 data");
                cmd.auth_initial_response = std::string(args[1]);
            }
            return cmd;
        }
    }
    return fail(Errc::invalid, "unknown command");
}

}  // namespace tern::pop3
