// ImapClient: see imap_client.hpp.
#include "imap_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace bench {

namespace {

// A short printable excerpt of a server line for error messages.
std::string excerpt(std::string_view line) {
    std::string out(line.substr(0, 120));
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    return out;
}

}  // namespace

bool ImapClient::fail(std::string reason) {
    error_ = std::move(reason);
    close();
    return false;
}

bool ImapClient::connect(const std::string& host, uint16_t port, int timeout_seconds,
                         const std::string& source) {
    close();
    error_.clear();
    next_tag_ = 0;
    literal_plus_ = false;
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return fail(std::string("socket: ") + std::strerror(errno));
    timeval tv{timeout_seconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    // Each command waits for its reply: Nagle would only add delay.
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!source.empty()) {
        sockaddr_in from{};
        from.sin_family = AF_INET;
        if (inet_pton(AF_INET, source.c_str(), &from.sin_addr) != 1 ||
            ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
            return fail("bind " + source + ": " + std::strerror(errno));
        }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return fail("bad address " + host);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        return fail(std::string("connect: ") + std::strerror(errno));
    }
    // RFC 9051 7.1: the greeting is one untagged OK (PREAUTH and BYE are
    // not expected from a server that wants a LOGIN).
    size_t scan = 0;
    for (;;) {
        const void* lf = end_ > scan ? std::memchr(buf_.data() + scan, '\n', end_ - scan) : nullptr;
        if (lf) {
            const size_t at = static_cast<size_t>(static_cast<const char*>(lf) - buf_.data());
            const std::string_view line(buf_.data(), at + 1);
            begin_ = at + 1;
            if (!line.starts_with("* OK")) return fail("greeting: " + excerpt(line));
            note_capabilities(line);
            return true;
        }
        scan = end_;
        if (!fill()) return false;
    }
}

void ImapClient::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    begin_ = end_ = 0;
    records_.clear();
}

void ImapClient::release_buffer() {
    if (begin_ == end_) {
        begin_ = end_ = 0;
        std::vector<char>().swap(buf_);
    }
}

