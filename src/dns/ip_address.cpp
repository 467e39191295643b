#include "dns/ip_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace tern::dns {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    // inet_pton needs a NUL-terminated string; an address is at most 45 chars
    // (RFC 4291 text with an embedded IPv4 part), so anything longer is bad.
    if (text.empty() || text.size() > 45) return std::nullopt;
    // An embedded NUL would hide the rest of the text from inet_pton.
    if (text.find('\0') != std::string_view::npos) return std::nullopt;
    char buf[46];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    IpAddress ip;
    if (inet_pton(AF_INET, buf, ip.bytes.data()) == 1) {
        ip.family = Family::v4;
        return ip;
    }
    if (inet_pton(AF_INET6, buf, ip.bytes.data()) == 1) {
        ip.family = Family::v6;
        return ip;
    }
    return std::nullopt;
}

IpAddress IpAddress::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    IpAddress ip;
    ip.bytes[0] = a;
    ip.bytes[1] = b;
    ip.bytes[2] = c;
    ip.bytes[3] = d;
    return ip;
}

bool IpAddress::is_v4_mapped() const {
    if (!is_v6()) return false;
    for (int i = 0; i < 10; ++i) {
        if (bytes[i] != 0) return false;
    }
    return bytes[10] == 0xff && bytes[11] == 0xff;
}

IpAddress IpAddress::unmapped() const {
    if (!is_v4_mapped()) return *this;
    return v4(bytes[12], bytes[13], bytes[14], bytes[15]);
}

bool IpAddress::in_network(const IpAddress& network, int prefix) const {
    if (family != network.family) return false;
    if (prefix < 0) prefix = 0;
    if (prefix > bit_length()) prefix = bit_length();
    const int full = prefix / 8;
    for (int i = 0; i < full; ++i) {
        if (bytes[i] != network.bytes[i]) return false;
    }
    const int rest = prefix % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (bytes[full] & mask) == (network.bytes[full] & mask);
}

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN];
    const int af = is_v4() ? AF_INET : AF_INET6;
    if (inet_ntop(af, bytes.data(), buf, sizeof buf) == nullptr) return {};
    return buf;
}

std::string IpAddress::reverse_name() const {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    if (is_v4()) {
        // RFC 1035 3.5: octets in reverse order under in-addr.arpa.
        for (int i = 3; i >= 0; --i) {
            out += std::to_string(bytes[i]);
            out += '.';
        }
        return out + "in-addr.arpa";
    }
    // RFC 3596 2.5: nibbles in reverse order under ip6.arpa.
    for (int i = 15; i >= 0; --i) {
        out += hex[bytes[i] & 0x0f];
        out += '.';
        out += hex[bytes[i] >> 4];
        out += '.';
    }
    return out + "ip6.arpa";
}

}  // namespace tern::dns
