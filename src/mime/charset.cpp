#include "mime/charset.hpp"

#include <iconv.h>

#include <cerrno>

#include "base/strings.hpp"

namespace tern::mime {

namespace {

// Names seen in real mail that iconv spells differently.
std::string iconv_name(std::string_view charset) {
    std::string name = to_lower(trim(charset));
    if (name == "ks_c_5601-1987" || name == "ks_c_5601") return "CP949";
    if (name == "x-sjis" || name == "shift-jis") return "SHIFT_JIS";
    if (name == "x-euc-jp") return "EUC-JP";
    if (name == "x-gbk") return "GBK";
    if (name == "unicode-1-1-utf-7") return "UTF-7";
    return name;
}

bool is_ascii_or_utf8(std::string_view name) {
    return name == "us-ascii" || name == "ascii" || name == "utf-8" || name == "utf8" ||
           name == "ansi_x3.4-1968";
}

}  // namespace

std::string to_utf8(std::string_view charset, std::string_view bytes, bool* known) {
    std::string name = iconv_name(charset);
    if (known) *known = true;
    if (is_ascii_or_utf8(name)) return std::string(bytes);
    iconv_t cd = iconv_open("UTF-8", name.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        if (known) *known = false;
        return std::string(bytes);  // unknown charset: kept as-is
    }
    std::string out;
    out.reserve(bytes.size() * 2 + 16);
    char* in = const_cast<char*>(bytes.data());
    std::size_t in_left = bytes.size();
    char buf[1024];
    while (in_left > 0) {
        char* o = buf;
        std::size_t o_left = sizeof buf;
        std::size_t rc = iconv(cd, &in, &in_left, &o, &o_left);
        out.append(buf, static_cast<std::size_t>(o - buf));
        if (rc != static_cast<std::size_t>(-1) || errno == E2BIG) continue;
        // EILSEQ or EINVAL (truncated input): one replacement, skip one byte.
        out += "\xEF\xBF\xBD";
        ++in;
        --in_left;
    }
    // Returns a stateful encoding (ISO-2022-JP) to its initial shift state.
    char* o = buf;
    std::size_t o_left = sizeof buf;
    iconv(cd, nullptr, nullptr, &o, &o_left);
    out.append(buf, static_cast<std::size_t>(o - buf));
    iconv_close(cd);
    return out;
}

}  // namespace tern::mime
