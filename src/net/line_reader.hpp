// LineReader: bounded, buffered line reading over a Stream.
//
// Every line protocol needs "read one line, but never more than N octets"
// (RFC 5321 4.5.3.1.4: SMTP command lines 512 octets, text lines 1000; RFC 2449
// 4: POP3 255; IMAP has its own). An over-long line is consumed up to its LF
// and reported as too_long, so the session can reply and go on reading the
// next command in sync. The buffer starts small and grows only as a line
// needs, so 10,000 idle connections cost little memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "net/stream.hpp"

namespace tern::net {

struct Line {
    IoStatus status = IoStatus::ok;
    bool too_long = false;  // status ok, but the line exceeded the limit and was discarded
    // The raw line including its terminator ("\r\n" or "\n"), valid until the
    // next call. At EOF a final unterminated fragment is dropped.
    std::string_view raw;

    // The line without its trailing LF and an optional CR before it.
    std::string_view text() const;
    bool crlf() const { return raw.size() >= 2 && raw[raw.size() - 2] == '\r'; }
};

class LineReader {
  public:
    explicit LineReader(Stream& stream) : stream_(stream) {}

    // Reads one line of at most max_length octets including the terminator.
    // When `interruptible`, a graceful shutdown ends the wait with
    // IoStatus::shutdown; use it only between commands, never mid-command.
    // The stream's timeout bounds the whole line, not each read: a client
    // dripping one byte at a time (slowloris) still times out (RFC 5321
    // 4.5.3.2.7: the server waits that long for a *command*).
    Task<Line> read_line(std::size_t max_length, bool interruptible = false);
    // Reads exactly n octets (IMAP literals, SMTP BDAT chunks) into out
    // (appended). Stops early with a non-ok status.
    Task<IoStatus> read_exact(std::size_t n, std::string& out);
    // Octets received but not yet consumed. Used for early-talker and
    // pipelining checks, and to drop plaintext sent before a TLS handshake
    // (the STARTTLS command-injection class, CVE-2011-0411).
    std::size_t buffered() const { return end_ - begin_ - consumed_; }
    // True when a whole line is already buffered, so read_line will not wait:
    // replies to pipelined commands can then be sent together (RFC 2920 3.1).
    bool has_line() const;
    void discard_buffered();

  private:
    Task<IoStatus> fill(bool interruptible);
    void compact();

    Stream& stream_;
    std::string buf_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::size_t consumed_ = 0;  // octets handed out by the previous read_line
};

}  // namespace tern::net
