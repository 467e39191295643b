// World: everything a transcript's sessions share, built for real: a SQLite
// store in a temporary directory, an Authenticator with cheap argon2
// (m=1024 KiB, t=1), a worker pool of two threads and the configuration
// (config::Config defaults with server.hostname "mx.tern.test" and
// smtp.greeting_delay_ms 0, plus the script's @config keys, validated by the
// real TOML parser).
//
// Directives it understands (transcript.hpp explains the file format):
//   setup, run before the connection they appear in:
//     @domain example.org
//     @user alice@example.org secret            (quota 0: unlimited)
//     @alias a@example.org b@example.org ...    ("@example.org" is a catch-all)
//     @mailbox alice@example.org Lists           (creates a folder)
//     @message alice@example.org INBOX text...  (stores a message directly)
//     @quota alice@example.org 1                 (store.set_quota)
//     @disabled alice@example.org
//     @config smtp.max_recipients=2              (TOML value syntax)
//   checks, run after the connection they appear in:
//     @expect-count alice@example.org INBOX 1
//     @expect-stored alice@example.org INBOX text...     (some message contains it)
//     @expect-not-stored alice@example.org INBOX text... (no message contains it)
//     @expect-stored-end alice@example.org INBOX text... (some message ends so)
//     @expect-shared a@x INBOX b@x INBOX  (their newest messages share one blob)
// Text arguments take the escapes of transcript.hpp (\r\n, \xHH).
//
// Errors: apply() and check() return Errc::invalid with a readable message
// for an unknown directive, bad arguments, a store failure or a failed check.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "accounts/authenticator.hpp"
#include "config/config.hpp"
#include "net/blocking.hpp"
#include "store/store.hpp"
#include "testing/temp_dir.hpp"
#include "testing/transcript.hpp"

namespace tern::testing {

class World {
  public:
    World();
    ~World();
    Status open();

    // True when the directive is a setup or check directive of the world.
    static bool is_setup(const Directive& d);
    static bool is_check(const Directive& d);
    Status apply(const Directive& d);
    Status check(const Directive& d);

    Result<std::shared_ptr<const config::Config>> config() const;
    store::Store& store() { return *store_; }
    accounts::Authenticator& auth() { return *auth_; }
    net::Blocking& blocking() { return blocking_; }

  private:
    Result<std::vector<std::string>> messages(const std::string& address,
                                              const std::string& mailbox);
    Result<store::Message> newest(const std::string& address, const std::string& mailbox);

    TempDir dir_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<accounts::Authenticator> auth_;
    net::Blocking blocking_{2};
    // section -> key -> TOML value text
    std::map<std::string, std::map<std::string, std::string>> config_;
};

}  // namespace tern::testing
