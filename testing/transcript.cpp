#include "testing/transcript.hpp"

#include <fstream>
#include <sstream>

namespace tern::testing {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

Failure script_error(std::string_view name, int line, std::string_view what) {
    return fail(Errc::invalid,
                std::string(name) + ":" + std::to_string(line) + ": " + std::string(what));
}

// Splits a directive's arguments on spaces; empty pieces are dropped so
// several spaces separate like one.
Result<std::vector<std::string>> split_args(std::string_view rest) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < rest.size()) {
        while (i < rest.size() && rest[i] == ' ')
            ++i;
        std::size_t start = i;
        while (i < rest.size() && rest[i] != ' ')
            ++i;
        if (i > start) {
            auto decoded = decode_escapes(rest.substr(start, i - start));
            if (!decoded) return decoded.failure();
            out.push_back(std::move(*decoded));
        }
    }
    return out;
}

}  // namespace

Result<std::string> decode_escapes(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        if (i + 1 >= text.size()) return fail(Errc::invalid, "a lone backslash at the end");
        char e = text[++i];
        switch (e) {
            case 'r':
                out += '\r';
                break;
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case '\\':
                out += '\\';
                break;
            case 'x': {
                int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
                int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
                if (hi < 0 || lo < 0) return fail(Errc::invalid, "\\x needs two hex digits");
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                break;
            }
            default:
                return fail(Errc::invalid, std::string("unknown escape \\") + e);
        }
    }
    return out;
}

std::string show_bytes(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : bytes) {
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\\') {
            out += "\\\\";
        } else if (c < 0x20 || c >= 0x7f) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

Result<std::string> directive_tail(const Directive& d, std::size_t skip) {
    std::string_view raw = d.raw;
    for (std::size_t n = 0; n < skip; ++n) {
        while (!raw.empty() && raw.front() == ' ')
            raw.remove_prefix(1);
        std::size_t sp = raw.find(' ');
        raw = sp == std::string_view::npos ? std::string_view() : raw.substr(sp + 1);
    }
    while (!raw.empty() && raw.front() == ' ')
        raw.remove_prefix(1);
    return decode_escapes(raw);
}

Result<Transcript> parse_transcript(std::string_view text, std::string_view name) {
    Transcript t;
    t.name = std::string(name);
    t.connections.emplace_back().first_line = 1;
    int line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        std::string_view line =
            text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        ScriptConnection& conn = t.connections.back();
        std::string_view prefix = line.substr(0, 3);
        std::string_view rest = line.size() > 3 ? line.substr(3) : std::string_view();
        if (prefix == "C: " || prefix == "C~ " || line == "C:") {
            auto bytes = decode_escapes(rest);
            if (!bytes) return script_error(name, line_no, bytes.error().message);
            conn.input += *bytes;
            if (prefix != "C~ ") conn.input += "\r\n";
        } else if (prefix == "S: " || line == "S:") {
            conn.expected.push_back({line_no, false, std::string(rest), {}});
        } else if (prefix == "S~ ") {
            Expectation e{line_no, true, std::string(rest), {}};
            try {
                e.regex = std::regex(e.text, std::regex::ECMAScript);
            } catch (const std::regex_error& err) {
                return script_error(name, line_no, std::string("bad regex: ") + err.what());
            }
            conn.expected.push_back(std::move(e));
        } else if (line.front() == '@') {
            std::string_view body = line.substr(1);
            std::size_t sp = body.find(' ');
            std::string dname(body.substr(0, sp));
            if (dname.empty()) return script_error(name, line_no, "empty directive");
            if (dname == "wait") {
                conn.waits.push_back(conn.input.size());
                continue;
            }
            if (dname == "connection") {
                t.connections.emplace_back().first_line = line_no;
                continue;
            }
            std::string_view raw = sp == std::string_view::npos ? "" : body.substr(sp + 1);
            auto args = split_args(raw);
            if (!args) return script_error(name, line_no, args.error().message);
            conn.directives.push_back(
                {line_no, std::move(dname), std::move(*args), std::string(raw)});
        } else {
            return script_error(
                name, line_no,
                "expected C:, C~, S:, S~, @directive or # comment, got `" + show_bytes(line) + "`");
        }
    }
    return t;
}

Result<Transcript> load_transcript(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(Errc::not_found, "cannot open " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string name = path.substr(path.find_last_of('/') + 1);
    return parse_transcript(ss.str(), name);
}

std::optional<std::string> match_replies(const Transcript& script, const ScriptConnection& conn,
                                         std::string_view output) {
    std::size_t pos = 0;
    int last_line = conn.first_line;
    auto where = [&](int line) { return script.name + ":" + std::to_string(line) + ": "; };
    for (const Expectation& e : conn.expected) {
        last_line = e.line;
        std::string want = e.is_regex ? "/" + e.text + "/" : "`" + e.text + "`";
        if (pos >= output.size())
            return where(e.line) + "expected " + want + ", got the end of the server's output";
        std::size_t lf = output.find('\n', pos);
        if (lf == std::string_view::npos)
            return where(e.line) + "expected " + want + ", got an unterminated line `" +
                   show_bytes(output.substr(pos)) + "`";
        if (lf == pos || output[lf - 1] != '\r')
            return where(e.line) + "server line ends with a bare LF: `" +
                   show_bytes(output.substr(pos, lf + 1 - pos)) + "`";
        std::string actual(output.substr(pos, lf - 1 - pos));
        pos = lf + 1;
        bool ok = e.is_regex ? std::regex_match(actual, e.regex) : actual == e.text;
        if (!ok) return where(e.line) + "expected " + want + ", got `" + show_bytes(actual) + "`";
    }
    if (pos < output.size())
        return where(last_line) + "unexpected server output after the last S: line: `" +
               show_bytes(output.substr(pos)) + "`";
    return std::nullopt;
}

}  // namespace tern::testing
