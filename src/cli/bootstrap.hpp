// Start-up steps shared by the `tern` admin subcommands and `tern serve`.
//
// open_store: creates the data directory (and the database's directory) if
// missing, then opens the configured store (SQLite, WAL: the CLI may run
// while the server does). Errors: Errc::io when a directory cannot be made,
// otherwise whatever the store returns.
//
// dev_first_start: in dev mode only (config.dev), when the domain "tern.test"
// does not exist yet, adds the domains "tern.test" and "localhost" and the
// account demo@tern.test with a random 16-character password (letters and
// digits from RAND_bytes), and returns that password so the server can print
// it once. Returns nullopt when not in dev mode or not the first start.
// `tern --dev user passwd demo@tern.test` changes the password later.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "accounts/password.hpp"
#include "base/result.hpp"
#include "config/config.hpp"
#include "store/store.hpp"

namespace tern::cli {

inline constexpr std::string_view kDemoAddress = "demo@tern.test";

// `server`: this process keeps the full-text index current (tern serve);
// admin commands leave that to the server.
Result<std::unique_ptr<store::Store>> open_store(const config::Config& config, bool server = false);

Result<std::optional<std::string>> dev_first_start(const config::Config& config,
                                                   store::Store& store);

// The password-hashing cost the configuration asks for ([auth] argon2_*).
accounts::Argon2Params argon2_params(const config::Config& config);

// A password of `length` letters and digits, uniformly drawn from RAND_bytes.
Result<std::string> random_password(size_t length);

}  // namespace tern::cli
