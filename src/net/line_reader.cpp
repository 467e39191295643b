#include "net/line_reader.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace tern::net {
namespace {
constexpr std::size_t kInitialBuffer = 512;
constexpr std::size_t kReadChunk = 16 * 1024;
}  // namespace

std::string_view Line::text() const {
    std::string_view t = raw;
    if (!t.empty() && t.back() == '\n') t.remove_suffix(1);
    if (!t.empty() && t.back() == '\r') t.remove_suffix(1);
    return t;
}

void LineReader::compact() {
    begin_ += consumed_;
    consumed_ = 0;
    if (begin_ == end_) {
        begin_ = end_ = 0;
    } else if (begin_ > 0 && (begin_ > buf_.size() / 2 || end_ == buf_.size())) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
}

Task<IoStatus> LineReader::fill(bool interruptible) {
    if (buf_.empty()) buf_.resize(kInitialBuffer);
    if (end_ == buf_.size()) buf_.resize(std::max(buf_.size() * 2, end_ + kInitialBuffer));
    std::size_t room = std::min(buf_.size() - end_, kReadChunk);
    std::size_t n = 0;
    IoStatus st = co_await stream_.read_some(buf_.data() + end_, room, n, interruptible);
    if (st == IoStatus::ok) end_ += n;
    co_return st;
}

bool LineReader::has_line() const {
    std::size_t from = begin_ + consumed_;
    return from < end_ && std::memchr(buf_.data() + from, '\n', end_ - from) != nullptr;
}

void LineReader::discard_buffered() {
    begin_ = end_ = consumed_ = 0;
}

Task<Line> LineReader::read_line(std::size_t max_length, bool interruptible) {
    compact();
    using Clock = std::chrono::steady_clock;
    const std::chrono::milliseconds timeout = stream_.timeout();
    const Clock::time_point deadline = Clock::now() + timeout;
    // Puts the stream's own timeout back however the line ends.
    struct Restore {
        Stream& stream;
        std::chrono::milliseconds timeout;
        bool active = false;
        ~Restore() {
            if (active) stream.set_timeout(timeout);
        }
    } restore{stream_, timeout};
    std::size_t scanned = 0;
    bool discarding = false;
    for (;;) {
        const char* start = buf_.data() + begin_;
        const void* lf = scanned < end_ - begin_
                             ? std::memchr(start + scanned, '\n', end_ - begin_ - scanned)
                             : nullptr;
        if (lf) {
            std::size_t len = static_cast<const char*>(lf) - start + 1;
            if (discarding || len > max_length) {
                begin_ += len;
                co_return Line{IoStatus::ok, true, {}};
            }
            consumed_ = len;
            co_return Line{IoStatus::ok, false, std::string_view(start, len)};
        }
        scanned = end_ - begin_;
        if (scanned >= max_length) {
            // Over the limit with no LF yet: drop what we have and keep
            // dropping until the LF, so memory stays bounded by max_length.
            discarding = true;
            begin_ = end_ = 0;
            scanned = 0;
        }
        if (timeout.count() > 0) {
            // Each read may wait only what is left of the line's time.
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) co_return Line{IoStatus::timeout, false, {}};
            stream_.set_timeout(left);
            restore.active = true;
        }
        IoStatus st = co_await fill(interruptible);
        if (st != IoStatus::ok) co_return Line{st, false, {}};
    }
}

Task<IoStatus> LineReader::read_exact(std::size_t n, std::string& out) {
    compact();
    while (n > 0) {
        if (begin_ == end_) {
            begin_ = end_ = 0;
            // Large bodies go straight to `out` without passing through buf_.
            if (n >= kReadChunk) {
                std::size_t old = out.size();
                out.resize(old + std::min(n, kReadChunk * 4));
                std::size_t got = 0;
                IoStatus st =
                    co_await stream_.read_some(out.data() + old, out.size() - old, got, false);
                out.resize(old + (st == IoStatus::ok ? got : 0));
                if (st != IoStatus::ok) co_return st;
                n -= got;
                continue;
            }
            IoStatus st = co_await fill(false);
            if (st != IoStatus::ok) co_return st;
        }
        std::size_t take = std::min(n, end_ - begin_);
        out.append(buf_.data() + begin_, take);
        begin_ += take;
        n -= take;
    }
    co_return IoStatus::ok;
}

}  // namespace tern::net
