// The `tern` command line (docs/cli.md): one binary, one subcommand per
// operator task.
//
//   tern [-c FILE | --dev] serve
//   tern user add ADDRESS [--password-stdin] [--quota BYTES]
//   tern user del ADDRESS | user passwd ADDRESS [--password-stdin] | user list [DOMAIN]
//   tern domain add DOMAIN | domain del DOMAIN | domain list
//   tern alias add SOURCE TARGET... | alias del SOURCE [TARGET] | alias list [DOMAIN]
//   tern config check [FILE]
//   tern version
//
// Global options (-c/--config FILE, default /etc/tern/tern.toml; --dev for
// config::dev_config()) are accepted before or after the subcommand.
//
// Promises: run() never throws. It returns the process exit code: 0 on
// success and for --help, 1 on any error, after printing one line
// "tern: <what went wrong>. <what to do>" on std::cerr; `serve` returns what
// the ServeFunction returns. Normal output goes to std::cout. Admin commands
// work while the server runs (the store is SQLite in WAL mode).
#pragma once

#include <functional>

#include "config/config.hpp"

namespace tern::cli {

// Runs the server with a loaded configuration; returns the exit code.
using ServeFunction = std::function<int(const config::Config&)>;

int run(int argc, char** argv, const ServeFunction& serve);

}  // namespace tern::cli
