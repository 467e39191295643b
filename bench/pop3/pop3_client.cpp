// Pop3Client: see pop3_client.hpp.
#include "pop3_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bench {

namespace {
constexpr size_t kReadChunk = 64 * 1024;
constexpr std::string_view kTerminator = "\r\n.\r\n";
}  // namespace

bool Pop3Client::fail(std::string reason) {
    error_ = std::move(reason);
    close();
    return false;
}

bool Pop3Client::connect(const std::string& host, uint16_t port, SSL_CTX* ctx,
                         int timeout_seconds) {
    close();
    error_.clear();
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return fail(std::string("socket: ") + std::strerror(errno));
    timeval tv{timeout_seconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    // Commands are small and each waits for its reply: Nagle would only add delay.
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return fail("bad address " + host);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        return fail(std::string("connect: ") + std::strerror(errno));
    }
    if (ctx) {
        ssl_ = SSL_new(ctx);
        if (!ssl_ || SSL_set_fd(ssl_, fd_) != 1 || SSL_connect(ssl_) != 1) {
            return fail("TLS handshake failed");
        }
    }
    size_t line_end = 0;
    if (!read_status_line(line_end)) return false;
    begin_ = line_end;
    if (!last_line_.starts_with("+OK")) return fail("greeting: " + last_line_);
    return true;
}

void Pop3Client::close() {
    if (ssl_) {
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    begin_ = end_ = 0;
}

bool Pop3Client::send_all(std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ssl_ ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                         : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            if (!ssl_ && n < 0 && errno == EINTR) continue;
            return fail(std::string("write: ") + (ssl_ ? "TLS error" : std::strerror(errno)));
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

bool Pop3Client::fill() {
    if (buf_.size() - end_ < kReadChunk) {
        // Keep the unconsumed bytes: a multi-line body grows until its terminator.
        buf_.resize(std::max(buf_.size() * 2, end_ + kReadChunk));
    }
    ssize_t n;
    do {
        n = ssl_ ? SSL_read(ssl_, buf_.data() + end_, static_cast<int>(buf_.size() - end_))
                 : ::recv(fd_, buf_.data() + end_, buf_.size() - end_, 0);
    } while (!ssl_ && n < 0 && errno == EINTR);
    if (n == 0) return fail("connection closed by server");
    if (n < 0) {
        const bool timeout = !ssl_ && (errno == EAGAIN || errno == EWOULDBLOCK);
        return fail(timeout ? "read timeout" : std::string("read: ") + std::strerror(errno));
    }
    end_ += static_cast<size_t>(n);
    bytes_read_ += static_cast<uint64_t>(n);
    return true;
}

// Finds the first CRLF-terminated line at begin_; line_end is one past its LF.
bool Pop3Client::read_status_line(size_t& line_end) {
    size_t scan = begin_;
    for (;;) {
        const void* hit =
            end_ > scan ? memmem(buf_.data() + scan, end_ - scan, "\r\n", 2) : nullptr;
        if (hit) {
            const size_t cr = static_cast<size_t>(static_cast<const char*>(hit) - buf_.data());
            last_line_.assign(buf_.data() + begin_, cr - begin_);
            line_end = cr + 2;
            return true;
        }
        scan = end_ > begin_ ? end_ - 1 : begin_;  // a CR may be the last byte read
        if (!fill()) return false;
    }
}

bool Pop3Client::command(std::string_view line) {
    // Replies are read whole before the next command, so the buffer is
    // normally empty here and can start again at offset 0.
    if (begin_ == end_) begin_ = end_ = 0;
    out_.assign(line);
    out_ += "\r\n";
    if (!send_all(out_)) return false;
    size_t line_end = 0;
    if (!read_status_line(line_end)) return false;
    begin_ = line_end;
    if (!last_line_.starts_with("+OK")) {
        std::string verb(line.substr(0, line.find(' ')));
        return fail(verb + ": " + last_line_);
    }
    return true;
}

bool Pop3Client::multiline(std::string_view line) {
    if (!command(line)) return false;
    // The status line's CRLF is the terminator's first CRLF when the body is
    // empty, so the scan starts two bytes back.
    const size_t body_start = begin_;
    size_t scan = body_start - 2;
    for (;;) {
        const void* hit = end_ > scan ? memmem(buf_.data() + scan, end_ - scan, kTerminator.data(),
                                               kTerminator.size())
                                      : nullptr;
        if (hit) {
            const size_t at = static_cast<size_t>(static_cast<const char*>(hit) - buf_.data());
            // Pointers into buf_ stay valid until the next read.
            body_ = std::string_view(buf_.data() + body_start, at + 2 - body_start);
            begin_ = at + kTerminator.size();
            return true;
        }
        scan =
            end_ >= kTerminator.size() - 1 ? std::max(scan, end_ - (kTerminator.size() - 1)) : scan;
        // fill() may move the buffer: remember offsets only.
        if (!fill()) return false;
    }
}

}  // namespace bench
