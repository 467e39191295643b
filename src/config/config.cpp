// Defaults, derived paths and file loading for the configuration model.
// Parsing and validation live in config_parse.cpp.
#include "config/config.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tern::config {

namespace {

std::string join(const std::string& dir, std::string_view leaf) {
    if (!dir.empty() && dir.back() == '/') return dir + std::string(leaf.substr(1));
    return dir + std::string(leaf);
}

Listener listener(Protocol protocol, std::string address, uint16_t port, TlsMode tls) {
    Listener l;
    l.protocol = protocol;
    l.address = std::move(address);
    l.port = port;
    l.tls = tls;
    return l;
}

}  // namespace

std::string Config::store_path() const {
    return store.path.empty() ? join(server.data_dir, "/tern.db") : store.path;
}

std::string Config::cert_path() const {
    return tls.cert_file.empty() ? join(server.data_dir, "/tls/cert.pem") : tls.cert_file;
}

std::string Config::key_path() const {
    return tls.key_file.empty() ? join(server.data_dir, "/tls/key.pem") : tls.key_file;
}

std::vector<Listener> default_listeners() {
    // RFC 5321 (25, relay, STARTTLS per RFC 3207), RFC 6409 (587 submission),
    // RFC 8314 3.3 (465 submissions, implicit TLS), RFC 9051 (143/993),
    // RFC 1939 and RFC 8314 (110/995).
    const std::string any = "0.0.0.0";
    return {
        listener(Protocol::smtp, any, 25, TlsMode::starttls),
        listener(Protocol::submission, any, 587, TlsMode::starttls),
        listener(Protocol::submission, any, 465, TlsMode::implicit),
        listener(Protocol::imap, any, 143, TlsMode::starttls),
        listener(Protocol::imap, any, 993, TlsMode::implicit),
        listener(Protocol::pop3, any, 110, TlsMode::starttls),
        listener(Protocol::pop3, any, 995, TlsMode::implicit),
    };
}

Config dev_config() {
    Config c;
    c.dev = true;
    std::error_code ec;
    auto cwd = std::filesystem::current_path(ec);
    // A failing getcwd() leaves a relative path, which still works from here.
    c.server.data_dir = ec ? "var/dev" : (cwd / "var" / "dev").string();
    c.server.hostname = "localhost";
    c.server.log_level = "info";
    const std::string lo = "127.0.0.1";
    c.listeners = {
        listener(Protocol::smtp, lo, 2525, TlsMode::starttls),
        listener(Protocol::submission, lo, 2587, TlsMode::starttls),
        listener(Protocol::submission, lo, 2465, TlsMode::implicit),
        listener(Protocol::imap, lo, 1143, TlsMode::starttls),
        listener(Protocol::imap, lo, 1993, TlsMode::implicit),
        listener(Protocol::pop3, lo, 1110, TlsMode::starttls),
        listener(Protocol::pop3, lo, 1995, TlsMode::implicit),
    };
    return c;
}

std::string_view to_string(Protocol p) {
    switch (p) {
        case Protocol::smtp:
            return "smtp";
        case Protocol::submission:
            return "submission";
        case Protocol::imap:
            return "imap";
        case Protocol::pop3:
            return "pop3";
    }
    return "unknown";
}

std::string_view to_string(TlsMode m) {
    switch (m) {
        case TlsMode::none:
            return "none";
        case TlsMode::starttls:
            return "starttls";
        case TlsMode::implicit:
            return "implicit";
    }
    return "unknown";
}

std::string_view to_string(TlsPolicy p) {
    switch (p) {
        case TlsPolicy::standard:
            return "standard";
        case TlsPolicy::none:
            return "none";
        case TlsPolicy::may:
            return "may";
        case TlsPolicy::encrypt:
            return "encrypt";
        case TlsPolicy::verify:
            return "verify";
    }
    return "unknown";
}

std::optional<RelayAddress> parse_relay(std::string_view text, uint16_t default_port) {
    RelayAddress out;
    out.port = default_port;
    std::string_view rest = text;
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        out.host = std::string(rest.substr(1, close - 1));
        out.bracketed = true;
        rest = rest.substr(close + 1);
    } else {
        auto colon = rest.rfind(':');
        out.host = std::string(rest.substr(0, colon));
        rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon);
        // An IPv6 literal needs brackets: "2001:db8::1" would read as host:port.
        if (out.host.find(':') != std::string::npos) return std::nullopt;
    }
    if (out.host.empty()) return std::nullopt;
    if (rest.empty()) return out;
    if (rest.front() != ':' || rest.size() < 2 || rest.size() > 6) return std::nullopt;
    unsigned long port = 0;
    for (char c : rest.substr(1)) {
        if (c < '0' || c > '9') return std::nullopt;
        port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535) return std::nullopt;
    out.port = static_cast<uint16_t>(port);
    return out;
}

Result<Config> load_config(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return fail(Errc::not_found, "configuration file " + path + " does not exist");
    }
    if (std::filesystem::is_directory(path, ec)) {
        return fail(Errc::invalid, "configuration file " + path + " is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail(Errc::io,
                    "cannot read configuration file " + path + ": " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return fail(Errc::io, "cannot read configuration file " + path);
    auto config = parse_config(text.str(), path);
    if (config) config->config_file = path;  // a reload (SIGHUP) reads the same file
    return config;
}

}  // namespace tern::config
