// net::DeflateStream over a testing::MemoryStream, against an independent
// zlib peer (deflate_peer.hpp): raw DEFLATE both ways (RFC 4978, RFC 1951),
// a sync flush at the end of every write, reads bounded by the caller's
// buffer, corrupt input, the end of the peer's stream, trim(), and wake-ups
// passing through. (These tests live with the IMAP tests, the one user.)
#include <gtest/gtest.h>

#include "imap/server/deflate_peer.hpp"
#include "net/deflate_stream.hpp"
#include "testing/memory_stream.hpp"
#include "testing/run_task.hpp"

namespace tern::imap::test {
namespace {

using net::DeflateStream;
using net::IoStatus;

std::unique_ptr<DeflateStream> wrap(testing::MemoryStream& inner) {
    auto s = DeflateStream::wrap(inner);
    if (!s) throw std::runtime_error(s.error().message);
    return std::move(*s);
}

// Reads until the stream reports something other than ok, `size` at a time.
std::pair<std::string, IoStatus> read_all(DeflateStream& s, std::size_t size,
                                          std::size_t* largest = nullptr) {
    std::string got;
    std::string buf(size, '\0');
    for (;;) {
        std::size_t n = 0;
        IoStatus st = testing::run_task(s.read_some(buf.data(), buf.size(), n, false));
        if (st != IoStatus::ok) return {got, st};
        EXPECT_GT(n, 0u);
        EXPECT_LE(n, size);
        if (largest) *largest = std::max(*largest, n);
        got.append(buf.data(), n);
    }
}

TEST(DeflateStream, WritesRawDeflateEndingEachWriteWithASyncFlush) {
    testing::MemoryStream inner;
    auto s = wrap(inner);
    DeflatePeer peer;
    ASSERT_EQ(testing::run_task(s->write_all("* OK first\r\n")), IoStatus::ok);
    // RFC 4978 4: the client can decode all of it without waiting for more.
    EXPECT_TRUE(ends_with_sync_flush(inner.output()));
    EXPECT_EQ(peer.decompress(inner.output()), "* OK first\r\n");
    inner.clear_output();
    std::string big;
    for (int i = 0; i < 20000; ++i)
        big += "* " + std::to_string(i) + " FETCH (FLAGS (\\Seen))\r\n";
    ASSERT_EQ(testing::run_task(s->write_all(big)), IoStatus::ok);
    EXPECT_TRUE(ends_with_sync_flush(inner.output()));
    EXPECT_LT(inner.output().size(), big.size() / 4);  // it does compress
    EXPECT_EQ(peer.decompress(inner.output()), big);
    EXPECT_EQ(s->bytes_out_plain(), big.size() + 12);
}

TEST(DeflateStream, ReadsNeverHandOutMoreThanAsked) {
    DeflatePeer peer;
    // A bomb: 8 MiB of one octet compresses to a few KiB.
    const std::string plain(8u << 20, 'A');
    const std::string compressed = peer.compress(plain);
    ASSERT_LT(compressed.size(), 64u << 10);
    testing::MemoryStream inner(compressed);
    auto s = wrap(inner);
    std::size_t largest = 0;
    auto [got, st] = read_all(*s, 4096, &largest);
    EXPECT_EQ(st, IoStatus::eof);  // the inner stream's end
    EXPECT_EQ(got.size(), plain.size());
    EXPECT_EQ(got, plain);
    EXPECT_EQ(largest, 4096u);
    EXPECT_EQ(s->bytes_in_plain(), plain.size());
    EXPECT_EQ(s->bytes_in_compressed(), compressed.size());
}

TEST(DeflateStream, InputArrivingOneOctetAtATime) {
    DeflatePeer peer;
    const std::string plain = "a NOOP\r\nb SELECT INBOX\r\nc FETCH 1:* (FLAGS)\r\n";
    testing::MemoryStream inner(peer.compress(plain), 1);
    auto s = wrap(inner);
    auto [got, st] = read_all(*s, 7);
    EXPECT_EQ(st, IoStatus::eof);
    EXPECT_EQ(got, plain);
}

TEST(DeflateStream, CorruptInputIsAnErrorNotACrash) {
    testing::MemoryStream inner(std::string("\xff\xff\xff\xff garbage", 12));
    auto s = wrap(inner);
    auto [got, st] = read_all(*s, 100);
    EXPECT_EQ(st, IoStatus::error);
    EXPECT_FALSE(s->error().empty());
    // It stays failed.
    char c = 0;
    std::size_t n = 0;
    EXPECT_EQ(testing::run_task(s->read_some(&c, 1, n, false)), IoStatus::error);
    EXPECT_EQ(testing::run_task(s->write_all("x")), IoStatus::error);
}

TEST(DeflateStream, TheEndOfThePeersStreamIsEofAndDataAfterItAnError) {
    DeflatePeer peer;
    testing::MemoryStream inner(peer.compress("z LOGOUT\r\n", Z_FINISH));
    auto s = wrap(inner);
    auto [got, st] = read_all(*s, 100);
    EXPECT_EQ(got, "z LOGOUT\r\n");
    EXPECT_EQ(st, IoStatus::eof);

    DeflatePeer peer2;
    testing::MemoryStream inner2(peer2.compress("z LOGOUT\r\n", Z_FINISH) + "junk");
    auto s2 = wrap(inner2);
    auto [got2, st2] = read_all(*s2, 100);
    EXPECT_EQ(got2, "z LOGOUT\r\n");
    EXPECT_EQ(st2, IoStatus::error);
    EXPECT_NE(s2->error().find("after the end"), std::string::npos);
}

TEST(DeflateStream, TrimStartsAFreshCompressorThePeerFollowsSeamlessly) {
    testing::MemoryStream inner;
    auto s = wrap(inner);
    DeflatePeer peer;
    ASSERT_EQ(testing::run_task(s->write_all("+ idling\r\n")), IoStatus::ok);
    s->trim();
    s->trim();  // twice is harmless
    ASSERT_EQ(testing::run_task(s->write_all("* 2 EXISTS\r\n")), IoStatus::ok);
    ASSERT_EQ(testing::run_task(s->write_all("+ idling again\r\n")), IoStatus::ok);
    bool corrupt = true;
    EXPECT_EQ(peer.decompress(inner.output(), &corrupt),
              "+ idling\r\n* 2 EXISTS\r\n+ idling again\r\n");
    EXPECT_FALSE(corrupt);
}

TEST(DeflateStream, WakeUpsAndQueriesReachTheInnerStream) {
    testing::MemoryStream inner;
    auto s = wrap(inner);
    auto wake = s->waker();
    ASSERT_TRUE(static_cast<bool>(wake));
    wake();
    char c = 0;
    std::size_t n = 0;
    // A non-interruptible read is never cut short; it sees the input's end.
    EXPECT_EQ(testing::run_task(s->read_some(&c, 1, n, false)), IoStatus::eof);
    EXPECT_EQ(testing::run_task(s->read_some(&c, 1, n, true)), IoStatus::woken);
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(testing::run_task(s->read_some(&c, 1, n, true)), IoStatus::eof);
    // RFC 4978 3: TLS goes under compression, never over it.
    EXPECT_FALSE(testing::run_task(s->start_tls()));
    EXPECT_FALSE(s->tls_available());
    testing::run_task(inner.start_tls());
    EXPECT_TRUE(s->tls_active());
    s->close();
    EXPECT_TRUE(inner.closed());
}

}  // namespace
}  // namespace tern::imap::test
