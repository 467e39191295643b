#include "imap/proto/reader.hpp"

#include <algorithm>

#include "imap/proto/lexer.hpp"

namespace tern::imap {

namespace {

// RFC 7888 4: LITERAL- allows non-synchronizing literals up to 4096 octets.
constexpr std::uint64_t kLiteralMinusMax = 4096;
// Enough of an over-long line's end to recognise a literal header on it.
constexpr std::size_t kTailKeep = 32;

struct LiteralHeader {
    std::uint64_t size = 0;
    bool overflow = false;  // the digits do not fit in 64 bits
    bool sync = true;
};

// RFC 9051 9: literal = "{" number64 ["+"] "}" CRLF, at the end of a line;
// RFC 3516 4.2 literal8 adds a leading "~".
std::optional<LiteralHeader> literal_header(std::string_view line) {
    if (line.empty() || line.back() != '}') return std::nullopt;
    std::size_t i = line.size() - 1;
    LiteralHeader h;
    if (i > 0 && line[i - 1] == '+') {
        h.sync = false;
        --i;
    }
    const std::size_t digits_end = i;
    while (i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9')
        --i;
    if (i == digits_end || i == 0 || line[i - 1] != '{') return std::nullopt;
    for (std::size_t k = i; k < digits_end; ++k) {
        const auto d = static_cast<std::uint64_t>(line[k] - '0');
        if (h.size > (UINT64_MAX - d) / 10) {
            h.overflow = true;
            break;
        }
        h.size = h.size * 10 + d;
    }
    return h;
}

void keep_tail(std::string& tail, std::string_view more) {
    tail.append(more);
    if (tail.size() > kTailKeep) tail.erase(0, tail.size() - kTailKeep);
}

}  // namespace

std::optional<std::string> CommandReader::current_tag(std::string_view first_line) const {
    if (in_command_) return discard_tag_;
    // RFC 9051 9: tag = 1*<any ASTRING-CHAR except "+">.
    // A tag is looked for only in the first half of the line limit, so an
    // over-long line gets the same answer whether or not its end arrived.
    const std::size_t max_tag = std::min<std::size_t>(64, limits_.max_line_length / 2);
    std::size_t n = 0;
    while (n < first_line.size() && n <= max_tag && is_astring_char(first_line[n]) &&
           first_line[n] != '+')
        ++n;
    if (n == 0 || n > max_tag || n >= first_line.size() || first_line[n] != ' ')
        return std::nullopt;
    return std::string(first_line.substr(0, n));
}

void CommandReader::reset_command() {
    pending_ = {};
    in_command_ = false;
    discarding_ = false;
    discard_tag_.reset();
}

void CommandReader::fail_command(ReadErrorKind kind, std::string message, bool close) {
    if (!discarding_) out_.push_back(ReadError{kind, discard_tag_, std::move(message), close});
    discarding_ = true;
    pending_.text.clear();
    if (close) closed_ = true;
}

void CommandReader::start_literal(std::string_view line, std::uint64_t n, bool sync) {
    pending_.text.append(line);
    pending_.text += "\r\n";
    ++pending_.literals;
    literal_left_ = n;
    state_ = n == 0 ? State::line : State::literal;
    if (sync) awaiting_sync_ = continuation_owed_ = true;
}

void CommandReader::on_line(std::string_view line) {
    if (!in_command_) {
        discard_tag_ = current_tag(line);
        in_command_ = true;
    }
    const auto header = literal_header(line);
    if (discarding_) {
        // Skipping a rejected command: only a non-synchronizing literal keeps
        // it going (no "+" will be sent for a synchronizing one).
        if (!header || header->sync) return reset_command();
        if (header->overflow || header->size > limits_.max_discard_size) {
            out_.push_back(ReadError{ReadErrorKind::literal_too_big, std::nullopt,
                                     "Literal too large to skip", true});
            closed_ = true;
            return;
        }
        literal_left_ = header->size;
        state_ = literal_left_ == 0 ? State::line : State::literal;
        return;
    }
    const std::uint64_t so_far = pending_.text.size() + line.size();
    if (so_far > limits_.max_command_size) {
        fail_command(ReadErrorKind::line_too_long, "Command too long", false);
        return on_line(line);  // now discarding: follow its literal, if any
    }
    if (!header) {
        pending_.text.append(line);
        out_.push_back(std::move(pending_));
        return reset_command();
    }
    std::optional<ReadErrorKind> kind;
    std::string why;
    if (header->overflow || header->size > limits_.max_literal_size ||
        header->size > limits_.max_command_size - so_far) {
        // RFC 9051 7.1: TOOBIG, the server will not accept data this large.
        kind = ReadErrorKind::literal_too_big;
        why = "Literal too big";
    } else if (!header->sync && limits_.literal_minus && header->size > kLiteralMinusMax) {
        // RFC 7888 4: under LITERAL- a larger "{n+}" gets BAD [TOOBIG].
        kind = ReadErrorKind::nonsync_too_big;
        why = "Non-synchronizing literal over 4096 octets";
    }
    if (!kind) return start_literal(line, header->size, header->sync);
    if (header->sync) {
        // RFC 9051 4.3: refusing instead of "+" means the client sends no
        // octets; the command is over.
        fail_command(*kind, why, false);
        return reset_command();
    }
    const bool close = header->overflow || header->size > limits_.max_discard_size;
    fail_command(*kind, why, close);
    if (close) return;
    literal_left_ = header->size;
    state_ = literal_left_ == 0 ? State::line : State::literal;
}

void CommandReader::process() {
    std::size_t pos = 0;
    while (pos < buf_.size() && !closed_) {
        if (state_ == State::literal) {
            const auto take =
                static_cast<std::size_t>(std::min<std::uint64_t>(literal_left_, buf_.size() - pos));
            if (!discarding_) pending_.text.append(buf_, pos, take);
            awaiting_sync_ = continuation_owed_ = false;
            pos += take;
            literal_left_ -= take;
            if (literal_left_ == 0) state_ = State::line;
            continue;
        }
        // Octets of the line after a "{0}" also mean the client went on.
        awaiting_sync_ = continuation_owed_ = false;
        const std::size_t lf = buf_.find('\n', pos);
        const std::size_t avail = (lf == std::string::npos ? buf_.size() : lf) - pos;
        if (state_ == State::discard_line) {
            keep_tail(line_tail_, std::string_view(buf_).substr(pos, avail));
            pos += avail;
            if (lf == std::string::npos) break;
            ++pos;
            state_ = State::line;
            std::string tail = std::move(line_tail_);
            line_tail_.clear();
            if (!tail.empty() && tail.back() == '\r') tail.pop_back();
            on_line(tail);
            continue;
        }
        std::string_view line = std::string_view(buf_).substr(pos, avail);
        // A CR at the end of what arrived may be the first half of CRLF:
        // not counting it keeps the verdict the same however bytes arrive.
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() > limits_.max_line_length) {
            // RFC 9051 4: the server may reject over-long lines; skip the
            // rest of the line (and of the command) and go on.
            if (!in_command_) discard_tag_ = current_tag(line);
            in_command_ = true;
            fail_command(ReadErrorKind::line_too_long, "Command line too long", false);
            line_tail_.clear();
            state_ = State::discard_line;
            continue;  // the discard_line branch consumes the line
        }
        if (lf == std::string::npos) break;
        pos = lf + 1;
        on_line(line);
    }
    buf_.erase(0, pos);
}

void CommandReader::feed(std::string_view bytes) {
    if (closed_) return;
    buf_.append(bytes);
    process();
    if (closed_) buf_.clear();
}

std::optional<ReaderItem> CommandReader::next() {
    if (out_.empty()) return std::nullopt;
    ReaderItem item = std::move(out_.front());
    out_.pop_front();
    return item;
}

bool CommandReader::take_continuation() {
    if (!continuation_owed_) return false;
    continuation_owed_ = false;
    return true;
}

std::optional<std::string> CommandReader::reject_continuation() {
    if (!awaiting_sync_) return std::nullopt;
    std::optional<std::string> tag = discard_tag_;
    awaiting_sync_ = continuation_owed_ = false;
    state_ = State::line;
    literal_left_ = 0;
    reset_command();
    return tag;
}

}  // namespace tern::imap
