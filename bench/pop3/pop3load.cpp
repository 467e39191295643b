// pop3load: the POP3 load generator of bench/pop3 (issue 5 bench item).
//
// C client threads, each looping until T seconds have passed or it has run K
// sessions: connect (TLS with --tls), read the greeting, USER/PASS, STAT,
// LIST, RETR every message, QUIT (RFC 1939 5-6). Client i logs in as the
// users u<j>@DOMAIN with j = i+1, i+1+C, ..., so two clients never share a
// maildrop (RFC 1939 8: a server may refuse a locked one).
//
// Prints one line of key=value pairs on stdout: completed sessions, errors,
// sessions/s, p50/p99/max session latency, messages and bytes retrieved, its
// own CPU seconds next to the server's (the process tree of --server-pid,
// from /proc/PID/stat) and the server tree's peak RSS and PSS sampled every
// 200 ms. The first distinct errors go to stderr. With --verify every RETR
// is checked against the size LIST announced and STAT's message count.
//
// Build: g++ -std=c++20 -O2 -pthread pop3load.cpp pop3_client.cpp -lssl -lcrypto
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pop3_client.hpp"
#include "proc_stats.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 110;
    bool tls = false;
    unsigned clients = 10;
    unsigned users = 20;
    std::string domain = "bench.test";
    std::string password = "bench password";
    double seconds = 10;
    uint64_t max_sessions = 0;  // per client; 0: no limit
    int server_pid = 0;
    bool verify = false;
    int timeout = 10;
};

struct Results {
    std::mutex mu;
    std::vector<double> latencies_ms;
    uint64_t sessions = 0, errors = 0, messages = 0, bytes = 0;
    std::set<std::string> first_errors;
};

void usage() {
    std::fprintf(stderr,
                 "usage: pop3load --port N [--host A] [--tls] [--clients C] [--users N]\n"
                 "  [--domain D] [--password P] [--seconds T] [--sessions K] [--server-pid PID]\n"
                 "  [--verify] [--timeout S]\n");
    std::exit(2);
}

Options parse(int argc, char** argv) {
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
            o.port = static_cast<uint16_t>(std::atoi(value().c_str()));
        else if (a == "--tls")
            o.tls = true;
        else if (a == "--clients")
            o.clients = static_cast<unsigned>(std::atoi(value().c_str()));
        else if (a == "--users")
            o.users = static_cast<unsigned>(std::atoi(value().c_str()));
        else if (a == "--domain")
            o.domain = value();
        else if (a == "--password")
            o.password = value();
        else if (a == "--seconds")
            o.seconds = std::atof(value().c_str());
        else if (a == "--sessions")
            o.max_sessions = std::strtoull(value().c_str(), nullptr, 10);
        else if (a == "--server-pid")
            o.server_pid = std::atoi(value().c_str());
        else if (a == "--verify")
            o.verify = true;
        else if (a == "--timeout")
            o.timeout = std::atoi(value().c_str());
        else
            usage();
    }
    if (o.port == 0 || o.clients == 0 || o.users < o.clients || o.seconds <= 0) {
        std::fprintf(stderr, "pop3load: need a port, 1 <= clients <= users, seconds > 0\n");
        std::exit(2);
    }
    return o;
}

// Dot-stuffed lines (RFC 1939 3) carry one extra octet each on the wire.
size_t unstuffed_size(std::string_view body) {
    size_t stuffed = body.starts_with('.') ? 1 : 0;
    for (size_t at = body.find("\r\n."); at != std::string_view::npos && at + 3 < body.size();
         at = body.find("\r\n.", at + 3)) {
        ++stuffed;
    }
    return body.size() - stuffed;
}

// One whole session; false with the reason in `error` on any failure.
bool run_session(bench::Pop3Client& c, const Options& o, SSL_CTX* ctx, const std::string& user,
                 uint64_t& messages, std::string& error) {
    auto failed = [&] {
        error = c.error();
        return false;
    };
    if (!c.connect(o.host, o.port, ctx, o.timeout)) return failed();
    if (!c.command("USER " + user) || !c.command("PASS " + o.password)) return failed();
    if (!c.command("STAT")) return failed();
    const unsigned long count = std::strtoul(c.last_line().c_str() + 3, nullptr, 10);
    if (!c.multiline("LIST")) return failed();
    std::vector<size_t> sizes;
    if (o.verify) {
        std::string_view list = c.body();
        while (!list.empty()) {
            const size_t eol = list.find("\r\n");
            const std::string line(list.substr(0, eol));
            sizes.push_back(std::strtoull(line.c_str() + line.find(' ') + 1, nullptr, 10));
            list.remove_prefix(eol == std::string_view::npos ? list.size() : eol + 2);
        }
        if (sizes.size() != count) {
            error = "LIST has " + std::to_string(sizes.size()) + " lines, STAT said " +
                    std::to_string(count);
            return false;
        }
    }
    std::string cmd;
    for (unsigned long n = 1; n <= count; ++n) {
        cmd = "RETR " + std::to_string(n);
        if (!c.multiline(cmd)) return failed();
        if (o.verify && unstuffed_size(c.body()) != sizes[n - 1]) {
            error = "RETR " + std::to_string(n) + " size differs from LIST";
            return false;
        }
    }
    messages += count;
    if (!c.command("QUIT")) return failed();
    c.close();
    return true;
}

