// IDLE without polling (RFC 2177): a change to the selected mailbox wakes the
// idling session's pending read, which otherwise waits, with the whole
// autologout as its timeout, until the client speaks. The session's reads
// here block like a socket's (SessionSetup::wait_for_wake), so an update
// that arrives can only have come through the wake-up.
#include <chrono>
#include <cstdio>
#include <optional>

#include "imap/server/session_fixture.hpp"

namespace tern::imap::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kMsg = "From: Bob <bob@example.test>\r\nSubject: Hello\r\n\r\nBody line\r\n";

std::string login_select_idle() {
    return std::string("a LOGIN ") + kUser + " \"" + kPassword +
           "\"\r\nb SELECT INBOX\r\nc IDLE\r\n";
}

// The time of the first write that contains `text`.
std::optional<Clock::time_point> written_at(const std::vector<IoRecord>& log,
                                            const std::string& text) {
    for (const auto& r : log)
        if (r.write && r.data.find(text) != std::string::npos) return r.at;
    return std::nullopt;
}

TEST_F(ImapSessionTest, IdleAnnouncesDeliveryAtOnceThroughTheWakeUp) {
    deliver(kMsg);
    std::vector<IoRecord> io;
    Clock::time_point delivered;
    SessionSetup s;
    s.allow_plaintext = true;
    s.wait_for_wake = 5s;
    s.io_log = &io;
    s.steps = {
        {"+ idling\r\n",
         [&] {
             delivered = Clock::now();
             deliver(kMsg);  // another writer (SMTP delivery, another session's APPEND)
         },
         ""},
        {"* 2 EXISTS\r\n", nullptr, "DONE\r\nz LOGOUT\r\n"},
    };
    const auto started = Clock::now();
    const std::string out = session(login_select_idle(), s);
    EXPECT_NE(out.find("+ idling\r\n* 2 EXISTS\r\nc OK IDLE terminated\r\n"), std::string::npos)
        << out;
    const auto told = written_at(io, "* 2 EXISTS");
    ASSERT_TRUE(told.has_value());
    const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(*told - delivered);
    std::printf("IDLE delay from delivery to EXISTS: %lld ms\n",
                static_cast<long long>(delay.count()));
    // RFC 2177 / issue 4: within one second; no read timed out meanwhile.
    EXPECT_LT(delay, 1000ms);
    EXPECT_LT(Clock::now() - started, 4s);
    for (const auto& r : io)
        EXPECT_NE(r.status, net::IoStatus::timeout);
}

TEST_F(ImapSessionTest, IdleWaitsWithTheWholeAutologoutAndNoPeriodicWakeUps) {
    deliver(kMsg);
    std::vector<IoRecord> io;
    SessionSetup s;
    s.allow_plaintext = true;
    s.io_log = &io;
    // Nothing happens: the client's DONE comes after the continuation.
    s.steps = {{"+ idling\r\n", nullptr, "DONE\r\nd NOOP\r\n"}};
    const std::string out = session(login_select_idle(), s);
    EXPECT_NE(out.find("+ idling\r\nc OK IDLE terminated\r\nd OK"), std::string::npos) << out;
    const std::size_t idle_at = out.find("+ idling");
    // Exactly one read while idling, and its timeout is the autologout
    // (imap.idle_timeout_seconds, 30 minutes by default), not a poll.
    std::size_t reads = 0;
    for (const auto& r : io) {
        if (r.write || r.output_before <= idle_at) continue;
        if (r.output_before > out.find("c OK IDLE")) break;
        ++reads;
        EXPECT_GT(r.timeout, 1799s);
        EXPECT_TRUE(r.interruptible);
    }
    EXPECT_EQ(reads, 1u);
}

TEST_F(ImapSessionTest, IdleIsNotWokenByAnotherMailbox) {
    deliver(kMsg);
    std::vector<IoRecord> io;
    SessionSetup s;
    s.allow_plaintext = true;
    s.wait_for_wake = 300ms;
    s.io_log = &io;
    s.steps = {{"+ idling\r\n", [&] { deliver(kMsg, "Trash"); }, ""}};
    const std::string out = session(login_select_idle(), s);
    // No wake-up came: the read waited its whole time and ended with the
    // input (EOF); nothing was announced about INBOX.
    const std::string idling = after_line(out, "+ idling");
    EXPECT_EQ(idling, "") << out;
    ASSERT_FALSE(io.empty());
    EXPECT_EQ(io.back().status, net::IoStatus::eof);
    for (const auto& r : io)
        EXPECT_NE(r.status, net::IoStatus::woken);
}

TEST_F(ImapSessionTest, IdleAnnouncesExpungeAndFlagsFromAnotherSession) {
    deliver(kMsg);
    deliver(kMsg);
    const auto inbox = *store_->find_mailbox(alice_.id, "INBOX");
    SessionSetup s;
    s.allow_plaintext = true;
    s.wait_for_wake = 5s;
    s.steps = {
        {"+ idling\r\n", [&] { ASSERT_TRUE(store_->expunge(inbox.id, {1})); }, ""},
        {"* 1 EXPUNGE\r\n",
         [&] {
             ASSERT_TRUE(store_->store_flags(inbox.id, {2}, store::FlagOp::add, {"\\Flagged"},
                                             std::nullopt));
         },
         ""},
        {"FLAGS (\\Flagged)", nullptr, "DONE\r\nz LOGOUT\r\n"},
    };
    const std::string out = session(login_select_idle(), s);
    // RFC 2177 3: IDLE may carry EXPUNGE (it is not FETCH, STORE or SEARCH).
    EXPECT_NE(out.find("+ idling\r\n* 1 EXPUNGE\r\n* 1 FETCH (UID 2 FLAGS (\\Flagged))\r\n"
                       "c OK IDLE terminated"),
              std::string::npos)
        << out;
}

TEST_F(ImapSessionTest, WakeUpOutsideIdleIsHarmless) {
    deliver(kMsg);
    SessionSetup s;
    s.allow_plaintext = true;
    s.wait_for_wake = 5s;
    // A change while the session is not idling: no wake-up is asked for, the
    // next NOOP reports it, and a later IDLE starts clean.
    s.steps = {
        {"b OK", [&] { deliver(kMsg); }, "d NOOP\r\ne IDLE\r\n"},
        {"+ idling\r\n", nullptr, "DONE\r\nz LOGOUT\r\n"},
    };
    const std::string out = session(
        std::string("a LOGIN ") + kUser + " \"" + kPassword + "\"\r\nb SELECT INBOX\r\n", s);
    EXPECT_NE(out.find("* 2 EXISTS\r\nd OK NOOP"), std::string::npos) << out;
    EXPECT_NE(out.find("+ idling\r\ne OK IDLE terminated"), std::string::npos) << out;
}

}  // namespace
}  // namespace tern::imap::test
