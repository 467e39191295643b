// The header work SMTP reception does on a message: trace fields it adds
// (RFC 5321 4.4), and a light look at the header block (which fields are
// present, the From: addresses) for submission. Full MIME parsing lives in
// mime/ and is not needed to accept mail.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tern::smtp {

struct ReceivedInfo {
    std::string helo;  // what the client said in EHLO/HELO
    std::string remote_ip;
    std::string hostname;     // ours
    std::string with;         // RFC 3848: SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA, UTF8SMTPS...
    std::string id;           // our queue id
    std::string tls_version;  // empty without TLS
    std::string tls_cipher;
    int tls_bits = 0;
    std::string for_address;  // only when there is exactly one recipient
    int64_t date = 0;
};

// "Received: from helo ([ip]) by host (Tern) with ESMTPS id X (TLS...) for <a>; date\r\n"
// folded into lines under 78 octets where possible.
std::string received_header(const ReceivedInfo& info);

struct HeaderScan {
    std::size_t header_end = 0;  // offset of the body (after the empty line), or size if none
    bool has_message_id = false;
    bool has_date = false;
    bool has_from = false;
    bool eight_bit = false;                   // octets >= 0x80 in the header block
    std::vector<std::string> from_addresses;  // addr-specs found in From:
};

HeaderScan scan_headers(std::string_view message);

// The addr-specs of an RFC 5322 address list (3.4): angle-addrs and bare
// addr-specs, group syntax, comments and quoted display names skipped.
std::vector<std::string> extract_addresses(std::string_view value);

}  // namespace tern::smtp
