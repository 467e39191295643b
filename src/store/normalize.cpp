#include "store/normalize.hpp"

#include <algorithm>
#include <array>

#include "base/strings.hpp"

namespace tern::store {
namespace {

constexpr std::array<std::string_view, 5> kSystemFlags = {"\\Answered", "\\Deleted", "\\Draft",
                                                          "\\Flagged", "\\Seen"};

// RFC 9051 9: atom-specials are "(" ")" "{" SP CTL list-wildcards
// quoted-specials resp-specials; a keyword is an atom.
bool is_atom_char(unsigned char c) {
    // ATOM-CHAR is a 7-bit CHAR, so 8-bit bytes are refused too.
    if (c <= 0x20 || c >= 0x7f) return false;
    switch (c) {
        case '(':
        case ')':
        case '{':
        case '%':
        case '*':
        case '"':
        case '\\':
        case ']':
            return false;
        default:
            return true;
    }
}

}  // namespace

Result<std::string> canonical_flag(std::string_view flag) {
    if (flag.empty()) return fail(Errc::invalid, "empty flag");
    if (flag.size() > kMaxFlag) return fail(Errc::limit, "flag too long");
    if (flag.front() == '\\') {
        for (auto system : kSystemFlags)
            if (iequals(flag, system)) return std::string(system);
        return fail(Errc::invalid, "not a storable system flag: " + std::string(flag));
    }
    for (unsigned char c : flag)
        if (!is_atom_char(c)) return fail(Errc::invalid, "bad character in keyword");
    return std::string(flag);
}

Result<std::vector<std::string>> normalize_flags(const std::vector<std::string>& flags) {
    std::vector<std::string> out;
    out.reserve(flags.size());
    for (const auto& flag : flags) {
        auto canonical = canonical_flag(flag);
        if (!canonical) return canonical.failure();
        if (!has_flag(out, *canonical)) out.push_back(std::move(*canonical));
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool has_flag(const std::vector<std::string>& flags, std::string_view flag) {
    return std::any_of(flags.begin(), flags.end(),
                       [flag](const std::string& f) { return iequals(f, flag); });
}

std::vector<std::string> apply_flags(const std::vector<std::string>& current, FlagOp op,
                                     const std::vector<std::string>& flags) {
    std::vector<std::string> out;
    switch (op) {
        case FlagOp::replace:
            out = flags;
            break;
        case FlagOp::add:
            out = current;
            for (const auto& f : flags)
                if (!has_flag(out, f)) out.push_back(f);
            break;
        case FlagOp::remove:
            for (const auto& f : current)
                if (!has_flag(flags, f)) out.push_back(f);
            break;
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string join_flags(const std::vector<std::string>& flags) {
    std::string out;
    for (const auto& f : flags) {
        if (!out.empty()) out += ' ';
        out += f;
    }
    return out;
}

std::vector<std::string> split_flags(std::string_view joined) {
    std::vector<std::string> out;
    for (auto part : split(joined, ' '))
        if (!part.empty()) out.emplace_back(part);
    return out;
}

Result<std::string> canonical_mailbox_name(std::string_view name) {
    if (name.empty()) return fail(Errc::invalid, "empty mailbox name");
    if (name.size() > kMaxMailboxName) return fail(Errc::limit, "mailbox name too long");
    if (name.front() == '/' || name.back() == '/' || name.find("//") != std::string_view::npos)
        return fail(Errc::invalid, "empty hierarchy level in mailbox name");
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7f) return fail(Errc::invalid, "control character in mailbox name");
    // RFC 9051 5.1: INBOX is case-insensitive; other names are case-sensitive.
    if (iequals(name, "INBOX")) return std::string("INBOX");
    return std::string(name);
}

bool is_inbox(std::string_view canonical_name) {
    return canonical_name == "INBOX";
}

Result<std::string> normalize_domain(std::string_view domain) {
    if (domain.empty() || domain.size() > 255) return fail(Errc::invalid, "bad domain length");
    for (unsigned char c : domain)
        if (c <= 0x20 || c == 0x7f || c == '@')
            return fail(Errc::invalid, "bad character in domain");
    return to_lower(domain);
}

Result<NormalAddress> normalize_address(std::string_view address, bool allow_empty_local) {
    const auto at = address.rfind('@');
    if (at == std::string_view::npos) return fail(Errc::invalid, "address without '@'");
    const auto local = address.substr(0, at);
    if (local.empty() && !allow_empty_local) return fail(Errc::invalid, "empty local part");
    // RFC 5321 4.5.3.1.1: a local part is at most 64 octets.
    if (local.size() > 64) return fail(Errc::invalid, "local part longer than 64 octets");
    for (unsigned char c : local)
        if (c <= 0x20 || c == 0x7f) return fail(Errc::invalid, "bad character in local part");
    auto domain = normalize_domain(address.substr(at + 1));
    if (!domain) return domain.failure();
    NormalAddress out;
    out.address = std::string(local) + "@" + *domain;
    out.key = to_lower(out.address);
    out.domain = std::move(*domain);
    return out;
}

}  // namespace tern::store
