#include "smtp/proto/command.hpp"

#include <array>
#include <utility>

#include "base/strings.hpp"

namespace tern::smtp {

namespace {

constexpr std::array<std::pair<std::string_view, Verb>, 14> kVerbs{{
    {"EHLO", Verb::ehlo},
    {"HELO", Verb::helo},
    {"MAIL", Verb::mail},
    {"RCPT", Verb::rcpt},
    {"DATA", Verb::data},
    {"BDAT", Verb::bdat},
    {"RSET", Verb::rset},
    {"NOOP", Verb::noop},
    {"QUIT", Verb::quit},
    {"VRFY", Verb::vrfy},
    {"EXPN", Verb::expn},
    {"HELP", Verb::help},
    {"STARTTLS", Verb::starttls},
    {"AUTH", Verb::auth},
}};

Failure bad_args(std::string_view text) {
    return syntax_failure(501, "5.5.4", text);
}

// Spaces only at the end: many clients send "QUIT " and nothing is lost by
// accepting it. Leading spaces stay significant.
std::string_view trim_right(std::string_view s) {
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    for (std::string_view w : split(s, ' ')) {
        if (!w.empty()) out.push_back(w);
    }
    return out;
}

Status parse_hello(Command& cmd, std::string_view arg, const ParseOptions& options) {
    const std::string_view name = trim_right(arg);
    const std::string_view verb = cmd.verb == Verb::ehlo ? "EHLO" : "HELO";
    if (name.empty()) return bad_args(std::string(verb) + " requires a domain name");
    // RFC 5321 4.1.1.1: ehlo = "EHLO" SP ( Domain / address-literal ).
    // Underscores break the grammar but are common in desktop host names;
    // refusing them would lose mail for no gain.
    const bool ok = name.front() == '['
                        ? is_address_literal(name)
                        : is_domain(name, {options.smtputf8_allowed_in_addresses, true});
    if (!ok) return bad_args("Invalid domain name in " + std::string(verb));
    cmd.domain = std::string(name);
    return {};
}

// MAIL FROM:<path> [SP params] and RCPT TO:<path> [SP params].
Status parse_transaction(Command& cmd, std::string_view arg, const ParseOptions& options) {
    const bool mail = cmd.verb == Verb::mail;
    const std::string_view prefix = mail ? "FROM:" : "TO:";
    const std::string_view usage = mail ? "Syntax: MAIL FROM:<address> [parameters]"
                                        : "Syntax: RCPT TO:<address> [parameters]";
    if (!istarts_with(arg, prefix)) return bad_args(usage);
    arg.remove_prefix(prefix.size());
    // RFC 5321 4.1.2 has no space here, but "MAIL FROM: <a@b>" is common.
    while (!arg.empty() && arg.front() == ' ')
        arg.remove_prefix(1);
    if (arg.empty() || arg.front() != '<') return bad_args(usage);

    const bool utf8 = options.smtputf8_allowed_in_addresses;
    auto parsed = parse_path(arg, mail ? PathKind::reverse : PathKind::forward, utf8);
    if (!parsed) return parsed.failure();
    std::string_view rest = arg.substr(parsed->consumed);
    // RFC 5321 4.1.1.2: parameters follow the path after SP.
    if (!rest.empty() && rest.front() != ' ') return bad_args(usage);

    auto params = split_params(rest, utf8);
    if (!params) return params.failure();
    cmd.params = std::move(*params);
    if (mail) {
        auto typed = type_mail_params(cmd.params, utf8);
        if (!typed) return typed.failure();
        cmd.mail = std::move(*typed);
        // RFC 6531 3.4: a non-ASCII reverse-path needs SMTPUTF8 on this MAIL.
        if (!parsed->path.is_ascii() && !cmd.mail.smtputf8) {
            return syntax_failure(553, "5.6.7", "Non-ASCII sender address needs SMTPUTF8");
        }
    } else {
        auto typed = type_rcpt_params(cmd.params);
        if (!typed) return typed.failure();
        cmd.rcpt = std::move(*typed);
    }
    cmd.path = std::move(parsed->path);
    return {};
}

// RFC 3030 2: bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ]
Status parse_bdat(Command& cmd, std::string_view arg) {
    const auto w = words(arg);
    if (w.empty() || w.size() > 2) return bad_args("Syntax: BDAT <size> [LAST]");
    if (w[0].size() > 20) return bad_args("BDAT size is not a valid number");
    std::uint64_t n = 0;
    for (char c : w[0]) {
        if (c < '0' || c > '9') return bad_args("BDAT size is not a valid number");
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (n > (UINT64_MAX - digit) / 10) return bad_args("BDAT size is too large");
        n = n * 10 + digit;
    }
    if (w.size() == 2) {
        if (!iequals(w[1], "LAST")) return bad_args("Syntax: BDAT <size> [LAST]");
        cmd.bdat_last = true;
    }
    cmd.bdat_size = n;
    return {};
}

// RFC 4954 4: "AUTH" SP sasl-mech [SP initial-response]; sasl-mech is
// 1*20 of upper-case letters, digits, '-' and '_' (RFC 4422 3.1), matched
// case-insensitively; initial-response is base64 or "=".
Status parse_auth(Command& cmd, std::string_view arg) {
    const auto w = words(arg);
    if (w.empty() || w.size() > 2) return bad_args("Syntax: AUTH <mechanism> [initial-response]");
    if (w[0].size() > 20) return bad_args("Bad SASL mechanism name");
    for (char c : w[0]) {
        const char u = ascii_upper(c);
        if (!((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' || u == '_')) {
            return bad_args("Bad SASL mechanism name");
        }
    }
    cmd.auth_mechanism = to_upper(w[0]);
    if (w.size() == 2) {
        for (char c : w[1]) {
            const bool b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                             (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
            // RFC 4954 4: a response that cannot be decoded gets 501 5.5.2.
            if (!b64) return syntax_failure(501, "5.5.2", "Error: invalid base64 data");
        }
        cmd.auth_initial_response = std::string(w[1]);
    }
    return {};
}

Status parse_arguments(Command& cmd, std::string_view arg, const ParseOptions& options) {
    switch (cmd.verb) {
        case Verb::ehlo:
        case Verb::helo:
            return parse_hello(cmd, arg, options);
        case Verb::mail:
        case Verb::rcpt:
            return parse_transaction(cmd, arg, options);
        case Verb::bdat:
            return parse_bdat(cmd, arg);
        case Verb::auth:
            return parse_auth(cmd, arg);
        case Verb::data:      // RFC 5321 4.1.1.4
        case Verb::rset:      // RFC 5321 4.1.1.5
        case Verb::quit:      // RFC 5321 4.1.1.10
        case Verb::starttls:  // RFC 3207 4: "501 Syntax error (no parameters allowed)"
            if (!trim_right(arg).empty()) return bad_args("No parameters allowed");
            return {};
        case Verb::vrfy:  // RFC 5321 4.1.1.6
        case Verb::expn:  // RFC 5321 4.1.1.7
            if (trim_right(arg).empty()) return bad_args("Argument required");
            return {};
        case Verb::noop:  // RFC 5321 4.1.1.9: the string is ignored
        case Verb::help:  // RFC 5321 4.1.1.8
        case Verb::unknown:
            return {};
    }
    return {};
}

}  // namespace

std::string_view to_string(Verb verb) {
    for (const auto& [name, v] : kVerbs) {
        if (v == verb) return name;
    }
    return "UNKNOWN";
}

Result<Command> parse_command(std::string_view line, const ParseOptions& options) {
    // Reject control characters before anything else: NUL could truncate a
    // log line or a C string later, and a bare CR or LF inside a command is
    // how smuggling attacks start (RFC 5321 2.3.8: CR and LF only as CRLF).
    for (char ch : line) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F) return bad_args("Control characters are not allowed");
    }
    const std::size_t sp = line.find(' ');
    const std::string_view verb = line.substr(0, sp);
    Command cmd;
    for (const auto& [name, v] : kVerbs) {
        if (iequals(verb, name)) cmd.verb = v;
    }
    if (cmd.verb == Verb::unknown) return syntax_failure(500, "5.5.2", "Command unrecognized");
    const std::string_view arg =
        sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
    cmd.argument = std::string(arg);
    if (Status s = parse_arguments(cmd, arg, options); !s) return s.failure();
    return cmd;
}

}  // namespace tern::smtp
