#include "base/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

namespace tern::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::mutex g_capture_mu;
std::string* g_capture = nullptr;

spdlog::logger& logger() {
    // Constructed once; spdlog's stderr_sink_mt serializes writers, so lines
    // from the worker threads never interleave.
    static auto instance = [] {
        auto l = std::make_shared<spdlog::logger>(
            "tern", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        l->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v", spdlog::pattern_time_type::utc);
        l->set_level(spdlog::level::trace);
        l->flush_on(spdlog::level::trace);
        return l;
    }();
    return *instance;
}

spdlog::level::level_enum to_spd(Level l) {
    switch (l) {
        case Level::trace:
            return spdlog::level::trace;
        case Level::debug:
            return spdlog::level::debug;
        case Level::info:
            return spdlog::level::info;
        case Level::warn:
            return spdlog::level::warn;
        case Level::error:
            return spdlog::level::err;
        case Level::off:
            return spdlog::level::off;
    }
    return spdlog::level::info;
}

bool needs_quotes(std::string_view v) {
    if (v.empty()) return true;
    for (unsigned char c : v) {
        if (c <= 0x20 || c == '"' || c == '=' || c == '\\' || c == 0x7f) return true;
    }
    return false;
}

}  // namespace

void init(Level level) {
    g_level.store(level);
}

Level parse_level(std::string_view t, Level fallback) {
    if (t == "trace") return Level::trace;
    if (t == "debug") return Level::debug;
    if (t == "info") return Level::info;
    if (t == "warn" || t == "warning") return Level::warn;
    if (t == "error") return Level::error;
    if (t == "off") return Level::off;
    return fallback;
}

bool enabled(Level level) {
    return level >= g_level.load(std::memory_order_relaxed) && level != Level::off;
}

void capture_for_tests(std::string* sink) {
    std::lock_guard lock(g_capture_mu);
    g_capture = sink;
}

void append_value(std::string& out, std::string_view v) {
    if (!needs_quotes(v)) {
        out.append(v);
        return;
    }
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (unsigned char c : v) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20 || c == 0x7f) {
            // Control bytes (CR, LF...) are escaped so client input cannot
            // start a forged log line.
            out.append("\\x");
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out.push_back('"');
}

Event::Event(Level level, std::string_view event) : level_(level), on_(enabled(level)) {
    if (on_) {
        line_.reserve(128);
        line_.append("event=");
        line_.append(event);
    }
}

Event::~Event() {
    if (!on_) return;
    {
        std::lock_guard lock(g_capture_mu);
        if (g_capture) {
            g_capture->append(line_);
            g_capture->push_back('\n');
            return;
        }
    }
    logger().log(to_spd(level_), "{}", line_);
}

Event& Event::kv(std::string_view key, std::string_view value) {
    if (on_) {
        line_.push_back(' ');
        line_.append(key);
        line_.push_back('=');
        append_value(line_, value);
    }
    return *this;
}

Event& Event::kv(std::string_view key, int64_t value) {
    if (on_) kv(key, std::string_view(std::to_string(value)));
    return *this;
}

Event& Event::kv(std::string_view key, uint64_t value) {
    if (on_) kv(key, std::string_view(std::to_string(value)));
    return *this;
}

Event& Event::kv(std::string_view key, double value) {
    if (on_) kv(key, std::string_view(fmt::format("{:.3f}", value)));
    return *this;
}

}  // namespace tern::log
