// IpAddress: an IPv4 or IPv6 address as a value, for DNS answers (A, AAAA),
// client addresses and CIDR matching (SPF ip4/ip6/a/mx, DNS blocklists).
//
// parse() accepts dotted-quad IPv4 and RFC 4291 2.2 text IPv6 (inet_pton
// rules); anything else is nullopt, never an exception. to_string() gives the
// RFC 5952 canonical text. reverse_name() gives the RFC 1035 3.5 in-addr.arpa
// or RFC 3596 2.5 ip6.arpa name used for PTR queries.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tern::dns {

struct IpAddress {
    enum class Family : std::uint8_t { v4, v6 };

    Family family = Family::v4;
    // IPv4 uses bytes[0..3]; the rest stays zero so == compares values.
    std::array<std::uint8_t, 16> bytes{};

    static std::optional<IpAddress> parse(std::string_view text);
    static IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);

    bool is_v4() const { return family == Family::v4; }
    bool is_v6() const { return family == Family::v6; }
    int bit_length() const { return is_v4() ? 32 : 128; }

    // RFC 4291 2.5.5.2: ::ffff:a.b.c.d carries an IPv4 address.
    bool is_v4_mapped() const;
    // The IPv4 address inside a mapped IPv6 address; otherwise *this.
    IpAddress unmapped() const;

    // True when the first `prefix` bits equal those of `network` (same family;
    // prefix is clamped to the address length).
    bool in_network(const IpAddress& network, int prefix) const;

    std::string to_string() const;
    std::string reverse_name() const;

    bool operator==(const IpAddress&) const = default;
};

}  // namespace tern::dns
