// SessionWorld: what a protocol session test needs around the session, all
// real: a SQLite store in a temporary directory, an Authenticator (cheap
// argon2 parameters), a blocking pool, the default configuration, and one
// account, alice@example.test, whose password is kPassword. Log lines are
// captured into log_ (tests check that passwords never appear there).
// Protocol fixtures derive from it so their tests use the members directly.
#pragma once

#include <memory>
#include <string>

#include "accounts/authenticator.hpp"
#include "config/holder.hpp"
#include "net/blocking.hpp"
#include "store/store.hpp"
#include "testing/temp_dir.hpp"

namespace tern::testing {

inline constexpr char kSessionUser[] = "alice@example.test";
inline constexpr char kSessionPassword[] = "correct horse";

class SessionWorld {
  protected:
    SessionWorld();
    ~SessionWorld();
    SessionWorld(const SessionWorld&) = delete;
    SessionWorld& operator=(const SessionWorld&) = delete;

    TempDir dir_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<accounts::Authenticator> auth_;
    std::unique_ptr<net::Blocking> blocking_;
    std::unique_ptr<config::ConfigHolder> config_;
    store::Account alice_;
    std::string log_;
};

}  // namespace tern::testing
