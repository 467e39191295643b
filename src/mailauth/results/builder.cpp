#include "mailauth/results/builder.hpp"

namespace tern::mailauth::results {
namespace {

// RFC 5322 2.1.1: lines SHOULD be at most 78 characters.
constexpr std::size_t kLineLimit = 78;
constexpr std::string_view kFieldName = "Authentication-Results:";
// RFC 6008 2: header.b carries enough of b= to tell signatures apart.
constexpr std::size_t kHeaderBLength = 8;

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// RFC 2045 5.1: token := 1*<any (US-ASCII) CHAR except SPACE, CTLs, or
// tspecials>.
bool is_token_char(char c) {
    if (c <= 0x20 || c >= 0x7f) return false;
    return std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_token_char(c)) return false;
    return true;
}

// RFC 5321 4.1.2 Keyword = Ldh-str (letters, digits, hyphens; no hyphen at
// the end), the form RFC 8601 2.2 gives method, result and property names.
bool is_keyword(std::string_view s) {
    if (s.empty() || s.back() == '-') return false;
    for (char c : s)
        if (!is_alpha(c) && !is_digit(c) && c != '-') return false;
    return true;
}

// RFC 5322 3.2.3 atext.
bool is_atext(char c) {
    return is_alpha(c) || is_digit(c) ||
           std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// RFC 5322 3.2.3 dot-atom-text: atext runs separated by single dots.
bool is_dot_atom_text(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '.') {
            if (s[i + 1] == '.') return false;
        } else if (!is_atext(s[i])) {
            return false;
        }
    }
    return true;
}

// RFC 6376 3.5 domain-name: sub-domain labels of letters, digits, hyphens.
bool is_domain_name(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '.') {
            if (s[i + 1] == '.') return false;
        } else if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') {
            return false;
        }
    }
    return true;
}

// Values come from mail: control characters (CR and LF above all) would
// let a value end the field, so they are dropped.
std::string sanitize(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
    return out;
}