void client_loop(unsigned index, const Options& o, SSL_CTX* ctx, Clock::time_point deadline,
                 Results& results) {
    std::vector<std::string> users;
    for (unsigned j = index + 1; j <= o.users; j += o.clients) {
        users.push_back("u" + std::to_string(j) + "@" + o.domain);
    }
    std::vector<double> latencies;
    uint64_t sessions = 0, errors = 0, messages = 0, bytes = 0;
    std::set<std::string> errs;
    bench::Pop3Client client;
    // Bounded twice: by time and (optionally) by count.
    for (uint64_t k = 0; Clock::now() < deadline && (o.max_sessions == 0 || k < o.max_sessions);
         ++k) {
        const auto start = Clock::now();
        std::string error;
        const uint64_t before = client.bytes_read();
        if (run_session(client, o, ctx, users[k % users.size()], messages, error)) {
            ++sessions;
            latencies.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        } else {
            ++errors;
            client.close();
            if (errs.size() < 5) errs.insert(error);
        }
        bytes += client.bytes_read() - before;
    }
    std::lock_guard lock(results.mu);
    results.latencies_ms.insert(results.latencies_ms.end(), latencies.begin(), latencies.end());
    results.sessions += sessions;
    results.errors += errors;
    results.messages += messages;
    results.bytes += bytes;
    results.first_errors.insert(errs.begin(), errs.end());
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const size_t at = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(at, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    SSL_CTX* ctx = nullptr;
    if (o.tls) {
        ctx = SSL_CTX_new(TLS_client_method());
        // A benchmark against self-signed certificates: no verification, and
        // no session resumption, so every session pays a full handshake.
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    }
    Results results;
    std::atomic<bool> done{false};
    bench::TreeMemory peak;
    std::thread sampler([&] {
        while (o.server_pid > 0 && !done.load()) {
            const bench::TreeMemory m = bench::tree_memory(o.server_pid);
            peak.rss_kib = std::max(peak.rss_kib, m.rss_kib);
            peak.pss_kib = std::max(peak.pss_kib, m.pss_kib);
            peak.processes = std::max(peak.processes, m.processes);
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    });
    const double server_cpu0 = o.server_pid > 0 ? bench::tree_cpu_seconds(o.server_pid) : 0;
    const double self_cpu0 = bench::self_cpu_seconds();
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o.seconds));
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < o.clients; ++i) {
        threads.emplace_back(client_loop, i, std::cref(o), ctx, deadline, std::ref(results));
    }
    for (auto& t : threads)
        t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const double self_cpu = bench::self_cpu_seconds() - self_cpu0;
    const double server_cpu =
        o.server_pid > 0 ? bench::tree_cpu_seconds(o.server_pid) - server_cpu0 : 0;
    done = true;
    sampler.join();
    if (ctx) SSL_CTX_free(ctx);

    auto& lat = results.latencies_ms;
    std::sort(lat.begin(), lat.end());
    for (const auto& e : results.first_errors)
        std::fprintf(stderr, "pop3load error: %s\n", e.c_str());
    std::printf(
        "sessions=%llu errors=%llu seconds=%.2f rate=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
        "messages=%llu bytes=%llu client_cpu_s=%.2f server_cpu_s=%.2f peak_rss_kib=%llu "
        "peak_pss_kib=%llu server_processes=%zu\n",
        static_cast<unsigned long long>(results.sessions),
        static_cast<unsigned long long>(results.errors), elapsed,
        static_cast<double>(results.sessions) / elapsed, percentile(lat, 0.50),
        percentile(lat, 0.99), lat.empty() ? 0.0 : lat.back(),
        static_cast<unsigned long long>(results.messages),
        static_cast<unsigned long long>(results.bytes), self_cpu, server_cpu,
        static_cast<unsigned long long>(peak.rss_kib),
        static_cast<unsigned long long>(peak.pss_kib), peak.processes);
    return results.errors == 0 && results.sessions > 0 ? 0 : 1;
}
