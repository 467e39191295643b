// Structured MIME header values: Content-Type (RFC 2045 5.1),
// Content-Disposition (RFC 2183) and their parameters, with RFC 2231
// continuations ("title*0*=", "title*1=") and charset/language
// ("us-ascii'en'This%20is") decoded to UTF-8.
//
// Parsing never fails: a value that is not "type/subtype" yields
// ContentType::valid == false, and the caller applies RFC 2045 5.2's default
// (text/plain; charset=us-ascii). Parameter names are lowercased; the first
// occurrence of a name wins. Comments (RFC 5322 3.2.2) are skipped.
//
// RFCs: RFC 2045 5.1, 5.2; RFC 2183 2; RFC 2231 3, 4; RFC 5322 3.2.2.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tern::mime {

struct Param {
    std::string name;   // lowercase, without RFC 2231 "*" / "*N" suffixes
    std::string value;  // unquoted; RFC 2231 sections joined and converted to UTF-8
};

using Params = std::vector<Param>;

// The value of the parameter `name` (lowercase), or nullptr.
const std::string* find_param(const Params& params, std::string_view name);

struct ContentType {
    std::string type;     // lowercase, e.g. "text"
    std::string subtype;  // lowercase, e.g. "plain"
    Params params;
    bool valid = false;  // false: absent or not "type/subtype"
};

struct Disposition {
    std::string type;  // lowercase, e.g. "attachment"
    Params params;
};

ContentType parse_content_type(std::string_view value);
Disposition parse_disposition(std::string_view value);

// The parameter list after the first ";" of a structured value (exposed for tests).
Params parse_params(std::string_view text);

}  // namespace tern::mime
