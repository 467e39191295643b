// The mail transaction of the SMTP client: MAIL, RCPT, DATA or BDAT
// (RFC 5321 3.3), pipelined when the peer allows (RFC 2920).
#include <algorithm>
#include <optional>

#include "base/strings.hpp"
#include "smtp/client/client.hpp"
#include "smtp/client/message_body.hpp"
#include "smtp/proto/xtext.hpp"

namespace tern::smtp::client {
namespace {

constexpr std::size_t kDataPiece = 64 * 1024;    // bounded copies while dot-stuffing
constexpr std::size_t kBdatChunk = 1024 * 1024;  // RFC 3030: chunk size is ours to choose

using Decided = std::vector<std::optional<Reply>>;

bool only(std::string_view s, bool (*allowed)(char)) {
    if (s.empty()) return false;
    for (char c : s)
        if (!allowed(c)) return false;
    return true;
}
bool notify_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ',';
}
bool addr_type_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

std::string mail_command(const OutEnvelope& env, const Capabilities& caps, std::size_t size) {
    std::string cmd = "MAIL FROM:<" + env.sender + ">";
    if (caps.size) cmd += " SIZE=" + std::to_string(size);  // RFC 1870 3
    // RFC 6152 3: without the peer's 8BITMIME an 8-bit body would need a
    // downgrade to 7 bits, which Tern does not do; it goes as it is.
    if (env.eight_bit && caps.eight_bit_mime) cmd += " BODY=8BITMIME";
    if (env.smtputf8) cmd += " SMTPUTF8";      // RFC 6531 3.4 (only sent when offered)
    if (env.requiretls) cmd += " REQUIRETLS";  // RFC 8689 4.1 (only sent when offered)
    if (caps.dsn) {
        std::string ret = to_upper(env.ret);
        if (ret == "FULL" || ret == "HDRS") cmd += " RET=" + ret;            // RFC 3461 4.3
        if (!env.envid.empty()) cmd += " ENVID=" + xtext_encode(env.envid);  // RFC 3461 4.4
    }
    return cmd + "\r\n";
}

std::string rcpt_command(const OutRecipient& r, const Capabilities& caps) {
    std::string cmd = "RCPT TO:<" + r.address + ">";
    if (caps.dsn) {
        // RFC 3461 4.1: NOTIFY=NEVER or a comma list of SUCCESS, FAILURE, DELAY.
        if (only(r.notify, notify_char)) cmd += " NOTIFY=" + to_upper(r.notify);
        // RFC 3461 4.2: ORCPT=addr-type ";" xtext
        if (!r.orcpt.empty()) {
            auto semi = r.orcpt.find(';');
            std::string type = semi == std::string::npos ? "rfc822" : r.orcpt.substr(0, semi);
            std::string addr = semi == std::string::npos ? r.orcpt : r.orcpt.substr(semi + 1);
            if (only(type, addr_type_char) && !addr.empty())
                cmd += " ORCPT=" + type + ";" + xtext_encode(addr);
        }
    }
    return cmd + "\r\n";
}

// Gives `r` to every recipient that has no reply of its own yet.
void settle(Decided& decided, const Reply& r) {
    for (auto& d : decided)
        if (!d) d = r;
}

void append_range(std::string& out, std::string_view content, std::string_view tail,
                  std::size_t from, std::size_t len) {
    if (from < content.size()) {
        std::size_t take = std::min(len, content.size() - from);
        out.append(content.substr(from, take));
        from += take;
        len -= take;
    }
    if (len > 0) out.append(tail.substr(from - content.size(), len));
}

}  // namespace

net::Task<Reply> Client::send_data(std::string_view content, std::string_view tail) {
    bool at_line_start = true;
    std::string piece;
    for (std::size_t pos = 0; pos < content.size(); pos += kDataPiece) {
        piece.clear();
        dot_stuff_append(content.substr(pos, kDataPiece), at_line_start, piece);
        bool written = co_await write(piece, "message data");
        if (!written) co_return write_failure_;
    }
    // RFC 5321 4.1.1.4: the data ends with CRLF "." CRLF.
    piece.assign(tail);
    piece += ".\r\n";
    bool written = co_await write(piece, "end of data");
    if (!written) co_return write_failure_;
    // RFC 5321 4.5.3.2.6: wait longer for this one (the server may scan).
    Reply r = co_await read_reply("end of data", options_.data_timeout);
    co_return r;
}

net::Task<Reply> Client::send_bdat(std::string_view content, std::string_view tail) {
    const std::size_t total = content.size() + tail.size();
    std::size_t sent = 0;
    std::string chunk;
    for (;;) {
        std::size_t len = std::min(kBdatChunk, total - sent);
        bool last = sent + len == total;
        // RFC 3030 2: "BDAT" SP chunk-size [SP "LAST"] CRLF, then exactly
        // chunk-size octets, no dot-stuffing.
        chunk = "BDAT " + std::to_string(len) + (last ? " LAST" : "") + "\r\n";
        append_range(chunk, content, tail, sent, len);
        bool written = co_await write(chunk, "BDAT");
        if (!written) co_return write_failure_;
        Reply r = co_await read_reply(last ? "BDAT LAST" : "BDAT",
                                      last ? options_.data_timeout : options_.command_timeout);
        if (last || r.code != 250) co_return r;
        sent += len;
    }
}

