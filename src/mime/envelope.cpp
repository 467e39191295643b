#include "mime/envelope.hpp"

#include "mime/address.hpp"
#include "mime/imap_string.hpp"

namespace tern::mime {

namespace {

std::optional<std::string> nstring_field(const std::vector<HeaderField>& fields,
                                         std::string_view name) {
    const HeaderField* f = find_field(fields, name);
    if (!f) return std::nullopt;
    return field_text(f->value);
}

// RFC 9051 7.5.2: address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"
void append_address(std::string& out, const Address& a) {
    out.push_back('(');
    switch (a.kind) {
        case Address::Kind::group_start:
            out += "NIL NIL ";
            append_string(out, a.name.value_or(""));
            out += " NIL";
            break;
        case Address::Kind::group_end:
            out += "NIL NIL NIL NIL";
            break;
        case Address::Kind::mailbox:
            append_nstring(out, a.name);
            out.push_back(' ');
            append_nstring(out, a.route);
            out.push_back(' ');
            append_string(out, a.mailbox.empty() ? "MISSING_MAILBOX" : a.mailbox);
            out.push_back(' ');
            append_string(out, a.host.empty() ? "MISSING_DOMAIN" : a.host);
            break;
    }
    out.push_back(')');
}

// env-from etc. = "(" 1*address ")" / nil
bool append_addresses(std::string& out, const std::vector<HeaderField>& fields,
                      std::string_view name) {
    const HeaderField* f = find_field(fields, name);
    if (!f) return false;
    std::vector<Address> list = parse_address_list(unfold(f->value));
    if (list.empty()) return false;
    out.push_back('(');
    for (const auto& a : list)
        append_address(out, a);
    out.push_back(')');
    return true;
}

}  // namespace

std::string envelope_of(const std::vector<HeaderField>& fields) {
    std::string out = "(";
    append_nstring(out, nstring_field(fields, "Date"));
    out.push_back(' ');
    append_nstring(out, nstring_field(fields, "Subject"));
    out.push_back(' ');
    std::string from;
    if (!append_addresses(from, fields, "From")) from = "NIL";
    out += from;
    // RFC 9051 7.5.2: "If the Sender or Reply-To header lines are absent in the
    // [RFC5322] header, or are present but empty, the server sets the
    // corresponding member of the envelope to be the same value as the from member".
    for (const char* name : {"Sender", "Reply-To"}) {
        out.push_back(' ');
        if (!append_addresses(out, fields, name)) out += from;
    }
    for (const char* name : {"To", "Cc", "Bcc"}) {
        out.push_back(' ');
        if (!append_addresses(out, fields, name)) out += "NIL";
    }
    out.push_back(' ');
    append_nstring(out, nstring_field(fields, "In-Reply-To"));
    out.push_back(' ');
    append_nstring(out, nstring_field(fields, "Message-ID"));
    out.push_back(')');
    return out;
}

std::string envelope(const Message& message) {
    return envelope_of(message.root.fields);
}

}  // namespace tern::mime
