// Structured logging: one key=value line per event (DESIGN.md rule 7).
//
//   log::info("smtp.connect").kv("sid", sid).kv("ip", ip);
//
// The line is written when the temporary Event is destroyed, so a whole event
// is one statement. Values containing spaces, quotes, '=' or control bytes
// are quoted and escaped, so every line stays parseable and no client input
// can forge a second line or a second key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tern::log {

enum class Level { trace, debug, info, warn, error, off };

// Configures the process-wide sink (stderr). Safe to call again (SIGHUP).
void init(Level level);
Level parse_level(std::string_view text, Level fallback);
bool enabled(Level level);

// Redirects output into a string, for tests. Pass nullptr to restore stderr.
void capture_for_tests(std::string* sink);

class Event {
  public:
    Event(Level level, std::string_view event);
    ~Event();
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;

    Event& kv(std::string_view key, std::string_view value);
    Event& kv(std::string_view key, const char* value) { return kv(key, std::string_view(value)); }
    Event& kv(std::string_view key, const std::string& value) {
        return kv(key, std::string_view(value));
    }
    Event& kv(std::string_view key, int64_t value);
    Event& kv(std::string_view key, uint64_t value);
    Event& kv(std::string_view key, int value) { return kv(key, static_cast<int64_t>(value)); }
    Event& kv(std::string_view key, unsigned value) {
        return kv(key, static_cast<uint64_t>(value));
    }
    Event& kv(std::string_view key, long long value) {
        return kv(key, static_cast<int64_t>(value));
    }
    Event& kv(std::string_view key, unsigned long long value) {
        return kv(key, static_cast<uint64_t>(value));
    }
    Event& kv(std::string_view key, bool value) { return kv(key, value ? "yes" : "no"); }
    Event& kv(std::string_view key, double value);

  private:
    Level level_;
    bool on_;
    std::string line_;
};

inline Event trace(std::string_view e) {
    return Event(Level::trace, e);
}
inline Event debug(std::string_view e) {
    return Event(Level::debug, e);
}
inline Event info(std::string_view e) {
    return Event(Level::info, e);
}
inline Event warn(std::string_view e) {
    return Event(Level::warn, e);
}
inline Event error(std::string_view e) {
    return Event(Level::error, e);
}

// Appends `value` to `out` in the quoting the log uses (exposed for tests).
void append_value(std::string& out, std::string_view value);

}  // namespace tern::log
