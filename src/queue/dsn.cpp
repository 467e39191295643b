#include "queue/dsn.hpp"

#include <cstdint>
#include <string_view>

#include "base/time.hpp"
#include "mime/header.hpp"

namespace tern::queue {
namespace {

// Fields are cut here: a remote reply can be long, and the DSN stays readable.
constexpr std::size_t kMaxFieldText = 4000;
// RFC 5322 2.1.1: lines SHOULD stay within 78 octets and MUST within 998.
constexpr std::size_t kSoftLine = 78;
constexpr std::size_t kHardChunk = 900;

bool is_ascii(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629 4), 0 when there is none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b = byte(i);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0) lo = 0xA0;  // no overlong forms
        if (b == 0xED) hi = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0) lo = 0x90;
        if (b == 0xF4) hi = 0x8F;  // not above U+10FFFF
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = i + 2; k < i + n; ++k) {
        if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
    }
    return n;
}

// One line of text that cannot start a header field or a boundary line of
// its own: every control character (CR and LF above all) becomes a space,
// runs of spaces collapse, the ends are trimmed. Non-ASCII survives only as
// well-formed UTF-8 in a UTF-8 DSN; anything else becomes '?'. Cut at
// kMaxFieldText on a character boundary.
std::string clean(std::string_view s, bool utf8) {
    std::string out;
    out.reserve(s.size() < kMaxFieldText ? s.size() : kMaxFieldText);
    bool space = false;
    for (std::size_t i = 0; i < s.size() && out.size() < kMaxFieldText;) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F || c == ' ') {
            space = !out.empty();
            ++i;
            continue;
        }
        if (space) out += ' ';
        space = false;
        if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        std::size_t n = utf8 ? utf8_length(s, i) : 0;
        if (n == 0) {
            out += '?';
            ++i;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

// Where a line may be cut at or before `limit` without splitting a UTF-8 sequence.
std::size_t char_boundary(std::string_view word, std::size_t limit) {
    std::size_t cut = limit;
    while (cut > 1 && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80)
        --cut;
    return cut;
}

// Appends cleaned, single-spaced text, breaking lines at spaces so they stay
// within `width` octets where the words allow; each continuation line starts
// with `indent` (a space for RFC 5322 2.2.3 folding). A word longer than
// kHardChunk is split (unfolding then shows a space in it) so that no line
// passes RFC 5322 2.1.1's 998 octets.
void append_wrapped(std::string& out, std::size_t used, std::string_view text, std::size_t width,
                    std::string_view indent) {
    std::size_t line = used;
    bool first = true;
    while (!text.empty()) {
        std::size_t sp = text.find(' ');
        std::string_view word = text.substr(0, sp);
        text = sp == std::string_view::npos ? std::string_view{} : text.substr(sp + 1);
        if (!first) {
            if (line + 1 + word.size() > width) {
                out += "\r\n";
                out += indent;
                line = indent.size();
            } else {
                out += ' ';
                ++line;
            }
        }
        first = false;
        while (word.size() > kHardChunk) {
            std::size_t cut = char_boundary(word, kHardChunk);
            out.append(word.substr(0, cut));
            out += "\r\n";
            out += indent;
            line = indent.size();
            word.remove_prefix(cut);
        }
        out.append(word);
        line += word.size();
    }
    out += "\r\n";
}

// "Name: value" as a folded header field (value already cleaned).
void add_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out += ": ";
    append_wrapped(out, name.size() + 2, value, kSoftLine, " ");
}

// A paragraph of the human-readable part, wrapped at 76 columns.
void add_paragraph(std::string& out, std::string_view text, std::string_view indent = "") {
    out.append(indent);
    append_wrapped(out, indent.size(), text, 76, indent);
    out += "\r\n";
}

