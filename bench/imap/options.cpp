// imapload's command line and main(): see imapload.hpp.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "imapload.hpp"

namespace bench {

namespace {

[[noreturn]] void usage() {
    std::fprintf(
        stderr,
        "usage: imapload --port N [--host A] [--clients C] [--users N] [--domain D]\n"
        "  [--password P] [--seconds T] [--sessions K] [--server-pid PID] [--timeout S]\n"
        "  [--messages M] [--bodies B] [--stores S] [--append-size BYTES] [--no-literal-plus]\n"
        "  [--idle K [--idle-threads T] [--hold S] [--sources N]]\n");
    std::exit(2);
}

unsigned to_unsigned(const std::string& s) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || v > 10'000'000) usage();
    return static_cast<unsigned>(v);
}

}  // namespace

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage();
            return argv[++i];
        };
        if (a == "--host")
            o.host = value();
        else if (a == "--port")
            o.port = static_cast<uint16_t>(to_unsigned(value()));
        else if (a == "--clients")
            o.clients = to_unsigned(value());
        else if (a == "--users")
            o.users = to_unsigned(value());
        else if (a == "--domain")
            o.domain = value();
        else if (a == "--password")
            o.password = value();
        else if (a == "--seconds")
            o.seconds = std::atof(value().c_str());
        else if (a == "--sessions")
            o.max_sessions = to_unsigned(value());
        else if (a == "--server-pid")
            o.server_pid = static_cast<int>(to_unsigned(value()));
        else if (a == "--timeout")
            o.timeout = static_cast<int>(to_unsigned(value()));
        else if (a == "--messages")
            o.messages = to_unsigned(value());
        else if (a == "--bodies")
            o.bodies = to_unsigned(value());
        else if (a == "--stores")
            o.stores = to_unsigned(value());
        else if (a == "--append-size")
            o.append_size = to_unsigned(value());
        else if (a == "--no-literal-plus")
            o.literal_plus = false;
        else if (a == "--idle")
            o.idle = to_unsigned(value());
        else if (a == "--idle-threads")
            o.idle_threads = to_unsigned(value());
        else if (a == "--hold")
            o.hold = std::atof(value().c_str());
        else if (a == "--sources")
            o.sources = to_unsigned(value());
        else
            usage();
    }
    if (o.port == 0 || o.clients == 0 || o.users == 0 || o.seconds <= 0 || o.timeout <= 0 ||
        o.idle_threads == 0 || o.sources == 0 || o.sources > 250 || o.hold < 0 || o.hold > 3600) {
        std::fprintf(stderr, "imapload: need a port, clients, users, seconds > 0, 1-250 sources\n");
        std::exit(2);
    }
    return o;
}

std::string quoted(const std::string& s) {
    // RFC 9051 4.3: inside a quoted string only '"' and '\' are escaped.
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string user_name(const Options& o, unsigned index) {
    return "u" + std::to_string(index + 1) + "@" + o.domain;
}

}  // namespace bench

int main(int argc, char** argv) {
    const bench::Options o = bench::parse_options(argc, argv);
    return o.idle > 0 ? bench::run_idle(o) : bench::run_load(o);
}
