#include "net/line_reader.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "net/timer.hpp"
#include "testing/memory_stream.hpp"
#include "testing/run_task.hpp"

namespace tern::net {
namespace {

using testing::MemoryStream;
using testing::run_task;

struct Got {
    IoStatus status;
    bool too_long;
    std::string raw;
};

Task<std::vector<Got>> read_all(Stream& s, std::size_t max, int limit = 100) {
    LineReader reader(s);
    std::vector<Got> out;
    for (int i = 0; i < limit; ++i) {
        Line l = co_await reader.read_line(max);
        out.push_back({l.status, l.too_long, std::string(l.raw)});
        if (l.status != IoStatus::ok) break;
    }
    co_return out;
}

class LineReaderChunks : public ::testing::TestWithParam<std::size_t> {};

// The same input fed in every chunk size, down to one byte at a time
// (STYLE.md 3), gives the same lines.
TEST_P(LineReaderChunks, SplitsLinesWhateverTheChunking) {
    MemoryStream s("EHLO a\r\nNOOP\nQUIT\r\npartial", GetParam());
    auto got = run_task(read_all(s, 100));
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0].raw, "EHLO a\r\n");
    EXPECT_EQ(got[1].raw, "NOOP\n");
    EXPECT_EQ(got[2].raw, "QUIT\r\n");
    EXPECT_EQ(got[3].status, IoStatus::eof);  // the unterminated fragment is dropped
}

TEST_P(LineReaderChunks, OverlongLineIsDiscardedAndReadingResyncs) {
    std::string input = std::string(10000, 'x') + "\r\nNOOP\r\n";
    MemoryStream s(input, GetParam());
    auto got = run_task(read_all(s, 512));
    ASSERT_EQ(got.size(), 3u);
    EXPECT_TRUE(got[0].too_long);
    EXPECT_EQ(got[0].status, IoStatus::ok);
    EXPECT_FALSE(got[1].too_long);
    EXPECT_EQ(got[1].raw, "NOOP\r\n");
}

INSTANTIATE_TEST_SUITE_P(Chunks, LineReaderChunks, ::testing::Values(1, 2, 3, 7, 512, 1 << 20));

TEST(LineReader, LimitCountsTheTerminator) {
    // 510 octets + CRLF = 512: allowed (RFC 5321 4.5.3.1.4); one more is not.
    std::string ok = std::string(510, 'a') + "\r\n";
    std::string too = std::string(511, 'a') + "\r\n";
    MemoryStream s(ok + too + "x\r\n");
    auto got = run_task(read_all(s, 512));
    ASSERT_GE(got.size(), 3u);
    EXPECT_FALSE(got[0].too_long);
    EXPECT_TRUE(got[1].too_long);
    EXPECT_EQ(got[2].raw, "x\r\n");
}

TEST(LineReader, TextStripsCrLfAndReportsCrlf) {
    Line l{IoStatus::ok, false, "abc\r\n"};
    EXPECT_EQ(l.text(), "abc");
    EXPECT_TRUE(l.crlf());
    Line bare{IoStatus::ok, false, "abc\n"};
    EXPECT_EQ(bare.text(), "abc");
    EXPECT_FALSE(bare.crlf());
}

TEST(LineReader, ReadExactMixesWithLines) {
    std::string body(100000, 'b');
    MemoryStream s("A1 APPEND {100000}\r\n" + body + "\r\nNEXT\r\n", 4096);
    auto result = run_task([&]() -> Task<std::vector<std::string>> {
        LineReader r(s);
        std::vector<std::string> parts;
        Line l = co_await r.read_line(1000);
        parts.emplace_back(l.raw);
        std::string lit;
        IoStatus st = co_await r.read_exact(100000, lit);
        parts.push_back(st == IoStatus::ok ? lit : "fail");
        l = co_await r.read_line(1000);
        parts.emplace_back(l.raw);
        l = co_await r.read_line(1000);
        parts.emplace_back(l.raw);
        co_return parts;
    }());
    ASSERT_EQ(result.size(), 4u);
    EXPECT_EQ(result[1], body);
    EXPECT_EQ(result[2], "\r\n");
    EXPECT_EQ(result[3], "NEXT\r\n");
}

TEST(LineReader, BufferedCountsOnlyUnreadOctets) {
    MemoryStream s("A\r\nB\r\n");
    auto n = run_task([&]() -> Task<std::size_t> {
        LineReader r(s);
        co_await r.read_line(100);
        std::size_t left = r.buffered();
        r.discard_buffered();
        Line l = co_await r.read_line(100);
        co_return left * 10 + (l.status == IoStatus::eof ? 1 : 0);
    }());
    EXPECT_EQ(n, 31u);  // "B\r\n" was buffered; after discarding, EOF
}

TEST(LineReader, InterruptibleReadSeesShutdown) {
    MemoryStream s("");
    s.set_stopping(true);
    auto got = run_task([&]() -> Task<IoStatus> {
        LineReader r(s);
        Line l = co_await r.read_line(100, true);
        co_return l.status;
    }());
    EXPECT_EQ(got, IoStatus::shutdown);
}

// A client that drips one octet every `gap` and honours the per-read
// timeout like TcpStream does.
class DripStream : public MemoryStream {
  public:
    DripStream(std::string input, std::chrono::milliseconds gap, std::chrono::milliseconds timeout)
        : MemoryStream(std::move(input), 1), gap_(gap), timeout_(timeout) {}
    Task<IoStatus> read_some(char* buf, std::size_t size, std::size_t& n,
                             bool interruptible) override {
        if (timeout_ < gap_) {
            co_await sleep_for(timeout_);
            co_return IoStatus::timeout;
        }
        co_await sleep_for(gap_);
        co_return co_await MemoryStream::read_some(buf, size, n, interruptible);
    }
    void set_timeout(std::chrono::milliseconds t) override {
        timeout_ = t;
        ++set_calls_;
    }
    std::chrono::milliseconds timeout() const override { return timeout_; }
    int set_calls() const { return set_calls_; }

  private:
    std::chrono::milliseconds gap_, timeout_;
    int set_calls_ = 0;
};

TEST(LineReaderDeadline, ADrippingClientTimesOutWithinTheLinesTimeout) {
    using namespace std::chrono_literals;
    // 40 octets at 20 ms each would take 800 ms; the line may take 150 ms.
    DripStream s(std::string(40, 'a') + "\r\n", 20ms, 150ms);
    auto start = std::chrono::steady_clock::now();
    auto got = run_task(read_all(s, 1000));
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].status, IoStatus::timeout);
    EXPECT_LT(took, 600ms);
    EXPECT_EQ(s.timeout(), 150ms);  // the stream's own timeout is back
}

TEST(LineReaderDeadline, ALineWithinItsTimeIsReadAndTheTimeoutRestored) {
    using namespace std::chrono_literals;
    DripStream s("ab\r\n", 5ms, 2000ms);
    auto got = run_task(read_all(s, 1000, 1));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].status, IoStatus::ok);
    EXPECT_EQ(got[0].raw, "ab\r\n");
    EXPECT_GT(s.set_calls(), 0);
    EXPECT_EQ(s.timeout(), 2000ms);
}

}  // namespace
}  // namespace tern::net