std::string_view action_name(DsnRecipient::Action a) {
    switch (a) {
        case DsnRecipient::Action::failed:
            return "failed";
        case DsnRecipient::Action::delayed:
            return "delayed";
        case DsnRecipient::Action::delivered:
            return "delivered";
        case DsnRecipient::Action::relayed:
            return "relayed";
        case DsnRecipient::Action::expanded:
            return "expanded";
    }
    return "failed";
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// RFC 3463 2: status-code = class "." subject "." detail; class 2, 4 or 5,
// subject and detail 1*3digit.
bool valid_status(std::string_view s) {
    if (s.size() < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.') return false;
    std::size_t i = 2;
    for (int part = 0; part < 2; ++part) {
        std::size_t start = i;
        while (i < s.size() && is_digit(s[i]))
            ++i;
        if (i == start || i - start > 3) return false;
        if (part == 0) {
            if (i >= s.size() || s[i] != '.') return false;
            ++i;
        }
    }
    return i == s.size();
}

// RFC 3463 / RFC 2034: the enhanced code after an SMTP reply code, when its
// class agrees with the reply; else the class of the reply code with .0.0.
std::string status_from_reply(std::string_view reply) {
    if (reply.size() < 3 || !is_digit(reply[0]) || !is_digit(reply[1]) || !is_digit(reply[2])) {
        return {};
    }
    char cls = reply[0];
    if (cls != '2' && cls != '4' && cls != '5') return {};
    std::string_view rest = reply.substr(3);
    if (!rest.empty() && (rest[0] == ' ' || rest[0] == '-')) rest.remove_prefix(1);
    std::string_view token = rest.substr(0, rest.find(' '));
    if (valid_status(token) && token[0] == cls) return std::string(token);
    return std::string(1, cls) + ".0.0";
}

}  // namespace

std::string dsn_status(const DsnRecipient& r) {
    if (valid_status(r.status)) return r.status;
    if (r.diagnostic_is_smtp) {
        std::string s = status_from_reply(clean(r.diagnostic, false));
        if (!s.empty()) return s;
    }
    switch (r.action) {
        case DsnRecipient::Action::failed:
            return "5.0.0";
        case DsnRecipient::Action::delayed:
            return "4.0.0";
        default:
            return "2.0.0";
    }
}

namespace {

// What build_dsn() decides once and every part depends on.
struct Plan {
    bool utf8 = false;        // RFC 6533 message/global-* types
    bool any_failed = false;  // failed wording wins over delayed (the brief's "mix")
    bool any_delayed = false;
    bool full = false;         // part 3 is the whole original
    bool too_big = false;      // RET=FULL was asked but the original is over max_original
    std::string_view headers;  // the original's header section, without the empty line
};

// The header section of `raw`: up to the first empty line, which is left out
// (RFC 6522 4: text/rfc822-headers holds the header fields).
std::string_view header_section(std::string_view raw) {
    mime::HeaderBlock block = mime::parse_header(raw, 0, raw.size(), 1);
    std::string_view head = raw.substr(0, block.body_offset);
    if (block.complete) head.remove_suffix(head.ends_with("\r\n") ? 2 : 1);
    return head;
}

Plan make_plan(const DsnInput& in) {
    Plan p;
    p.headers = header_section(in.original);
    // RFC 6533 3: an SMTPUTF8 message (non-ASCII header or address) gets the
    // global types; an 8-bit body alone is 8BITMIME, still message/rfc822.
    p.utf8 = in.smtputf8 || !is_ascii(p.headers) || !is_ascii(in.recipient);
    for (const DsnRecipient& r : in.recipients) {
        if (!is_ascii(r.final_recipient) || !is_ascii(r.original_recipient)) p.utf8 = true;
        if (r.action == DsnRecipient::Action::failed) p.any_failed = true;
        if (r.action == DsnRecipient::Action::delayed) p.any_delayed = true;
    }
    p.full = in.return_full && in.original.size() <= in.max_original;
    p.too_big = in.return_full && !p.full;
    return p;
}

std::string strip_angles(std::string s) {
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
    return s;
}

// One recipient's paragraph of the human-readable part.
std::string explain(const DsnRecipient& r, bool utf8) {
    std::string who = "<" + strip_angles(clean(r.final_recipient, utf8)) + ">";
    std::string text;
    switch (r.action) {
        case DsnRecipient::Action::failed:
            text = who + ": delivery failed.";
            break;
        case DsnRecipient::Action::delayed:
            text = who + ": delivery is delayed.";
            break;
        case DsnRecipient::Action::delivered:
            text = who + ": delivered.";
            break;
        case DsnRecipient::Action::relayed:
            text = who + ": relayed to a server that does not send delivery notices.";
            break;
        case DsnRecipient::Action::expanded:
            text = who + ": delivered to a list or alias.";
            break;
    }
    std::string diag = clean(r.diagnostic, utf8);
    std::string mta = clean(r.remote_mta, false);
    if (!diag.empty()) {
        text += mta.empty() ? " The reason was:" : " The server " + mta + " answered:";
        text += " \"" + diag + "\".";
    } else if (!mta.empty()) {
        text += " Server: " + mta + ".";
    }
    if (r.action == DsnRecipient::Action::delayed && r.will_retry_until != 0) {
        text += " The mail system will keep trying until " + rfc5322_date(r.will_retry_until) + ".";
    }
    return text;
}

std::string text_part(const DsnInput& in, const Plan& p, std::string_view mta) {
    std::string out;
    add_paragraph(out, "This is the mail system at host " + std::string(mta) + ".");
    if (p.any_failed) {
        add_paragraph(out,
                      "Your message could not be delivered to one or more recipients. "
                      "This is a permanent error; the details are below.");
    } else if (p.any_delayed) {
        add_paragraph(out,
                      "Your message has not yet been delivered to one or more recipients. "
                      "The mail system will keep trying; you do not need to send it again.");
    } else {
        add_paragraph(out, "Your message was delivered as listed below.");
    }
    for (const DsnRecipient& r : in.recipients)
        add_paragraph(out, explain(r, p.utf8), "  ");
    if (p.too_big) {
        add_paragraph(out, "The original message was " + std::to_string(in.original.size()) +
                               " bytes, more than the " + std::to_string(in.max_original) +
                               " bytes this system returns whole; only its header is attached.");
    } else if (p.full) {
        add_paragraph(out, "The original message is attached.");
    } else {
        add_paragraph(out, "The header of the original message is attached.");
    }
    out.resize(out.size() - 2);  // no empty line before the delimiter
    return out;
}

// RFC 3464 2.1: per-message fields, then one block per recipient, each
// preceded by an empty line.
std::string status_part(const DsnInput& in, const Plan& p, std::string_view mta) {
    std::string out;
    // RFC 3464 2.2.1: the ENVID as given with MAIL (xtext, so ASCII).
    std::string envid = clean(in.envid, false);
    if (!envid.empty()) add_field(out, "Original-Envelope-Id", envid);
    add_field(out, "Reporting-MTA", "dns; " + std::string(mta));  // RFC 3464 2.2.2
    if (in.arrival_date != 0) add_field(out, "Arrival-Date", rfc5322_date(in.arrival_date));
    for (const DsnRecipient& r : in.recipients) {
        out += "\r\n";
        std::string orcpt = clean(r.original_recipient, p.utf8);
        if (!orcpt.empty()) {
            // RFC 3464 2.3.1: address-type ";" generic-address, as received.
            if (orcpt.find(';') == std::string::npos) orcpt = "rfc822;" + orcpt;
            add_field(out, "Original-Recipient", orcpt);
        }
        std::string address = strip_angles(clean(r.final_recipient, p.utf8));
        // RFC 6533 3: a non-ASCII address has the "utf-8" address type.
        add_field(out, "Final-Recipient",
                  std::string(is_ascii(address) ? "rfc822; " : "utf-8; ") + address);
        add_field(out, "Action", action_name(r.action));  // RFC 3464 2.3.3
        add_field(out, "Status", dsn_status(r));          // RFC 3464 2.3.4
        std::string remote = clean(r.remote_mta, false);
        if (!remote.empty()) add_field(out, "Remote-MTA", "dns; " + remote);
        std::string diag = clean(r.diagnostic, p.utf8);
        if (!diag.empty()) {
            // RFC 3464 2.3.6: diagnostic-type ";" text; ours is an X- type.
            add_field(out, "Diagnostic-Code",
                      (r.diagnostic_is_smtp ? "smtp; " : "x-tern; ") + diag);
        }
        if (r.last_attempt != 0) add_field(out, "Last-Attempt-Date", rfc5322_date(r.last_attempt));
        if (r.action == DsnRecipient::Action::delayed && r.will_retry_until != 0) {
            add_field(out, "Will-Retry-Until", rfc5322_date(r.will_retry_until));  // 2.3.8
        }
    }
    return out;
}

// A boundary that occurs in none of the parts (RFC 2046 5.1.1), derived from
// the Message-ID so the same input gives the same message.
std::string choose_boundary(std::string_view seed, const std::vector<std::string_view>& parts) {
    uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (char c : seed)
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string base = "=_tern_";
    for (int i = 0; i < 16; ++i)
        base += kHex[(h >> (i * 4)) & 0xF];
    for (uint64_t n = 0;; ++n) {
        std::string candidate = base + "_" + std::to_string(n);
        bool clash = false;
        for (std::string_view part : parts)
            clash = clash || part.find(candidate) != part.npos;
        if (!clash) return candidate;
    }
}

void add_part(std::string& out, std::string_view boundary, std::string_view description,
              std::string_view type, std::string_view body) {
    out += "\r\n--";
    out.append(boundary);
    out += "\r\nContent-Description: ";
    out.append(description);
    out += "\r\nContent-Type: ";
    out.append(type);
    out += "\r\n";
    // RFC 2045 6.2 / RFC 2046 5.2.1: 8-bit content is labelled, never encoded.
    if (!is_ascii(body)) out += "Content-Transfer-Encoding: 8bit\r\n";
    out += "\r\n";
    // RFC 2046 5.1.1: the CRLF before the next delimiter belongs to it, so
    // the body here is exactly `body`.
    out.append(body);
}

}  // namespace

std::string build_dsn(const DsnInput& in) {
    Plan p = make_plan(in);
    std::string mta = clean(in.reporting_mta, false);
    if (mta.empty()) mta = "localhost";
    std::string text = text_part(in, p, mta);
    std::string status = status_part(in, p, mta);
    std::string_view returned = p.full ? std::string_view(in.original) : p.headers;
    std::string head_copy;
    if (!p.full && !returned.empty() && !returned.ends_with("\n")) {
        head_copy = std::string(returned) + "\r\n";  // a header-only original without its CRLF
        returned = head_copy;
    }

    std::string id;
    for (char c : clean(in.message_id, false)) {
        if (c != '<' && c != '>' && c != ' ') id += c;
    }
    if (id.empty()) id = "dsn." + std::to_string(in.now) + "@" + mta;
    std::string boundary = choose_boundary(id, {text, status, returned});

    std::string out;
    out.reserve(text.size() + status.size() + returned.size() + 2048);
    add_field(out, "From", "\"Mail Delivery System\" <MAILER-DAEMON@" + mta + ">");
    std::string to = strip_angles(clean(in.recipient, p.utf8));
    add_field(out, "To", to.empty() ? "undisclosed-recipients:;" : "<" + to + ">");
    add_field(out, "Date", rfc5322_date(in.now));
    add_field(out, "Message-ID", "<" + id + ">");
    add_field(out, "Subject",
              p.any_failed    ? "Undelivered Mail Returned to Sender"
              : p.any_delayed ? "Delayed Mail (still being retried)"
                              : "Successful Mail Delivery Report");
    add_field(out, "Auto-Submitted", "auto-replied");  // RFC 3834 5
    add_field(out, "MIME-Version", "1.0");
    std::string report = p.utf8 ? "global-delivery-status" : "delivery-status";
    // RFC 6522 3: report-type names the subtype of the second part.
    add_field(out, "Content-Type",
              "multipart/report; report-type=" + report + "; boundary=\"" + boundary + "\"");
    bool eight_bit = !is_ascii(text) || !is_ascii(status) || !is_ascii(returned);
    if (eight_bit) add_field(out, "Content-Transfer-Encoding", "8bit");
    out += "\r\nThis is a MIME-encapsulated delivery status notification.\r\n";

    add_part(out, boundary, "Notification",
             is_ascii(text) ? "text/plain; charset=us-ascii" : "text/plain; charset=utf-8", text);
    add_part(out, boundary, "Delivery report", "message/" + report, status);
    std::string_view kind = p.full ? (p.utf8 ? "message/global" : "message/rfc822")
                                   : (p.utf8 ? "message/global-headers" : "text/rfc822-headers");
    add_part(out, boundary, p.full ? "Original message" : "Original message header", kind,
             returned);
    out += "\r\n--" + boundary + "--\r\n";
    return out;
}

}  // namespace tern::queue