// RFC 8601 2.2 value = RFC 2045 token / quoted-string (RFC 5322 3.2.4).
std::string render_value(std::string_view raw) {
    std::string s = sanitize(raw);
    if (is_token(s)) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

// RFC 5322 3.2.2 comment: ctext is printable US-ASCII but '(', ')' and
// '\', which go as quoted-pairs; the text comes from DNS (a PTR name), so
// anything else is replaced rather than trusted.
std::string render_comment(std::string_view raw) {
    std::string out = "(";
    for (char c : sanitize(raw)) {
        if (static_cast<unsigned char>(c) >= 0x80) c = '?';
        if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back(')');
    return out;
}

// RFC 8601 2.2 pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name )
// [CFWS]: an address may stand bare.
std::string render_pvalue(std::string_view raw) {
    std::string s = sanitize(raw);
    const auto at = s.rfind('@');
    if (at != std::string::npos && is_domain_name(std::string_view(s).substr(at + 1)) &&
        (at == 0 || is_dot_atom_text(std::string_view(s).substr(0, at)))) {
        return s;
    }
    return render_value(s);
}

// RFC 8601 2.2 propspec: ptype "." property, both keywords.
bool is_property_name(std::string_view s) {
    const auto dot = s.find('.');
    return dot != std::string_view::npos && is_keyword(s.substr(0, dot)) &&
           is_keyword(s.substr(dot + 1));
}

// Appends words to a field, folding (RFC 5322 2.2.3) before a word that
// would pass the line limit.
class Folder {
  public:
    explicit Folder(std::string start) : out_(std::move(start)), column_(out_.size()) {}
    void new_line() {
        out_ += "\r\n\t";
        column_ = 1;
        fresh_ = true;
    }
    void word(std::string_view w) {
        if (!fresh_ && column_ + 1 + w.size() > kLineLimit) new_line();
        if (!fresh_) {
            out_.push_back(' ');
            ++column_;
        }
        out_ += w;
        column_ += w.size();
        fresh_ = false;
    }
    std::string finish() { return std::move(out_) + "\r\n"; }

  private:
    std::string out_;
    std::size_t column_ = 0;
    bool fresh_ = false;
};

}  // namespace

AuthResultsBuilder::AuthResultsBuilder(std::string authserv_id)
    : authserv_id_(std::move(authserv_id)) {}

AuthResultsBuilder& AuthResultsBuilder::add_spf(std::string_view result, std::string_view mailfrom,
                                                std::string_view helo) {
    ResInfo info{"spf", std::string(result), {}, {}};
    // RFC 8601 2.7.2: smtp.mailfrom for the MAIL FROM identity, smtp.helo
    // for the HELO identity.
    if (!mailfrom.empty()) info.properties.emplace_back("smtp.mailfrom", std::string(mailfrom));
    if (!helo.empty()) info.properties.emplace_back("smtp.helo", std::string(helo));
    return add(std::move(info));
}

AuthResultsBuilder& AuthResultsBuilder::add_dkim(std::string_view result, std::string_view domain,
                                                 std::string_view selector,
                                                 std::string_view signature_b) {
    ResInfo info{"dkim", std::string(result), {}, {}};
    if (!domain.empty()) info.properties.emplace_back("header.d", std::string(domain));
    if (!selector.empty()) info.properties.emplace_back("header.s", std::string(selector));
    // RFC 6008 2: the first characters of the signature tell apart several
    // signatures from one domain; folding whitespace in b= is not part of it.
    std::string b;
    for (char c : signature_b) {
        if (b.size() == kHeaderBLength) break;
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') b.push_back(c);
    }
    if (!b.empty()) info.properties.emplace_back("header.b", std::move(b));
    return add(std::move(info));
}

AuthResultsBuilder& AuthResultsBuilder::add_dmarc(std::string_view result,
                                                  std::string_view from_domain) {
    ResInfo info{"dmarc", std::string(result), {}, {}};
    if (!from_domain.empty()) info.properties.emplace_back("header.from", std::string(from_domain));
    return add(std::move(info));
}

AuthResultsBuilder& AuthResultsBuilder::add_iprev(std::string_view result,
                                                  std::string_view client_ip,
                                                  std::string_view ptr_name) {
    ResInfo info{"iprev", std::string(result), {}, {}};
    // RFC 8601 2.7.3: ptype "policy", property "iprev", the client's IP
    // address as the value (as in the RFC's Appendix B examples).
    if (!client_ip.empty()) info.properties.emplace_back("policy.iprev", std::string(client_ip));
    info.comment = std::string(ptr_name);
    return add(std::move(info));
}

AuthResultsBuilder& AuthResultsBuilder::add_arc(std::string_view result) {
    return add(ResInfo{"arc", std::string(result), {}, {}});
}

AuthResultsBuilder& AuthResultsBuilder::add(ResInfo info) {
    results_.push_back(std::move(info));
    return *this;
}

std::string AuthResultsBuilder::field() const {
    Folder f{std::string(kFieldName)};
    const std::string id = render_value(authserv_id_);
    if (results_.empty()) {
        // RFC 8601 2.2 no-result = [CFWS] ";" [CFWS] "none".
        f.word(id + ";");
        f.word("none");
        return f.finish();
    }
    f.word(id + ";");
    for (std::size_t i = 0; i < results_.size(); ++i) {
        const ResInfo& r = results_[i];
        std::vector<std::string> words;
        const std::string method = is_keyword(r.method) ? r.method : "unknown";
        const std::string result = is_keyword(r.result) ? r.result : "permerror";
        words.push_back(method + "=" + result);
        if (!r.reason.empty()) words.push_back("reason=" + render_value(r.reason));
        for (const auto& [name, value] : r.properties)
            if (is_property_name(name)) words.push_back(name + "=" + render_pvalue(value));
        // RFC 8601 2.2: CFWS may follow a pvalue (or the result); a comment
        // is free text for people, never parsed as a result.
        if (!r.comment.empty()) words.push_back(render_comment(r.comment));
        if (i + 1 < results_.size()) words.back() += ";";
        f.new_line();
        for (const std::string& w : words)
            f.word(w);
    }
    return f.finish();
}

}  // namespace tern::mailauth::results
