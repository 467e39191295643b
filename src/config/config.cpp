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