net::Task<SendResult> Client::send(const OutEnvelope& env, std::string_view message) {
    const std::size_t n = env.recipients.size();
    Decided decided(n);
    auto finish = [&] {
        SendResult result;
        for (auto& d : decided)
            result.per_recipient.push_back(d ? std::move(*d) : Reply::none("no reply"));
        result.connection_usable = !broken_;
        return result;
    };
    const BodyParts body = body_parts(message);
    if (broken_) settle(decided, Reply::none("connection not usable"));
    // Checks first: what the peer cannot take is not sent at all, and the
    // session stays usable for the next message.
    if (env.smtputf8 && !caps_.smtputf8)  // RFC 6531 3.4
        settle(decided, Reply{553, "5.6.7", {"the receiving server does not support SMTPUTF8"}});
    if (env.requiretls && (!caps_.requiretls || !stream_.tls_active()))  // RFC 8689 4.2.1
        settle(decided, Reply{550, "5.7.30", {"REQUIRETLS support required"}});
    if (caps_.size && *caps_.size > 0 && body.size() > *caps_.size)  // RFC 1870 6.1
        settle(decided, Reply{552,
                              "5.3.4",
                              {"message larger than the receiving server's limit of " +
                               std::to_string(*caps_.size) + " octets"}});
    if (!safe_path(env.sender))
        settle(decided, Reply{553, "5.1.7", {"the sender address cannot be sent"}});
    std::vector<std::size_t> to_send;
    for (std::size_t i = 0; i < n; ++i) {
        if (decided[i]) continue;
        const std::string& a = env.recipients[i].address;
        if (a.empty() || !safe_path(a))
            decided[i] = Reply{553, "5.1.3", {"the recipient address cannot be sent"}};
        else
            to_send.push_back(i);
    }
    if (to_send.empty()) co_return finish();

    std::string mail = mail_command(env, caps_, body.size());
    std::vector<std::string> rcpts;
    for (std::size_t i : to_send)
        rcpts.push_back(rcpt_command(env.recipients[i], caps_));
    const bool pipelined = caps_.pipelining;
    const bool data_in_batch = pipelined && !caps_.chunking;
    std::string batch = mail;
    if (pipelined) {
        // RFC 2920 3.1: MAIL, every RCPT and DATA may go as one group; the
        // replies then come in order.
        for (const std::string& r : rcpts)
            batch += r;
        if (data_in_batch) batch += "DATA\r\n";
    }
    bool written = co_await write(batch, "MAIL");
    if (!written) {
        settle(decided, write_failure_);
        co_return finish();
    }
    Reply mail_reply = co_await read_reply("MAIL", options_.command_timeout);
    if (broken_) {
        settle(decided, mail_reply);
        co_return finish();
    }
    const bool mail_ok = mail_reply.positive();
    std::vector<std::size_t> accepted;
    for (std::size_t k = 0; k < to_send.size(); ++k) {
        if (!pipelined) {
            if (!mail_ok) break;
            written = co_await write(rcpts[k], "RCPT");
            if (!written) {
                settle(decided, write_failure_);
                co_return finish();
            }
        }
        Reply r = co_await read_reply("RCPT", options_.command_timeout);
        if (broken_) {
            settle(decided, r);
            co_return finish();
        }
        if (!mail_ok) continue;  // RFC 2920 3.1: read every reply; MAIL's decides
        if (r.positive())
            accepted.push_back(to_send[k]);
        else
            decided[to_send[k]] = r;
    }
    if (!mail_ok) settle(decided, mail_reply);

    if (accepted.empty()) {
        if (data_in_batch) {
            Reply data = co_await read_reply("DATA", options_.command_timeout);
            if (broken_) co_return finish();
            // RFC 2920 3.1: a server may accept DATA though no RCPT was
            // accepted; a lone "." then ends the empty transaction.
            if (data.code == 354) {
                written = co_await write(".\r\n", "end of data");
                if (written) {
                    Reply end = co_await read_reply("end of data", options_.data_timeout);
                    (void)end;
                }
                co_return finish();
            }
        }
        co_await reset();
        co_return finish();
    }

    Reply final_reply;
    if (caps_.chunking) {
        final_reply = co_await send_bdat(body.content, body.tail);
        // RFC 3030 2: after a failed BDAT no more chunks; RSET clears the
        // server's state for the next message.
        if (!broken_ && !final_reply.positive()) co_await reset();
    } else {
        Reply data;
        if (data_in_batch)
            data = co_await read_reply("DATA", options_.command_timeout);
        else
            data = co_await command("DATA\r\n", "DATA");
        if (broken_ || data.code != 354) {
            settle(decided, data);
            if (!broken_) co_await reset();
            co_return finish();
        }
        final_reply = co_await send_data(body.content, body.tail);
    }
    // RFC 5321 4.1.1.4: one reply to the end of data for every accepted RCPT.
    settle(decided, final_reply);
    co_return finish();
}

}  // namespace tern::smtp::client
