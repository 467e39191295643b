#include "smtp/server/headers.hpp"

#include "base/strings.hpp"
#include "base/time.hpp"

namespace tern::smtp {
namespace {

// Strips characters that could end the header line or fake a new field:
// trace fields carry client-supplied text (the EHLO argument).
std::string header_safe(std::string_view s) {
    std::string out;
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '(' || c == ')' || c == ';') continue;
        out.push_back(c);
    }
    if (out.size() > 255) out.resize(255);
    return out;
}

}  // namespace

std::string received_header(const ReceivedInfo& in) {
    std::string h =
        "Received: from " + (in.helo.empty() ? std::string("unknown") : header_safe(in.helo));
    h += " ([" + header_safe(in.remote_ip) + "])\r\n\tby " + header_safe(in.hostname) +
         " (Tern) with " + in.with + " id " + in.id;
    if (!in.tls_version.empty()) {
        h += "\r\n\t(version=" + header_safe(in.tls_version) +
             " cipher=" + header_safe(in.tls_cipher) + " bits=" + std::to_string(in.tls_bits) + ")";
    }
    if (!in.for_address.empty()) h += "\r\n\tfor <" + header_safe(in.for_address) + ">";
    h += "; " + rfc5322_date(in.date) + "\r\n";
    return h;
}

HeaderScan scan_headers(std::string_view m) {
    HeaderScan scan;
    scan.header_end = m.size();
    std::size_t pos = 0;
    std::string current_name;
    std::string from_value;
    bool in_from = false;
    while (pos < m.size()) {
        std::size_t eol = m.find('\n', pos);
        std::size_t next = eol == std::string_view::npos ? m.size() : eol + 1;
        std::string_view line = m.substr(pos, next - pos);
        std::string_view text = line;
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
            text.remove_suffix(1);
        if (text.empty()) {  // the empty line ends the header (RFC 5322 2.1)
            scan.header_end = next;
            break;
        }
        for (unsigned char c : text)
            if (c >= 0x80) scan.eight_bit = true;
        bool continuation = text.front() == ' ' || text.front() == '\t';
        if (continuation) {
            if (in_from) from_value.append(text);
        } else {
            if (in_from) {
                auto a = extract_addresses(from_value);
                scan.from_addresses.insert(scan.from_addresses.end(), a.begin(), a.end());
            }
            in_from = false;
            auto colon = text.find(':');
            if (colon == std::string_view::npos) {
                // Not a header field: the body starts here (no empty line).
                scan.header_end = pos;
                break;
            }
            std::string_view name = trim(text.substr(0, colon));
            if (iequals(name, "Message-ID")) scan.has_message_id = true;
            if (iequals(name, "Date")) scan.has_date = true;
            if (iequals(name, "From")) {
                scan.has_from = true;
                in_from = true;
                from_value = std::string(text.substr(colon + 1));
            }
        }
        pos = next;
    }
    if (in_from) {
        auto a = extract_addresses(from_value);
        scan.from_addresses.insert(scan.from_addresses.end(), a.begin(), a.end());
    }
    return scan;
}

std::vector<std::string> extract_addresses(std::string_view v) {
    // A small RFC 5322 3.4 scanner: tracks quoted strings, comments and angle
    // brackets; each mailbox ends at ',' or ';' outside them.
    std::vector<std::string> out;
    std::string bare, angle;
    bool in_angle = false, in_quote = false, have_angle = false, word_break = false;
    int comment = 0;
    auto finish = [&] {
        std::string a = have_angle ? angle : std::string(trim(bare));
        if (!a.empty() && a.find('@') != std::string::npos) out.push_back(a);
        bare.clear();
        angle.clear();
        have_angle = false;
        word_break = false;
    };
    for (std::size_t i = 0; i < v.size(); ++i) {
        char c = v[i];
        if (in_quote) {
            if (c == '\\' && i + 1 < v.size()) {
                (in_angle ? angle : bare).push_back(v[++i]);
            } else if (c == '"') {
                in_quote = false;
            }
            if (in_angle && c != '"') angle.push_back(c);
            continue;
        }
        if (comment > 0) {
            if (c == '\\')
                ++i;
            else if (c == '(')
                ++comment;
            else if (c == ')')
                --comment;
            continue;
        }
        switch (c) {
            case '"':
                in_quote = true;
                if (in_angle)
                    angle.push_back(c);
                else
                    bare.clear();
                break;
            case '(':
                ++comment;
                break;
            case '<':
                in_angle = true;
                have_angle = true;
                angle.clear();
                break;
            case '>':
                in_angle = false;
                break;
            case ':':
                if (!in_angle)
                    bare.clear();
                else
                    angle.push_back(c);
                break;  // group name
            case ',':
            case ';':
                if (!in_angle)
                    finish();
                else
                    angle.push_back(c);
                break;
            case ' ':
            case '\t':
            case '\r':
            case '\n':
                if (!in_angle) word_break = true;
                break;
            default:
                // A new word after whitespace replaces the previous one: of
                // "Display Name addr@x" only the last word can be the address.
                if (!in_angle && word_break) bare.clear();
                word_break = false;
                (in_angle ? angle : bare).push_back(c);
        }
    }
    finish();
    return out;
}

}  // namespace tern::smtp
