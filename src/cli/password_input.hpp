// Reading a new password for `tern user add` and `tern user passwd`.
//
// from_stdin: one line from std::cin, trailing CR/LF removed (for scripts:
// `echo secret | tern user add a@example.org --password-stdin`).
// Otherwise: prompts twice on std::cerr with echo turned off (termios) on the
// terminal that is standard input, and requires both entries to match.
//
// Errors (Errc::invalid): empty password, no input, mismatched entries,
// standard input not a terminal when prompting.
#pragma once

#include <string>

#include "base/result.hpp"

namespace tern::cli {

Result<std::string> read_new_password(bool from_stdin);

}  // namespace tern::cli
