// Test-only: a POP3 session run in-process over a testing::MemoryStream,
// with a real SQLite store in a TempDir, a real Authenticator (cheap argon2)
// and a real net::Blocking. The coroutine machinery (Asio) stays in
// session_fixture.cpp so the test files compile quickly.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "accounts/authenticator.hpp"
#include "config/holder.hpp"
#include "net/blocking.hpp"
#include "pop3/server/pop3_server.hpp"
#include "store/store.hpp"
#include "testing/session_world.hpp"

namespace tern::pop3::test {

inline constexpr const char* kUser = testing::kSessionUser;
inline constexpr const char* kPassword = testing::kSessionPassword;

struct SessionSetup {
    Pop3ListenerOptions options;
    bool implicit_tls = false;  // TLS active before the greeting (port 995)
    bool tls_available = true;
    bool allow_plaintext = false;  // auth.allow_plaintext_without_tls
    std::size_t chunk = 1 << 20;   // octets per read (1: one at a time)
    net::IoStatus end = net::IoStatus::eof;
    bool stopping = false;  // the server is shutting down
};

class Pop3SessionTest : public ::testing::Test, protected testing::SessionWorld {
  protected:
    Pop3SessionTest();
    ~Pop3SessionTest() override;

    // Appends a message to alice's INBOX; returns its UID.
    uint32_t deliver(const std::string& raw);
    // Runs one whole session on `input`; returns everything the server wrote.
    std::string session(const std::string& input, const SessionSetup& setup = {});
    // A session with plaintext logins allowed, logged in with USER/PASS first.
    // Returns the output after the login reply.
    std::string logged_in(const std::string& commands, SessionSetup setup = {});
    std::vector<store::Message> inbox();

    MaildropLocks locks_;
    store::Mailbox inbox_;
};

}  // namespace tern::pop3::test
