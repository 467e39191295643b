// Pop3Client: one POP3 connection (RFC 1939) for the load generator, over
// plain TCP or implicit TLS (RFC 8314 / RFC 2595 port 995 style).
//
// Built for low client CPU: responses are read in large chunks into one
// buffer and a multi-line response is found by scanning for the terminator
// "CRLF.CRLF" (RFC 1939 3) with memmem, never line by line. Blocking sockets
// with a receive/send timeout, so a stuck server costs one session, not the
// run. Every failure returns false with a short reason in error(); nothing
// throws. Not thread-safe: one client per thread.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

class Pop3Client {
  public:
    Pop3Client() = default;
    Pop3Client(const Pop3Client&) = delete;
    Pop3Client& operator=(const Pop3Client&) = delete;
    ~Pop3Client() { close(); }

    // Connects to host:port (numeric IPv4), with TLS when ctx is not null,
    // and reads the greeting.
    bool connect(const std::string& host, uint16_t port, SSL_CTX* ctx, int timeout_seconds);
    // Sends one command line (CRLF added) and reads a single-line reply;
    // false on "-ERR" or I/O failure. The reply text is in last_line().
    bool command(std::string_view line);
    // Sends a command whose "+OK" reply is followed by a multi-line body.
    // On success body() is the dot-stuffed body including its final CRLF
    // and excluding the terminating ".CRLF".
    bool multiline(std::string_view line);
    void close();

    const std::string& last_line() const { return last_line_; }
    std::string_view body() const { return body_; }
    const std::string& error() const { return error_; }
    uint64_t bytes_read() const { return bytes_read_; }

  private:
    bool send_all(std::string_view data);
    bool fill();  // reads more bytes into the buffer; false on EOF/error
    bool read_status_line(size_t& line_end);
    bool fail(std::string reason);

    int fd_ = -1;
    SSL* ssl_ = nullptr;
    std::vector<char> buf_;
    size_t begin_ = 0;  // first unconsumed byte
    size_t end_ = 0;    // one past the last byte read
    std::string out_;
    std::string last_line_;
    std::string_view body_;
    std::string error_;
    uint64_t bytes_read_ = 0;
};

}  // namespace bench
