// The session part of the SMTP client: replies, greeting, EHLO/HELO,
// STARTTLS, AUTH and QUIT. The mail transaction is in send.cpp.
#include "smtp/client/client.hpp"

#include <charconv>

#include "base/strings.hpp"
#include "smtp/proto/reply_parser.hpp"

namespace tern::smtp::client {

std::string Reply::text() const {
    std::string out;
    if (code != 0) out = std::to_string(code);
    if (!enhanced.empty()) out += (out.empty() ? "" : " ") + enhanced;
    for (const std::string& line : lines) {
        if (line.empty()) continue;
        if (!out.empty()) out += ' ';
        out += line;
    }
    return out;
}

Reply Reply::none(std::string why) {
    Reply r;
    r.lines.push_back(std::move(why));
    return r;
}

Capabilities parse_ehlo(const std::vector<std::string>& lines) {
    Capabilities caps;
    caps.esmtp = true;
    // The first line is the server's name and greeting, not a keyword.
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::string_view line = trim(lines[i]);
        std::size_t sp = line.find_first_of(" =");
        std::string keyword = to_upper(line.substr(0, sp));
        std::string_view rest = sp == std::string_view::npos ? "" : trim(line.substr(sp + 1));
        if (keyword == "PIPELINING")
            caps.pipelining = true;  // RFC 2920
        else if (keyword == "STARTTLS")
            caps.starttls = true;  // RFC 3207
        else if (keyword == "8BITMIME")
            caps.eight_bit_mime = true;  // RFC 6152
        else if (keyword == "SMTPUTF8")
            caps.smtputf8 = true;  // RFC 6531
        else if (keyword == "CHUNKING")
            caps.chunking = true;  // RFC 3030
        else if (keyword == "DSN")
            caps.dsn = true;  // RFC 3461
        else if (keyword == "ENHANCEDSTATUSCODES")
            caps.enhanced_status_codes = true;  // RFC 2034
        else if (keyword == "REQUIRETLS")
            caps.requiretls = true;  // RFC 8689
        else if (keyword == "SIZE") {
            // RFC 1870 4: "SIZE" [SP number]; no number or 0: no fixed limit.
            uint64_t n = 0;
            auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
            caps.size = (ec == std::errc() && p == rest.data() + rest.size()) ? n : 0;
        } else if (keyword == "AUTH") {
            // RFC 4954 3; "AUTH=LOGIN PLAIN" is the pre-standard form some servers still send.
            for (std::string_view mech : split(rest, ' ')) {
                if (mech.empty()) continue;
                std::string m = to_upper(mech);
                bool seen = false;
                for (const std::string& have : caps.auth)
                    seen = seen || have == m;
                if (!seen) caps.auth.push_back(std::move(m));
            }
        }
    }
    return caps;
}

Client::Client(net::Stream& stream, ClientOptions options)
    : stream_(stream), options_(std::move(options)), reader_(stream) {
    if (options_.helo_name.empty()) options_.helo_name = "localhost";
}

const Capabilities& Client::capabilities() const {
    return caps_;
}

net::Task<bool> Client::write(std::string_view data, std::string_view what) {
    if (broken_) {
        if (write_failure_.lines.empty()) write_failure_ = Reply::none("connection not usable");
        co_return false;
    }
    stream_.set_timeout(options_.command_timeout);
    net::IoStatus st = co_await stream_.write_all(data);
    if (st == net::IoStatus::ok) co_return true;
    broken_ = true;
    write_failure_ = Reply::none(st == net::IoStatus::timeout
                                     ? "timeout sending " + std::string(what)
                                     : "connection lost while sending " + std::string(what));
    co_return false;
}

net::Task<Reply> Client::read_reply(std::string_view what, std::chrono::milliseconds timeout) {
    if (broken_)
        co_return write_failure_.lines.empty() ? Reply::none("connection not usable")
                                               : write_failure_;
    stream_.set_timeout(timeout);
    ReplyParser parser;
    for (;;) {
        // Two more octets for the CRLF around the lenient line limit.
        net::Line line = co_await reader_.read_line(kReplyLineLimit + 2);
        if (line.status != net::IoStatus::ok) {
            broken_ = true;
            co_return Reply::none(line.status == net::IoStatus::timeout
                                      ? "timeout waiting for reply to " + std::string(what)
                                      : "connection lost after " + std::string(what));
        }
        if (line.too_long) {
            broken_ = true;
            co_return Reply::none("protocol error after " + std::string(what) +
                                  ": reply line longer than " + std::to_string(kReplyLineLimit) +
                                  " octets");
        }
        auto done = parser.feed(line.text());
        if (!done) {
            broken_ = true;
            co_return Reply::none("protocol error after " + std::string(what) + ": " +
                                  done.error().message);
        }
        if (!*done) continue;
        ParsedReply p = parser.take();
        // RFC 5321 3.8: 421 means the server is closing the channel.
        if (p.code == 421) broken_ = true;
        co_return Reply{p.code, std::move(p.enhanced), std::move(p.lines)};
    }
}