bool ImapClient::send_all(std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            return fail(std::string("write: ") + std::strerror(errno));
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

bool ImapClient::fill() {
    if (buf_.size() - end_ < read_chunk_) {
        // Keep the unconsumed bytes: a reply grows until its tagged line.
        buf_.resize(std::max(buf_.size() * 2, end_ + read_chunk_));
    }
    ssize_t n;
    do {
        n = ::recv(fd_, buf_.data() + end_, buf_.size() - end_, 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0) return fail("connection closed by server during " + command_name_);
    if (n < 0) {
        const bool timeout = errno == EAGAIN || errno == EWOULDBLOCK;
        return fail((timeout ? "read timeout" : std::string("read: ") + std::strerror(errno)) +
                    " during " + command_name_);
    }
    end_ += static_cast<size_t>(n);
    bytes_read_ += static_cast<uint64_t>(n);
    return true;
}

void ImapClient::note_capabilities(std::string_view line) {
    if (line.find("LITERAL+") != std::string_view::npos) literal_plus_ = true;
}

void ImapClient::start_command() {
    records_.clear();
    if (begin_ == end_) {
        begin_ = end_ = 0;
    } else if (begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    tag_ = "a" + std::to_string(++next_tag_);
}

ImapClient::Reply ImapClient::read_reply(bool stop_at_continuation) {
    size_t record_start = begin_;
    size_t scan = begin_;
    for (;;) {
        const void* lf = end_ > scan ? std::memchr(buf_.data() + scan, '\n', end_ - scan) : nullptr;
        if (!lf) {
            scan = end_;
            if (!fill()) return Reply::failed;
            continue;
        }
        const size_t lf_at = static_cast<size_t>(static_cast<const char*>(lf) - buf_.data());
        // RFC 9051 2.2: every line ends with CRLF; a bare LF is a server bug.
        if (lf_at == scan || buf_[lf_at - 1] != '\r') {
            fail("bare LF in the reply to " + command_name_);
            return Reply::failed;
        }
        const size_t cr = lf_at - 1;
        // RFC 9051 4.3: "{n}" CRLF, then n octets, then the line goes on.
        if (cr > scan && buf_[cr - 1] == '}') {
            size_t open = cr - 1;
            while (open > scan && buf_[open - 1] >= '0' && buf_[open - 1] <= '9')
                --open;
            if (open > scan && open < cr - 1 && buf_[open - 1] == '{' && cr - 1 - open <= 12) {
                const size_t n = std::strtoull(buf_.data() + open, nullptr, 10);
                const size_t need = lf_at + 1 + n;
                while (end_ < need) {
                    if (!fill()) return Reply::failed;
                }
                scan = need;
                continue;
            }
        }
        const std::string_view rec(buf_.data() + record_start, lf_at + 1 - record_start);
        const size_t next = lf_at + 1;
        if (rec.starts_with("* ")) {
            // RFC 9051 7.1.2/7.1.3: an untagged NO or BAD is a warning or a
            // protocol error; the benchmark expects neither. BYE belongs to LOGOUT.
            if (rec.starts_with("* NO") || rec.starts_with("* BAD") ||
                (rec.starts_with("* BYE") && command_name_ != "LOGOUT")) {
                fail(command_name_ + ": untagged " + excerpt(rec));
                return Reply::failed;
            }
            if (rec.starts_with("* CAPABILITY")) note_capabilities(rec);
            records_.emplace_back(record_start, next);
        } else if (rec.size() > tag_.size() && rec.starts_with(tag_) && rec[tag_.size()] == ' ') {
            tagged_line_ = excerpt(rec);
            begin_ = next;
            note_capabilities(rec);
            return rec.substr(tag_.size() + 1).starts_with("OK") ? Reply::ok : Reply::not_ok;
        } else if (rec.starts_with("+") && stop_at_continuation) {
            tagged_line_ = excerpt(rec);
            begin_ = next;
            return Reply::continuation;
        } else {
            fail(command_name_ + ": unexpected line " + excerpt(rec));
            return Reply::failed;
        }
        record_start = scan = next;
    }
}

std::string_view ImapClient::record(size_t i) const {
    const auto [from, to] = records_[i];
    return std::string_view(buf_.data() + from, to - from);
}

bool ImapClient::command(std::string_view text) {
    start_command();
    std::string_view name = text.substr(0, text.find(' '));
    if (name == "UID") name = text.substr(0, text.find(' ', 4));
    command_name_.assign(name);
    out_ = tag_;
    out_ += ' ';
    out_ += text;
    out_ += "\r\n";
    if (!send_all(out_)) return false;
    return expect(read_reply(false), Reply::ok, command_name_);
}

bool ImapClient::append(std::string_view mailbox_and_flags, std::string_view message) {
    start_command();
    command_name_ = "APPEND";
    out_ = tag_ + " APPEND ";
    out_ += mailbox_and_flags;
    const bool plus = literal_plus_ && allow_literal_plus_;
    out_ += " {" + std::to_string(message.size()) + (plus ? "+}\r\n" : "}\r\n");
    if (plus) {
        // RFC 7888 3: a non-synchronizing literal goes in the same write.
        out_ += message;
        out_ += "\r\n";
        if (!send_all(out_)) return false;
    } else {
        if (!send_all(out_)) return false;
        const Reply r = read_reply(true);
        if (r == Reply::failed) return false;
        if (r != Reply::continuation) return fail("APPEND refused the literal: " + tagged_line_);
        out_.assign(message);
        out_ += "\r\n";
        if (!send_all(out_)) return false;
    }
    return expect(read_reply(false), Reply::ok, "APPEND");
}

bool ImapClient::expect(Reply got, Reply want, std::string_view what) {
    if (got == want) return true;
    if (got == Reply::failed) return false;  // the reason is recorded already
    return fail(std::string(what) + ": " + tagged_line_);
}

bool ImapClient::idle_start() {
    start_command();
    command_name_ = "IDLE";
    out_ = tag_ + " IDLE\r\n";
    if (!send_all(out_)) return false;
    // RFC 2177 3: the server answers IDLE with a continuation request.
    return expect(read_reply(true), Reply::continuation, "IDLE");
}

bool ImapClient::idle_done() {
    // The tag stays that of IDLE: DONE ends that command (RFC 2177 3).
    records_.clear();
    command_name_ = "DONE";
    if (!send_all("DONE\r\n")) return false;
    return expect(read_reply(false), Reply::ok, "IDLE/DONE");
}

}  // namespace bench
