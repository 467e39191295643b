// ImapClient: one IMAP connection (RFC 9051 / RFC 3501) for the load
// generator imapload, plain TCP only.
//
// Built for low client CPU: replies are read in large chunks into one
// buffer; lines are found with memchr and every literal "{n}" (RFC 9051 4.3)
// is skipped by its length in one step, never scanned. A command's reply is
// every untagged response up to the tagged line with its tag; each untagged
// response (literals included) is kept as a record, readable until the next
// command. Blocking sockets with a receive/send timeout, so a stuck server
// costs one session, not the run.
//
// Strict on purpose (it is a benchmark that must notice a wrong server):
// command() is false on a tagged NO or BAD, on an untagged NO or BAD, on a
// line that is neither untagged, tagged nor a continuation, and on any I/O
// failure; error() then says why. Nothing throws. Not thread-safe: one client
// per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

class ImapClient {
  public:
    // read_chunk: the least free space each read asks for (the load uses 64
    // KiB; the IDLE mode, holding thousands of connections, a few KiB).
    explicit ImapClient(size_t read_chunk = 64 * 1024) : read_chunk_(read_chunk) {}
    ImapClient(const ImapClient&) = delete;
    ImapClient& operator=(const ImapClient&) = delete;
    ~ImapClient() { close(); }

    // Connects to host:port (numeric IPv4) from `source` (numeric IPv4, or
    // empty for any) and reads the "* OK" greeting.
    bool connect(const std::string& host, uint16_t port, int timeout_seconds,
                 const std::string& source = "");
    // Sends "<tag> <text>CRLF" and reads through the tagged reply.
    bool command(std::string_view text);
    // APPEND with `message` as a literal: one write with LITERAL+ (RFC 7888)
    // when the server announced it, else a synchronizing literal that waits
    // for the "+" continuation (RFC 9051 7.5).
    bool append(std::string_view mailbox_and_flags, std::string_view message);
    // false: APPEND always uses synchronizing literals, even with LITERAL+.
    void allow_literal_plus(bool allow) { allow_literal_plus_ = allow; }
    // IDLE (RFC 2177): sends it and waits for the "+" continuation.
    bool idle_start();
    // Ends IDLE with DONE and reads the tagged OK.
    bool idle_done();
    void close();
    // Frees the read buffer (the IDLE mode keeps thousands of clients).
    void release_buffer();

    bool connected() const { return fd_ >= 0; }
    // The untagged responses of the last command, each with its literals.
    size_t record_count() const { return records_.size(); }
    std::string_view record(size_t i) const;
    const std::string& tagged_line() const { return tagged_line_; }
    const std::string& error() const { return error_; }
    uint64_t bytes_read() const { return bytes_read_; }

  private:
    enum class Reply { ok, not_ok, continuation, failed };
    bool send_all(std::string_view data);
    bool fill();
    // Reads records until the tagged line of tag_ (or a "+" line when
    // stop_at_continuation).
    Reply read_reply(bool stop_at_continuation);
    // True when `got` is `want`; otherwise records why ("what: tagged line").
    bool expect(Reply got, Reply want, std::string_view what);
    void start_command();
    bool fail(std::string reason);
    void note_capabilities(std::string_view line);

    int fd_ = -1;
    size_t read_chunk_;
    std::vector<char> buf_;
    size_t begin_ = 0;                                // first unconsumed byte
    size_t end_ = 0;                                  // one past the last byte read
    std::vector<std::pair<size_t, size_t>> records_;  // [start, end) in buf_
    unsigned next_tag_ = 0;
    std::string tag_;
    std::string out_;
    std::string tagged_line_;
    std::string error_;
    std::string command_name_;
    bool literal_plus_ = false;
    bool allow_literal_plus_ = true;
    uint64_t bytes_read_ = 0;
};

}  // namespace bench