net::Task<Reply> Client::command(std::string_view line, std::string_view what) {
    bool written = co_await write(line, what);
    if (!written) co_return write_failure_;
    co_return co_await read_reply(what, options_.command_timeout);
}

net::Task<Reply> Client::greeting() {
    // RFC 5321 4.5.3.2.1: wait up to 5 minutes for the 220.
    co_return co_await read_reply("greeting", options_.command_timeout);
}

net::Task<Reply> Client::hello() {
    caps_ = {};
    // Arguments are named first: g++ 12 destroys temporaries inside a
    // co_await operand twice (STACK-NOTES).
    std::string ehlo_line = "EHLO " + options_.helo_name + "\r\n";
    Reply ehlo = co_await command(ehlo_line, "EHLO");
    if (ehlo.code == 250) {
        caps_ = parse_ehlo(ehlo.lines);
        co_return ehlo;
    }
    // RFC 5321 3.2: a server that does not know EHLO answers 5xx; a client
    // then falls back to HELO, and uses no extension.
    if (ehlo.code < 500 || broken_) co_return ehlo;
    std::string helo_line = "HELO " + options_.helo_name + "\r\n";
    Reply helo = co_await command(helo_line, "HELO");
    co_return helo;
}

net::Task<net::ClientTlsResult> Client::starttls(const net::ClientTlsParams& params) {
    net::ClientTlsResult out;
    Reply r = co_await command("STARTTLS\r\n", "STARTTLS");
    if (r.code != 220) {
        out.error = "STARTTLS refused: " + r.text();
        co_return out;
    }
    // RFC 3207 5 (CVE-2011-0411): whatever arrived after the 220 was sent
    // in plaintext and must not be read as a reply under TLS.
    reader_.discard_buffered();
    stream_.set_timeout(options_.command_timeout);
    out = co_await stream_.start_tls_client(params);
    if (!out.ok) {
        broken_ = true;
        co_return out;
    }
    // RFC 3207 4.2: discard what the server said before TLS and ask again.
    Reply again = co_await hello();
    if (again.code != 250) {
        out.ok = false;
        out.error = "EHLO after STARTTLS failed: " + again.text();
        broken_ = true;
    }
    co_return out;
}

net::Task<Reply> Client::authenticate(std::string_view user, std::string_view password) {
    if (broken_) co_return Reply::none("connection not usable");
    // RFC 4954 4: a plaintext password on an unencrypted connection would be
    // readable by anyone on the path.
    if (!stream_.tls_active() && !options_.allow_plaintext_auth)
        co_return Reply{530, "5.7.0", {"refusing to send credentials without TLS"}};
    auto offered = [&](std::string_view mech) {
        for (const std::string& m : caps_.auth)
            if (m == mech) return true;
        return false;
    };
    if (offered("PLAIN")) {
        // RFC 4616 2: message = [authzid] NUL authcid NUL passwd
        std::string message =
            std::string(1, '\0') + std::string(user) + '\0' + std::string(password);
        std::string response = base64_encode(message);
        // RFC 4954 4: an initial response that would make the command line
        // too long is sent after an empty 334 challenge instead.
        std::string line = "AUTH PLAIN " + response + "\r\n";
        bool separate = line.size() > 512;
        if (separate) line = "AUTH PLAIN\r\n";
        Reply r = co_await command(line, "AUTH");
        if (r.code == 334 && separate) {
            line = response + "\r\n";
            r = co_await command(line, "AUTH");
        }
        if (r.code == 334) r = co_await command("*\r\n", "AUTH");  // RFC 4954 4: cancel
        co_return r;
    }
    if (offered("LOGIN")) {
        Reply r = co_await command("AUTH LOGIN\r\n", "AUTH");
        std::string user_line = base64_encode(user) + "\r\n";
        std::string password_line = base64_encode(password) + "\r\n";
        if (r.code == 334) r = co_await command(user_line, "AUTH");
        if (r.code == 334) r = co_await command(password_line, "AUTH");
        if (r.code == 334) r = co_await command("*\r\n", "AUTH");
        co_return r;
    }
    co_return Reply{504, "5.5.4", {"the server offers neither AUTH PLAIN nor AUTH LOGIN"}};
}

net::Task<void> Client::reset() {
    // A failed transaction leaves the server's state dirty; the next send()
    // must start clean (RFC 5321 4.1.1.5).
    Reply r = co_await command("RSET\r\n", "RSET");
    if (r.code != 250) broken_ = true;
}

net::Task<void> Client::quit() {
    if (!broken_) {
        // RFC 5321 4.1.1.10: the server answers 221; do not wait long for it.
        options_.command_timeout =
            std::min(options_.command_timeout, std::chrono::milliseconds(std::chrono::seconds(10)));
        Reply bye = co_await command("QUIT\r\n", "QUIT");
        (void)bye;
    }
    broken_ = true;
    stream_.close();
}

}  // namespace tern::smtp::client
