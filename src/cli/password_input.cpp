#include "cli/password_input.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace tern::cli {

namespace {

// Turns terminal echo off for its lifetime, so the password never shows and
// the terminal is restored on every return path.
class NoEcho {
  public:
    NoEcho() {
        if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
        termios quiet = saved_;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
    ~NoEcho() {
        if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    }
    NoEcho(const NoEcho&) = delete;
    NoEcho& operator=(const NoEcho&) = delete;

  private:
    termios saved_{};
    bool active_ = false;
};

Result<std::string> read_line() {
    std::string line;
    if (!std::getline(std::cin, line) && line.empty()) {
        return fail(Errc::invalid, "no password was given on standard input");
    }
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.pop_back();
    if (line.empty()) return fail(Errc::invalid, "the password is empty");
    return line;
}

Result<std::string> prompt(const char* text) {
    std::cerr << text << std::flush;
    NoEcho guard;
    auto line = read_line();
    std::cerr << "\n";
    return line;
}

}  // namespace

Result<std::string> read_new_password(bool from_stdin) {
    if (from_stdin) return read_line();
    if (!isatty(STDIN_FILENO)) {
        return fail(Errc::invalid, "standard input is not a terminal, so no password can be typed");
    }
    auto first = prompt("New password: ");
    if (!first) return first;
    auto second = prompt("Repeat it: ");
    if (!second) return second;
    if (*first != *second) return fail(Errc::invalid, "the two passwords differ");
    return first;
}

}  // namespace tern::cli
