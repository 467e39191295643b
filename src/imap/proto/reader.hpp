// The IMAP command reader: raw bytes from the connection in, complete
// commands (with their literals) out. Pure and incremental: no I/O; the
// session feeds whatever it read and drains next() (STYLE.md 2).
//
// Framing (RFC 9051 2.2.1, 4.3): a command is one line ending in CRLF,
// unless the line ends with a literal header, in which case exactly n octets
// follow and the command continues with another line. Headers:
//   {n}    synchronizing: the client waits for a "+" continuation request
//          (RFC 9051 7.5) before sending the octets; needs_continuation()
//          tells the session to send one (take_continuation() once each).
//   {n+}   non-synchronizing (RFC 7888 LITERAL+): octets follow at once.
//   ~{n}   binary literal8 (RFC 3516 4.2), synchronizing or with "+".
// A bare LF is accepted as a line end (clients in the wild send it); lines
// are handed on with CRLF.
//
// Lines that are not commands (IDLE's "DONE", AUTHENTICATE responses) come
// out as RawCommands too: the session knows which it is waiting for and
// reads them with is_idle_done() / parse_sasl_response() (command.hpp).
//
// RawCommand::text is the whole command without its final CRLF: lines
// joined by CRLF, literal headers kept and followed by CRLF and the literal
// octets, so the parser (parse_command) re-reads literals by their length.
//
// Limits (DESIGN.md rule 4), each reported as a ReadError in command order:
//   line_too_long      a line (not counting literal octets) over
//                      max_line_length: reply "<tag> BAD" (or "* BAD" when
//                      no tag could be read); the rest of the command is
//                      skipped, including a non-synchronizing literal that
//                      ends the over-long line.
//   literal_too_big    a literal over max_literal_size, or a command whose
//                      total size would pass max_command_size: reply
//                      "<tag> NO [TOOBIG]" (RFC 9051 7.1, RFC 7889). For a
//                      synchronizing literal no "+" is owed and none of its
//                      octets are read (RFC 9051 4.3: the server may reject
//                      it instead of sending the continuation).
//   nonsync_too_big    with LITERAL- (limits.literal_minus) a "{n+}" over
//                      4096 octets: reply "<tag> BAD [TOOBIG]" (RFC 7888 4).
// Our choice for a rejected non-synchronizing literal (RFC 7888 4 lets the
// server either read and discard it or close the connection): its octets are
// read and discarded when n <= max_discard_size, so the session goes on;
// beyond that the error has close_connection set, the reader stops, and the
// session sends its reply and closes (reading gigabytes to stay open is not
// worth it). The rest of a rejected command is skipped up to its final CRLF.
//
// Promises: never throws or asserts on any input; memory is bounded by
// max_line_length plus max_command_size.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tern::imap {

struct ReaderLimits {
    std::size_t max_line_length = 8192;  // RFC 7162 4 suggests at least 8192
    std::uint64_t max_literal_size = 64ull << 20;
    std::uint64_t max_command_size = 72ull << 20;  // all lines and literals
    std::uint64_t max_discard_size = 16ull << 20;
    bool literal_minus = false;  // RFC 7888 LITERAL-: "{n+}" only up to 4096
};

struct RawCommand {
    std::string text;
    std::size_t literals = 0;
};

enum class ReadErrorKind { line_too_long, literal_too_big, nonsync_too_big };

struct ReadError {
    ReadErrorKind kind = ReadErrorKind::line_too_long;
    std::optional<std::string> tag;  // absent: answer with "* BAD"
    std::string message;
    bool close_connection = false;
};

using ReaderItem = std::variant<RawCommand, ReadError>;

class CommandReader {
  public:
    explicit CommandReader(ReaderLimits limits = {}) : limits_(limits) {}

    // Takes all of bytes; complete commands and errors queue up for next().
    void feed(std::string_view bytes);
    std::optional<ReaderItem> next();

    // True while the command in progress waits on a synchronizing literal
    // whose octets have not started. take_continuation() returns true once
    // per such literal: the session sends "+ Ready for literal data" then.
    bool needs_continuation() const { return awaiting_sync_; }
    bool take_continuation();
    // The session refuses the awaited synchronizing literal itself (e.g. an
    // APPEND over the quota): the partial command is dropped; the session
    // answers it with a tagged NO or BAD. Returns its tag, if readable.
    std::optional<std::string> reject_continuation();

    bool closed() const { return closed_; }
    std::size_t buffered() const { return buf_.size() + pending_.text.size(); }

  private:
    enum class State { line, literal, discard_line };

    void process();
    void on_line(std::string_view line);
    void start_literal(std::string_view line, std::uint64_t n, bool sync);
    void fail_command(ReadErrorKind kind, std::string message, bool close);
    void reset_command();
    std::optional<std::string> current_tag(std::string_view first_line) const;

    ReaderLimits limits_;
    std::string buf_;
    std::deque<ReaderItem> out_;
    RawCommand pending_;
    bool in_command_ = false;  // pending_ holds a command's first lines
    bool discarding_ = false;  // the current command was rejected
    State state_ = State::line;
    std::uint64_t literal_left_ = 0;
    std::string line_tail_;  // last octets of an over-long line
    std::optional<std::string> discard_tag_;
    bool awaiting_sync_ = false;
    bool continuation_owed_ = false;
    bool closed_ = false;
};

}  // namespace tern::imap
