// SMTP client: hands one message at a time to a remote SMTP server over an
// open Stream (the queue's outbound deliveries, DESIGN.md "queue ->
// smtp/client").
//
// A session: greeting() (220 expected), hello() (EHLO, HELO when EHLO is
// refused with 5xx, RFC 5321 3.2), optionally starttls() (RFC 3207; EHLO is
// sent again after the handshake, 4.2) and authenticate() (RFC 4954 with
// PLAIN, RFC 4616, else LOGIN), then send() any number of times, then
// quit(). Every call answers in Replies, never throws for what the peer
// does: a garbled reply, a lost connection or a timeout becomes Reply{0}
// with a text saying what happened, and the session is then unusable
// (usable() false; later calls answer at once without I/O).
//
// send() (RFC 5321 3.3, 4.1.1.2-4.1.1.4) sends MAIL with SIZE= (RFC 1870),
// BODY=8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), REQUIRETLS (RFC 8689),
// RET/ENVID (RFC 3461) as the peer allows, RCPT with NOTIFY/ORCPT when the
// peer has DSN, then DATA (dot-stuffed, RFC 5321 4.5.2) or BDAT (RFC 3030).
// With PIPELINING, MAIL, every RCPT (and DATA) go in one write (RFC 2920
// 3.1). Its result has exactly one Reply per recipient; see SendResult.
// Messages the peer cannot take are not sent and get a synthetic reply:
// SMTPUTF8 needed and not offered: 553 5.6.7 (RFC 6531 3.4); REQUIRETLS
// asked and not offered or no TLS: 550 5.7.30 (RFC 8689 4.2.1); larger than
// the peer's SIZE: 552 5.3.4 (RFC 1870 6.1); an address with control
// characters or angle brackets: 553 5.1.7 (sender) / 5.1.3 (recipient).
//
// Timeouts (RFC 5321 4.5.3.2): command_timeout for every command reply and
// write, data_timeout for the reply to the end of the message.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/line_reader.hpp"
#include "net/stream.hpp"
#include "net/task.hpp"

namespace tern::smtp::client {

struct Reply {                       // one (possibly multi-line) SMTP reply
    int code = 0;                    // 0: none (connection failed before a reply)
    std::string enhanced;            // "5.1.1" when the server sent one (RFC 2034), else ""
    std::vector<std::string> lines;  // texts without code/enhanced code
    std::string text() const;        // "550 5.1.1 no such user" (lines joined by spaces), for DSNs
    bool positive() const { return code >= 200 && code < 400; }
    bool transient() const { return (code >= 400 && code < 500) || code == 0; }

    // Reply{0} saying what went wrong ("timeout waiting for reply to DATA").
    static Reply none(std::string why);
};

struct Capabilities {
    bool esmtp = false, pipelining = false, starttls = false, eight_bit_mime = false,
         smtputf8 = false, chunking = false, dsn = false, enhanced_status_codes = false,
         requiretls = false;
    std::optional<uint64_t> size;   // SIZE n (0 = no fixed limit); nullopt: not announced
    std::vector<std::string> auth;  // AUTH mechanisms, upper-case
};

// The capabilities an EHLO reply announces (RFC 5321 4.1.1.1: the first line
// is the server's name, each later line a keyword and its parameters).
Capabilities parse_ehlo(const std::vector<std::string>& lines);

struct OutRecipient {
    std::string address;  // the forward-path without <>
    std::string orcpt;    // "addr-type;address", the address decoded; xtext-encoded on the wire
    std::string notify;   // "SUCCESS,FAILURE", "NEVER", empty: none
};
struct OutEnvelope {
    std::string sender;  // empty: the null reverse-path <>
    std::vector<OutRecipient> recipients;
    std::string envid, ret;   // RFC 3461, passed on when the peer has DSN; envid decoded
    bool eight_bit = false;   // BODY=8BITMIME (sent when the peer has 8BITMIME)
    bool smtputf8 = false;    // needs SMTPUTF8 (RFC 6531)
    bool requiretls = false;  // RFC 8689 REQUIRETLS (MAIL parameter when offered)
};
struct SendResult {
    // Exactly one entry per envelope recipient, in order: the RCPT reply, or, for accepted
    // recipients, the reply to the end of data (RFC 5321: one reply for all of them).
    // When MAIL (or the whole transaction) failed, every recipient gets that reply.
    std::vector<Reply> per_recipient;
    bool connection_usable = true;  // false: do not send another message on this session
};
struct ClientOptions {
    std::string helo_name;  // our host name for EHLO/HELO; empty: "localhost"
    std::chrono::milliseconds command_timeout{std::chrono::minutes(5)};  // RFC 5321 4.5.3.2
    std::chrono::milliseconds data_timeout{std::chrono::minutes(10)};    // 4.5.3.2.6
    // RFC 4954 4 / RFC 8314: credentials go only over TLS unless this is set.
    bool allow_plaintext_auth = false;
};

class Client {
  public:
    Client(net::Stream& stream, ClientOptions options);
    net::Task<Reply> greeting();  // 220 expected; anything else: give up
    net::Task<Reply> hello();     // EHLO; on 5xx HELO (RFC 5321 3.2)
    const Capabilities& capabilities() const;
    // STARTTLS, the handshake, then EHLO again. ok=false with the session
    // still usable when the server refused STARTTLS; ok=false and unusable
    // when the handshake (or the EHLO after it) failed: close and, if policy
    // allows, reconnect without TLS.
    net::Task<net::ClientTlsResult> starttls(
        const net::ClientTlsParams& params);  // then EHLO again
    // AUTH PLAIN (initial response), else AUTH LOGIN; 235 on success.
    // Synthetic 504 5.5.4 when neither is offered, 530 5.7.0 without TLS
    // (unless allow_plaintext_auth).
    net::Task<Reply> authenticate(std::string_view user,
                                  std::string_view password);  // PLAIN, else LOGIN
    net::Task<SendResult> send(const OutEnvelope& envelope, std::string_view message);
    net::Task<void> quit();  // QUIT, wait briefly for 221, close

    // False after an I/O error, a timeout, a garbled reply, a 421, a failed
    // TLS handshake or quit(): the session can carry nothing more.
    bool usable() const { return !broken_; }

  private:
    net::Task<bool> write(std::string_view data, std::string_view what);
    net::Task<Reply> read_reply(std::string_view what, std::chrono::milliseconds timeout);
    net::Task<Reply> command(std::string_view line, std::string_view what);
    net::Task<Reply> send_data(std::string_view content, std::string_view tail);
    net::Task<Reply> send_bdat(std::string_view content, std::string_view tail);
    net::Task<void> reset();

    net::Stream& stream_;
    ClientOptions options_;
    net::LineReader reader_;
    Capabilities caps_;
    bool broken_ = false;
    Reply write_failure_;  // what the last failed write() means for the recipients
};

}  // namespace tern::smtp::client
