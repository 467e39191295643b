// Delivery status notifications: the bounce (or delay/success notice) the
// queue sends to a message's envelope sender.
//
// build_dsn() turns what the queue knows about a message's recipients into
// one complete RFC 5322 message, CRLF line ends, meant to be sent with the
// null reverse-path MAIL FROM:<> (RFC 5321 4.5.5, RFC 3461 6.2). It never
// fails and never throws; hostile values (a remote reply containing
// "\r\nBcc: x", NULs, 8-bit junk) are sanitized so that no field can start a
// header line or a MIME boundary of its own.
//
// The message (RFC 6522 multipart/report, RFC 3464 delivery-status):
//   From: "Mail Delivery System" <MAILER-DAEMON@reporting_mta>
//   To, Date, Message-ID, Subject, Auto-Submitted: auto-replied (RFC 3834 5)
//   part 1  text/plain: a human explanation, one paragraph per recipient,
//           quoting the remote server's reply;
//   part 2  message/delivery-status: RFC 3464 2.2 per-message fields
//           (Original-Envelope-Id, Reporting-MTA, Arrival-Date) and 2.3
//           per-recipient fields (Original-Recipient, Final-Recipient, Action,
//           Status, Remote-MTA, Diagnostic-Code, Last-Attempt-Date,
//           Will-Retry-Until);
//   part 3  message/rfc822 with the original byte for byte when RET=FULL
//           (RFC 3461 4.3) and it is at most max_original bytes; otherwise
//           text/rfc822-headers with its header section (RFC 6522 4), and the
//           text part says why.
// SMTPUTF8 mail (RFC 6533): when DsnInput::smtputf8 is set, or the original's
// header section or any address is not ASCII,
// part 2 is message/global-delivery-status, part 3 message/global or
// message/global-headers, and non-ASCII addresses use the "utf-8" address
// type. Otherwise every field is 7-bit (non-ASCII bytes become '?'); an
// 8-bit body alone (8BITMIME) stays message/rfc822 labelled 8bit.
//
// Status (RFC 3463): taken from DsnRecipient::status when it is a valid
// "class.subject.detail" code; otherwise derived from the enhanced code or
// the basic code of an SMTP reply, or from the action (5.0.0 failed,
// 4.0.0 delayed, 2.0.0 otherwise).
//
// The caller must not build a DSN for a message whose envelope sender was
// null (RFC 5321 6.1, RFC 3461 6.2: no bounces of bounces).
//
// RFCs: RFC 3464, RFC 3461 4.3 and 6, RFC 3463, RFC 6522, RFC 6533,
// RFC 3834 5, RFC 5322 2.1.1 and 2.2.3 (line length, folding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tern::queue {

struct DsnRecipient {
    std::string final_recipient;     // the address we tried ("user@example.org")
    std::string original_recipient;  // ORCPT as received ("rfc822;User@Example.org"), may be empty
    enum class Action { failed, delayed, delivered, relayed, expanded } action = Action::failed;
    std::string status;              // "5.1.1" (RFC 3463); derived from the reply if empty
    std::string remote_mta;          // host name of the server that answered, may be empty
    std::string diagnostic;          // the remote reply "550 5.1.1 no such user", or our reason
    bool diagnostic_is_smtp = true;  // Diagnostic-Code "smtp; <reply>"; else "x-tern; <text>"
    int64_t last_attempt = 0;        // unix seconds, 0: omit
    int64_t will_retry_until = 0;    // delayed only; 0: omit
};

struct DsnInput {
    std::string reporting_mta;  // our host name (Reporting-MTA: dns; ...)
    std::string recipient;      // the envelope sender of the original = To: of the DSN
    std::string envid;          // ENVID as queued (xtext-decoded), written as Original-Envelope-Id
    int64_t arrival_date = 0;   // 0: omit
    bool return_full = false;   // RET=FULL: whole original; else headers only (RFC 3461 4.3)
    std::string original;       // raw original message (CRLF)
    std::vector<DsnRecipient> recipients;
    int64_t now = 0;
    std::string message_id;  // Message-ID to use (without <>); the caller makes it unique
    bool smtputf8 = false;   // the original came with SMTPUTF8: always use the RFC 6533 types
    // RET=FULL originals above this size are returned as headers only.
    std::size_t max_original = 10 * 1024 * 1024;
};

// The whole DSN message, CRLF line ends, ready for the null sender <>.
std::string build_dsn(const DsnInput& in);

// The RFC 3463 status build_dsn() writes for `r` (exposed for the queue's
// logs and for tests).
std::string dsn_status(const DsnRecipient& r);

}  // namespace tern::queue
