// ESMTP parameters of MAIL and RCPT (RFC 5321 4.1.2 esmtp-param), split and
// then checked and typed for every extension Tern implements:
//
//   MAIL: SIZE=n (RFC 1870), BODY=7BIT|8BITMIME|BINARYMIME (RFC 6152,
//         RFC 3030), SMTPUTF8 (RFC 6531), REQUIRETLS (RFC 8689),
//         RET=FULL|HDRS and ENVID=xtext (RFC 3461 4.3, 4.4),
//         AUTH=xtext(<mailbox> or "<>") (RFC 4954 5)
//   RCPT: NOTIFY=NEVER|SUCCESS,FAILURE,DELAY and ORCPT=addr-type;xtext
//         (RFC 3461 4.1, 4.2)
//
// Promises: pure, never throw. Errors are syntax_failure()s:
//   501 5.5.4  malformed parameter or value
//   555 5.5.4  unknown parameter, or a parameter given twice
//              (RFC 5321 4.1.1.11: "MAIL FROM/RCPT TO parameters not recognized")
// Keywords compare case-insensitively and are kept upper-cased; values are
// kept as sent in EsmtpParam and decoded in the typed structs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "smtp/proto/address.hpp"

namespace tern::smtp {

struct EsmtpParam {
    std::string keyword;               // upper-cased
    std::optional<std::string> value;  // raw, as sent

    bool operator==(const EsmtpParam&) const = default;
};

enum class BodyType { seven_bit, eight_bit_mime, binary_mime };
enum class DsnReturn { full, headers };

struct DsnNotify {
    bool never = false;
    bool success = false;
    bool failure = false;
    bool delay = false;

    bool operator==(const DsnNotify&) const = default;
};

struct OriginalRecipient {
    std::string addr_type;  // e.g. "rfc822", as sent
    std::string address;    // xtext-decoded
};

struct AuthParam {
    std::optional<Mailbox> mailbox;  // nullopt for AUTH=<> (identity unknown)
};

struct MailParams {
    std::optional<std::uint64_t> size;
    std::optional<BodyType> body;
    bool smtputf8 = false;
    bool requiretls = false;
    std::optional<DsnReturn> ret;
    std::optional<std::string> envid;  // xtext-decoded
    std::optional<AuthParam> auth;
};

struct RcptParams {
    std::optional<DsnNotify> notify;
    std::optional<OriginalRecipient> orcpt;
};

// Splits "KEY=value KEY2" (the text after the path). Checks keyword and
// value syntax and duplicates; UTF-8 values need allow_utf8 (RFC 6531 3.3).
Result<std::vector<EsmtpParam>> split_params(std::string_view text, bool allow_utf8);

Result<MailParams> type_mail_params(const std::vector<EsmtpParam>& params, bool allow_utf8);
Result<RcptParams> type_rcpt_params(const std::vector<EsmtpParam>& params);

}  // namespace tern::smtp
