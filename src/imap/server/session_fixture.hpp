// Test-only: an IMAP session run in-process over a testing::MemoryStream,
// with a real SQLite store in a TempDir, a real Authenticator (cheap argon2)
// and a real net::Blocking. The coroutine machinery (Asio) stays in
// session_fixture.cpp so the test files compile quickly.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "accounts/authenticator.hpp"
#include "config/holder.hpp"
#include "imap/server/imap_server.hpp"
#include "net/blocking.hpp"
#include "store/store.hpp"
#include "testing/session_world.hpp"

namespace tern::imap::test {

inline constexpr const char* kUser = testing::kSessionUser;
inline constexpr const char* kPassword = testing::kSessionPassword;

// One read or write the session made, for tests about how it waits.
struct IoRecord {
    bool write = false;
    std::chrono::steady_clock::time_point at;
    std::string data;                      // writes: what was written
    std::size_t output_before = 0;         // reads: output size when the read began
    std::chrono::milliseconds timeout{0};  // reads: the stream timeout then in force
    bool interruptible = false;
    net::IoStatus status = net::IoStatus::ok;  // reads: how it ended
};

// When the server's output contains `after` (searched from where the
// previous step matched), `action` runs once and `input` is added to the
// input, before the session's next read.
struct SessionStep {
    std::string after;
    std::function<void()> action;
    std::string input;
};

struct SessionSetup {
    ImapListenerOptions options;
    bool implicit_tls = false;
    bool tls_available = true;
    bool allow_plaintext = false;  // auth.allow_plaintext_without_tls
    std::size_t chunk = 1 << 20;   // octets per read (1: one at a time)
    net::IoStatus end = net::IoStatus::eof;
    bool stopping = false;
    // Another writer: `hook` runs once, before the first read that follows
    // the server's output containing `hook_after` (use a small chunk so
    // reads interleave with commands); `then_input` is added to the input.
    // (A first step, before `steps`.)
    std::string hook_after;
    std::function<void()> hook;
    std::string then_input;
    std::vector<SessionStep> steps;
    // Like a socket: an interruptible read that finds no input blocks until
    // the stream's waker is called, for at most this long, and only then
    // reports the end status. Zero: it reports the end status at once.
    std::chrono::milliseconds wait_for_wake{0};
    // Every read and write, when set.
    std::vector<IoRecord>* io_log = nullptr;
};

class ImapSessionTest : public ::testing::Test, protected testing::SessionWorld {
  protected:
    ImapSessionTest();
    ~ImapSessionTest() override;

    // Appends a message to one of alice's mailboxes; returns its UID.
    uint32_t deliver(const std::string& raw, const std::string& mailbox = "INBOX",
                     std::vector<std::string> flags = {}, int64_t date = 1700000000);
    // Runs one whole session on `input`; returns everything the server wrote.
    std::string session(const std::string& input, const SessionSetup& setup = {});
    // Plaintext logins allowed; "a LOGIN" first. Returns the output after
    // the login reply.
    std::string logged_in(const std::string& commands, SessionSetup setup = {});
    // logged_in() with "s SELECT INBOX" first; returns the output after it.
    std::string selected(const std::string& commands, const std::string& mailbox = "INBOX");
    std::vector<store::Message> messages(const std::string& mailbox = "INBOX");
};

// The text after the line that starts with `prefix` (exclusive), or the
// whole output when there is no such line.
std::string after_line(const std::string& out, const std::string& prefix);
// Every line of out that starts with prefix, each with its CRLF.
std::string lines_with(const std::string& out, const std::string& prefix);

}  // namespace tern::imap::test
