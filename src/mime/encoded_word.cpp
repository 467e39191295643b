#include "mime/encoded_word.hpp"

#include "base/strings.hpp"
#include "mime/charset.hpp"
#include "mime/decode.hpp"
#include "mime/header.hpp"

namespace tern::mime {

namespace {

struct EncodedWord {
    std::string charset;  // without an RFC 2231 language suffix
    std::string bytes;    // decoded, still in charset
    std::size_t end = 0;  // index just past "?="
};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// RFC 2047 4.2: Q encoding; "_" is a space, "=XX" a byte.
std::string decode_q(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '_') {
            out.push_back(' ');
        } else if (c == '=' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
                   hex_digit(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// Finds encoded-words left to right in linear time: each search below only
// moves forward, so its last answer is kept and reused (a header full of
// "=?" openers must not cost quadratic time).
class WordFinder {
  public:
    explicit WordFinder(std::string_view text) : text_(text) {}

    // Parses an encoded-word starting at text[pos] == '='. RFC 2047 2:
    // encoded-word = "=?" charset "?" encoding "?" encoded-text "?="
    bool parse(std::size_t pos, EncodedWord& word) {
        if (text_.compare(pos, 2, "=?") != 0) return false;
        std::size_t q1 =
            next(question_, pos + 2, [&](std::size_t from) { return text_.find('?', from); });
        if (q1 == std::string_view::npos || q1 == pos + 2) return false;
        if (q1 + 2 >= text_.size() || text_[q1 + 2] != '?') return false;
        // RFC 2047 2: no whitespace inside the charset.
        if (next(charset_space_, pos + 2, [&](std::size_t from) { return space_after(from); }) < q1)
            return false;
        char enc = ascii_upper(text_[q1 + 1]);
        if (enc != 'B' && enc != 'Q') return false;
        std::size_t start = q1 + 3;
        std::size_t close =
            next(close_, start, [&](std::size_t from) { return text_.find("?=", from); });
        if (close == std::string_view::npos) return false;
        // RFC 2047 5: encoded-text never contains whitespace; a word that does is not one.
        if (next(text_space_, start, [&](std::size_t from) { return space_after(from); }) < close)
            return false;
        std::string_view charset = text_.substr(pos + 2, q1 - pos - 2);
        // RFC 2231 5: charset*language.
        if (std::size_t star = charset.find('*'); star != std::string_view::npos)
            charset = charset.substr(0, star);
        std::string_view payload = text_.substr(start, close - start);
        word.charset = to_lower(charset);
        word.bytes = enc == 'B' ? decode_base64(payload) : decode_q(payload);
        word.end = close + 2;
        return true;
    }

  private:
    struct Cache {
        bool valid = false;
        std::size_t from = 0;
        std::size_t at = 0;
    };

    // The first match at or after `from`; queries on one cache never go backwards.
    template <class Search>
    std::size_t next(Cache& cache, std::size_t from, Search search) {
        if (!cache.valid || from < cache.from ||
            (cache.at != std::string_view::npos && cache.at < from)) {
            cache.at = search(from);
            cache.from = from;
            cache.valid = true;
        }
        return cache.at;
    }

    std::size_t space_after(std::size_t from) const { return text_.find_first_of(" \t\r\n", from); }

    std::string_view text_;
    Cache question_, charset_space_, close_, text_space_;
};

bool only_whitespace(std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::string decode_header_text(std::string_view folded) {
    // RFC 5322 2.2.3: unfold first, so words split over lines join.
    std::string unfolded = unfold(folded);
    std::string_view text = unfolded;
    std::string out;
    std::size_t pos = 0;
    std::string pending_charset;  // a run of adjacent words in one charset
    std::string pending_bytes;
    bool have_pending = false;
    bool last_was_word = false;
    std::size_t literal_start = 0;  // text not yet copied
    auto flush = [&] {
        if (have_pending) out += to_utf8(pending_charset, pending_bytes);
        have_pending = false;
        pending_bytes.clear();
    };
    WordFinder finder(text);
    while (pos < text.size()) {
        std::size_t at = text.find("=?", pos);
        if (at == std::string_view::npos) break;
        EncodedWord word;
        if (!finder.parse(at, word)) {
            pos = at + 1;
            continue;
        }
        std::string_view between = text.substr(literal_start, at - literal_start);
        // RFC 2047 6.2: whitespace separating two encoded-words is not displayed.
        if (!(last_was_word && only_whitespace(between))) {
            flush();
            out += between;
        }
        if (have_pending && pending_charset != word.charset) flush();
        pending_charset = word.charset;
        pending_bytes += word.bytes;
        have_pending = true;
        last_was_word = true;
        pos = literal_start = word.end;
    }
    flush();
    out += text.substr(literal_start);
    return out;
}

}  // namespace tern::mime
