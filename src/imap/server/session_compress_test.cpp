// COMPRESS=DEFLATE (RFC 4978) in whole sessions: the client's side is zlib
// (deflate_peer.hpp), which compresses the commands sent after the tagged OK
// and decompresses the responses after it.
#include <zlib.h>

#include "imap/server/deflate_peer.hpp"
#include "imap/server/session_fixture.hpp"

namespace tern::imap::test {
namespace {

const std::string kMsg = "From: Bob <bob@example.test>\r\nSubject: Hello\r\n\r\nBody line\r\n";
const std::string kOk = "b OK DEFLATE active\r\n";

std::string login() {
    return std::string("a LOGIN ") + kUser + " \"" + kPassword + "\"\r\n";
}

// The session's output split at the COMPRESS OK: the plain part (through
// the OK) and the decompressed rest.
struct Split {
    std::string plain;
    std::string compressed;
    std::string decompressed;
    bool corrupt = false;
};

Split split(const std::string& out, DeflatePeer& peer) {
    Split s;
    const std::size_t at = out.find(kOk);
    if (at == std::string::npos) {
        s.plain = out;
        return s;
    }
    s.plain = out.substr(0, at + kOk.size());
    s.compressed = out.substr(at + kOk.size());
    s.decompressed = peer.decompress(s.compressed, &s.corrupt);
    return s;
}

class CompressTest : public ImapSessionTest {
  protected:
    // Logs in, runs `before` plainly, sends "b COMPRESS DEFLATE", and once
    // the OK is out sends `after_plain` compressed.
    std::string run(const std::string& before, const std::string& after_plain,
                    SessionSetup setup = {}) {
        setup.allow_plaintext = true;
        setup.steps.push_back({kOk, nullptr, peer_client_.compress(after_plain)});
        return session(login() + before + "b COMPRESS DEFLATE\r\n", setup);
    }
    DeflatePeer peer_client_;  // compresses what the client sends
    DeflatePeer peer_server_;  // decompresses what the server sends
};

TEST_F(CompressTest, OfferedOnlyOnceAuthenticatedAndOnlyUntilActive) {
    const std::string out = run("", "c CAPABILITY\r\nd LOGOUT\r\n");
    const Split s = split(out, peer_server_);
    // RFC 4978 3: not before authentication; after it, in the login's
    // CAPABILITY; never again once compression is on.
    const std::string greeting = out.substr(0, out.find("\r\n"));
    EXPECT_EQ(greeting.find("COMPRESS=DEFLATE"), std::string::npos) << greeting;
    const std::string login_ok = lines_with(out, "a OK");
    EXPECT_NE(login_ok.find(" COMPRESS=DEFLATE "), std::string::npos) << login_ok;
    ASSERT_FALSE(s.corrupt);
    const std::string caps = lines_with(s.decompressed, "* CAPABILITY");
    ASSERT_FALSE(caps.empty()) << s.decompressed;
    EXPECT_EQ(caps.find("COMPRESS"), std::string::npos) << caps;
    EXPECT_NE(caps.find("IDLE"), std::string::npos) << caps;
    EXPECT_NE(s.decompressed.find("c OK CAPABILITY completed\r\n"), std::string::npos);
    EXPECT_NE(s.decompressed.find("d OK LOGOUT completed\r\n"), std::string::npos);
    EXPECT_NE(log_.find("imap.compress"), std::string::npos) << log_;
}

TEST_F(CompressTest, CommandsAndResponsesBothWaysIncludingALargeFetch) {
    std::string body;
    for (int i = 0; i < 5000; ++i)
        body += "line " + std::to_string(i) + " of a large message body\r\n";
    const std::string big = "From: Bob <bob@example.test>\r\nSubject: Big\r\n\r\n" + body;
    deliver(kMsg);
    deliver(big);
    const std::string out =
        run("s SELECT INBOX\r\n", "c NOOP\r\nd FETCH 2 BODY[]\r\ne APPEND INBOX {" +
                                      std::to_string(kMsg.size()) + "+}\r\n" + kMsg +
                                      "\r\nf UID FETCH 3 (FLAGS)\r\ng LOGOUT\r\n");
    const Split s = split(out, peer_server_);
    EXPECT_NE(s.plain.find("s OK [READ-WRITE]"), std::string::npos) << s.plain;
    ASSERT_FALSE(s.corrupt);
    EXPECT_NE(s.decompressed.find("c OK NOOP"), std::string::npos) << s.decompressed;
    const std::string literal = "BODY[] {" + std::to_string(big.size()) + "}\r\n" + big;
    EXPECT_NE(s.decompressed.find(literal), std::string::npos);
    EXPECT_NE(s.decompressed.find("d OK"), std::string::npos);
    // APPEND with a literal through the decompressor, then its message seen.
    EXPECT_NE(s.decompressed.find("e OK [APPENDUID"), std::string::npos) << s.decompressed;
    EXPECT_NE(s.decompressed.find("* 3 EXISTS"), std::string::npos) << s.decompressed;
    EXPECT_NE(s.decompressed.find("f OK"), std::string::npos) << s.decompressed;
    EXPECT_NE(s.decompressed.find("g OK LOGOUT"), std::string::npos) << s.decompressed;
    EXPECT_LT(s.compressed.size(), big.size() / 3);  // the FETCH did shrink
    EXPECT_EQ(messages().size(), 3u);
}

TEST_F(CompressTest, EveryWriteEndsWithASyncFlushSoTheClientNeverWaits) {
    deliver(kMsg);
    std::vector<IoRecord> io;
    SessionSetup setup;
    setup.io_log = &io;
    run("s SELECT INBOX\r\n", "c NOOP\r\nd FETCH 1 (FLAGS BODY[])\r\ne LOGOUT\r\n", setup);
    bool after_ok = false;
    std::size_t compressed_writes = 0;
    for (const auto& r : io) {
        if (!r.write) continue;
        if (after_ok) {
            ++compressed_writes;
            // RFC 4978 4: each write decompresses to whole response lines.
            EXPECT_TRUE(ends_with_sync_flush(r.data));
            bool corrupt = true;
            const std::string plain = peer_server_.decompress(r.data, &corrupt);
            EXPECT_FALSE(corrupt);
            ASSERT_GE(plain.size(), 2u);
            EXPECT_EQ(plain.substr(plain.size() - 2), "\r\n") << plain;
        }
        if (r.data.find(kOk) != std::string::npos) {
            // The OK itself is plain and ends its write (RFC 4978 3).
            EXPECT_EQ(r.data.substr(r.data.size() - kOk.size()), kOk);
            after_ok = true;
        }
    }
    EXPECT_GE(compressed_writes, 1u);
}

TEST_F(CompressTest, SecondCompressIsNoCompressionActive) {
    const std::string out = run("", "c COMPRESS DEFLATE\r\nd NOOP\r\n");
    const Split s = split(out, peer_server_);
    ASSERT_FALSE(s.corrupt);
    // RFC 4978 3: NO with COMPRESSIONACTIVE; the session goes on compressed.
    EXPECT_NE(s.decompressed.find("c NO [COMPRESSIONACTIVE] "), std::string::npos)
        << s.decompressed;
    EXPECT_NE(s.decompressed.find("d OK NOOP"), std::string::npos) << s.decompressed;
}

TEST_F(ImapSessionTest, CompressUnknownMechanismIsBadAndBeforeLoginIsRefused) {
    const std::string before = session("a COMPRESS DEFLATE\r\n");
    EXPECT_NE(before.find("a BAD COMPRESS is not valid in this state"), std::string::npos)
        << before;
    const std::string out = logged_in("b COMPRESS LZMA\r\nc COMPRESS\r\nd NOOP\r\n");
    EXPECT_NE(out.find("b BAD unknown compression mechanism"), std::string::npos) << out;
    EXPECT_NE(out.find("c BAD"), std::string::npos) << out;
    // Still plain: the refusal changed nothing.
    EXPECT_NE(out.find("d OK NOOP completed\r\n"), std::string::npos) << out;
}

TEST_F(CompressTest, InsideTlsAfterStarttls) {
    SessionSetup setup;
    setup.allow_plaintext = false;  // LOGIN only after STARTTLS
    setup.steps.push_back({"z OK Begin TLS", nullptr, login() + "b COMPRESS DEFLATE\r\n"});
    setup.steps.push_back({kOk, nullptr, peer_client_.compress("c CAPABILITY\r\nd LOGOUT\r\n")});
    const std::string out = session("z STARTTLS\r\n", setup);
    const Split s = split(out, peer_server_);
    EXPECT_NE(s.plain.find("a OK [CAPABILITY"), std::string::npos) << s.plain;
    ASSERT_FALSE(s.corrupt);
    const std::string caps = lines_with(s.decompressed, "* CAPABILITY");
    EXPECT_EQ(caps.find("STARTTLS"), std::string::npos) << caps;
    EXPECT_EQ(caps.find("COMPRESS"), std::string::npos) << caps;
    EXPECT_NE(s.decompressed.find("d OK LOGOUT"), std::string::npos) << s.decompressed;
    EXPECT_NE(log_.find("imap.compress"), std::string::npos);
    EXPECT_NE(log_.find("tls=yes"), std::string::npos) << log_;
}

TEST_F(CompressTest, InsideImplicitTls) {
    SessionSetup setup;
    setup.implicit_tls = true;
    const std::string out = run("", "c NOOP\r\nd LOGOUT\r\n", setup);
    const Split s = split(out, peer_server_);
    ASSERT_FALSE(s.corrupt);
    EXPECT_NE(s.decompressed.find("c OK NOOP"), std::string::npos) << s.decompressed;
}

TEST_F(CompressTest, ADeflateBombMeetsTheLineLimitAndTheSessionGoesOn) {
    // 32 MiB without a line end compresses to ~32 KiB. Decompressed, it is
    // an over-long line like any other: answered with BAD, octets dropped
    // as they come (memory stays bounded by the reader's limits), and the
    // next command works.
    const std::string bomb = "c NOOP " + std::string(32u << 20, 'x') + "\r\nd NOOP\r\ne LOGOUT\r\n";
    const std::string out = run("", bomb);
    const Split s = split(out, peer_server_);
    ASSERT_FALSE(s.corrupt);
    EXPECT_NE(s.decompressed.find("c BAD"), std::string::npos) << s.decompressed;
    EXPECT_NE(s.decompressed.find("d OK NOOP"), std::string::npos) << s.decompressed;
    EXPECT_NE(s.decompressed.find("e OK LOGOUT"), std::string::npos) << s.decompressed;
}

TEST_F(CompressTest, CorruptCompressedInputEndsTheSessionWithALogLine) {
    SessionSetup setup;
    setup.allow_plaintext = true;
    setup.steps.push_back({kOk, nullptr, std::string("\xff\xfe garbage\r\n", 11)});
    const std::string out = session(login() + "b COMPRESS DEFLATE\r\n", setup);
    const Split s = split(out, peer_server_);
    EXPECT_EQ(s.decompressed, "") << out;
    EXPECT_NE(log_.find("deflate_error="), std::string::npos) << log_;
}

}  // namespace
}  // namespace tern::imap::test
