#include "mime/imap_grammar.hpp"

#include "base/strings.hpp"

namespace tern::mime::testing {

namespace {

struct Failed {
    std::string why;
};

class Checker {
  public:
    Checker(std::string_view s, bool ext) : s_(s), ext_(ext) {}

    void envelope() {
        // envelope = "(" env-date SP env-subject SP env-from SP env-sender SP
        //   env-reply-to SP env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"
        expect('(');
        nstring();
        sp();
        nstring();
        for (int i = 0; i < 6; ++i) {
            sp();
            address_list();
        }
        sp();
        nstring();
        sp();
        nstring();
        expect(')');
    }

    void body(const std::string& prefix, bool message_body) {
        expect('(');
        if (peek() == '(') {
            // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
            int n = 0;
            while (peek() == '(') {
                ++n;
                body(join(prefix, n), false);
            }
            sp();
            string();
            if (peek() == ' ') {
                if (!ext_) fail("extension data in BODY");
                sp();
                body_fld_param();
                ext_tail();
            }
        } else {
            one_part(message_body ? join(prefix, 1) : prefix);
        }
        expect(')');
    }

    void finish() {
        if (pos_ != s_.size()) fail("trailing bytes");
    }

    std::vector<GrammarPart> parts;

  private:
    static std::string join(const std::string& prefix, int n) {
        return prefix.empty() ? std::to_string(n) : prefix + "." + std::to_string(n);
    }

    [[noreturn]] void fail(const std::string& why) {
        throw Failed{why + " at offset " + std::to_string(pos_) + ": '" +
                     std::string(s_.substr(pos_, 40)) + "'"};
    }
    char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    void sp() { expect(' '); }
    bool nil() {
        if (s_.size() - pos_ >= 3 && iequals(s_.substr(pos_, 3), "NIL")) {
            pos_ += 3;
            return true;
        }
        return false;
    }
    std::size_t number() {
        std::size_t start = pos_;
        std::size_t n = 0;
        while (peek() >= '0' && peek() <= '9')
            n = n * 10 + static_cast<std::size_t>(s_[pos_++] - '0');
        if (pos_ == start) fail("expected a number");
        if (pos_ - start > 19) fail("number too long");
        return n;
    }
    // string = quoted / literal
    std::string string() {
        std::string out;
        if (peek() == '"') {
            ++pos_;
            while (true) {
                if (pos_ >= s_.size()) fail("unterminated quoted string");
                char c = s_[pos_++];
                if (c == '"') break;
                if (c == '\\') {
                    char e = peek();
                    if (e != '"' && e != '\\') fail("bad escape in quoted string");
                    out.push_back(e);
                    ++pos_;
                    continue;
                }
                // QUOTED-CHAR: TEXT-CHAR (any CHAR except CR and LF), 7-bit here.
                auto u = static_cast<unsigned char>(c);
                if (u == 0 || u == '\r' || u == '\n' || u >= 0x80)
                    fail("bad byte in quoted string");
                out.push_back(c);
            }
            return out;
        }
        if (peek() == '{') {
            // literal = "{" number64 ["+"] "}" CRLF *CHAR8
            ++pos_;
            std::size_t n = number();
            expect('}');
            expect('\r');
            expect('\n');
            if (s_.size() - pos_ < n) fail("literal runs past the end");
            out = std::string(s_.substr(pos_, n));
            if (out.find('\0') != std::string::npos) fail("NUL in literal");
            pos_ += n;
            return out;
        }
        fail("expected a string");
    }
    bool nstring(std::string* value = nullptr) {
        if (nil()) return false;
        std::string v = string();
        if (value) *value = v;
        return true;
    }

    void address_list() {
        // env-from = "(" 1*address ")" / nil; groups must balance (RFC 9051 7.5.2)
        if (nil()) return;
        expect('(');
        int depth = 0;
        int count = 0;
        while (peek() == '(') {
            ++count;
            ++pos_;
            bool name = nstring();
            sp();
            nstring();  // addr-adl
            sp();
            bool mailbox = nstring();
            sp();
            bool host = nstring();
            expect(')');
            if (!host) {
                if (mailbox && !name)
                    ++depth;  // group start
                else if (!mailbox && !name && depth > 0)
                    --depth;  // group end
                else
                    fail("address with NIL host is neither group start nor end");
            } else if (!mailbox) {
                fail("address without mailbox");
            }
        }
        if (count == 0) fail("empty address list");
        if (depth != 0) fail("unbalanced group");
        expect(')');
    }

    void body_fld_param() {
        if (nil()) return;
        expect('(');
        string();
        sp();
        string();
        while (peek() == ' ') {
            sp();
            string();
            sp();
            string();
        }
        expect(')');
    }

    void body_fld_dsp() {
        if (nil()) return;
        expect('(');
        string();
        sp();
        body_fld_param();
        expect(')');
    }

    void body_fld_lang() {
        if (peek() != '(') {
            nstring();
            return;
        }
        expect('(');
        string();
        while (peek() == ' ') {
            sp();
            string();
        }
        expect(')');
    }

    void body_extension() {
        if (peek() == '(') {
            expect('(');
            body_extension();
            while (peek() == ' ') {
                sp();
                body_extension();
            }
            expect(')');
        } else if (peek() >= '0' && peek() <= '9') {
            number();
        } else {
            nstring();
        }
    }

    // [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]
    void ext_tail() {
        if (peek() != ' ') return;
        sp();
        body_fld_dsp();
        if (peek() != ' ') return;
        sp();
        body_fld_lang();
        if (peek() != ' ') return;
        sp();
        nstring();
        while (peek() == ' ') {
            sp();
            body_extension();
        }
    }

    void one_part(const std::string& path) {
        std::string type = to_upper(string());
        sp();
        std::string subtype = to_upper(string());
        // body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP
        // body-fld-octets
        sp();
        body_fld_param();
        sp();
        nstring();
        sp();
        nstring();
        sp();
        std::string enc = to_upper(string());
        sp();
        GrammarPart part{path, number(), enc, type + "/" + subtype, false};
        bool is_msg = type == "MESSAGE" && (subtype == "RFC822" || subtype == "GLOBAL");
        part.is_message = is_msg;
        parts.push_back(part);
        if (is_msg) {
            // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines
            sp();
            envelope();
            sp();
            body(path, true);
            sp();
            number();
        } else if (type == "TEXT") {
            sp();
            number();  // body-fld-lines
        }
        if (peek() == ' ') {
            if (!ext_) fail("extension data in BODY");
            sp();
            nstring();  // body-fld-md5
            ext_tail();
        }
    }

    std::string_view s_;
    bool ext_;
    std::size_t pos_ = 0;
};

}  // namespace

GrammarResult check_body(std::string_view text, bool extensible) {
    GrammarResult r;
    Checker c(text, extensible);
    try {
        c.body("", true);
        c.finish();
        r.ok = true;
        r.parts = std::move(c.parts);
    } catch (const Failed& f) {
        r.error = f.why;
    }
    return r;
}

GrammarResult check_envelope(std::string_view text) {
    GrammarResult r;
    Checker c(text, false);
    try {
        c.envelope();
        c.finish();
        r.ok = true;
    } catch (const Failed& f) {
        r.error = f.why;
    }
    return r;
}

}  // namespace tern::mime::testing
