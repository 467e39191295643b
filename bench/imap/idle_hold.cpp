// imapload --idle K: the server's memory per connected, IDLE-ing client
// (issue 4: at most 50 KiB each, 10,000 held at once).
//
// Raises its own RLIMIT_NOFILE to the hard limit, reads the server tree's
// RSS and PSS (proc_stats.hpp), then opens K connections from --idle-threads
// threads: connect (from 127.0.0.2 .. 127.0.0.(1+--sources), so no single
// source address runs out of ephemeral ports), LOGIN, SELECT INBOX, IDLE, and
// waits for the "+" continuation (RFC 2177 3). Opening stops at --seconds.
// Two seconds after the last one the memory is read again, the connections
// are held for --hold seconds and the memory read a third time; then every
// held connection sends DONE and must get its tagged OK, which proves the
// server still served all of them. Prints one key=value line: held, failed,
// the memory before and after and the difference per held connection.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "../pop3/proc_stats.hpp"
#include "imap_client.hpp"
#include "imapload.hpp"

namespace bench {

namespace {

using Clock = std::chrono::steady_clock;

bool raise_nofile(unsigned needed) {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return false;
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0) return false;
    return lim.rlim_cur >= needed + 64;
}

// Runs fn(j) for j in [0, count) on `threads` threads, until the deadline.
template <typename Fn>
void parallel(unsigned count, unsigned threads, Clock::time_point deadline, Fn fn) {
    std::atomic<unsigned> next{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < std::min(threads, count); ++t) {
        pool.emplace_back([&] {
            for (unsigned j = next++; j < count && Clock::now() < deadline; j = next++)
                fn(j);
        });
    }
    for (auto& t : pool)
        t.join();
}

}  // namespace

int run_idle(const Options& o) {
    if (!raise_nofile(o.idle)) {
        std::fprintf(stderr, "imapload: the open-file limit is below %u\n", o.idle);
        return 2;
    }
    const TreeMemory before = o.server_pid > 0 ? tree_memory(o.server_pid) : TreeMemory{};
    std::vector<std::unique_ptr<ImapClient>> conns(o.idle);
    std::atomic<unsigned> held{0}, failed{0}, done_ok{0};
    std::mutex mu;
    std::set<std::string> errors;
    auto note = [&](const std::string& e) {
        std::lock_guard lock(mu);
        if (errors.size() < 5) errors.insert(e);
    };
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o.seconds));
    parallel(o.idle, o.idle_threads, deadline, [&](unsigned j) {
        auto c = std::make_unique<ImapClient>(4096);
        const std::string source = "127.0.0." + std::to_string(2 + j % o.sources);
        if (c->connect(o.host, o.port, o.timeout, source) &&
            c->command("LOGIN " + quoted(user_name(o, j % o.users)) + " " + quoted(o.password)) &&
            c->command("SELECT INBOX") && c->idle_start()) {
            c->release_buffer();
            conns[j] = std::move(c);
            ++held;
        } else {
            ++failed;
            note(c->error());
        }
    });
    const double open_s = std::chrono::duration<double>(Clock::now() - start).count();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const TreeMemory settled = o.server_pid > 0 ? tree_memory(o.server_pid) : TreeMemory{};
    std::this_thread::sleep_for(std::chrono::duration<double>(o.hold));
    const TreeMemory after = o.server_pid > 0 ? tree_memory(o.server_pid) : TreeMemory{};
    const auto done_deadline = Clock::now() + std::chrono::seconds(120);
    parallel(o.idle, o.idle_threads, done_deadline, [&](unsigned j) {
        if (!conns[j]) return;
        if (conns[j]->idle_done()) {
            ++done_ok;
        } else {
            note("DONE: " + conns[j]->error());
        }
        conns[j].reset();
    });
    for (const auto& e : errors)
        std::fprintf(stderr, "imapload idle error: %s\n", e.c_str());
    const unsigned n = std::max(1u, held.load());
    const auto per = [n](uint64_t to, uint64_t from) {
        return to > from ? static_cast<double>(to - from) / n : 0.0;
    };
    const uint64_t rss = std::max(settled.rss_kib, after.rss_kib);
    const uint64_t pss = std::max(settled.pss_kib, after.pss_kib);
    std::printf(
        "idle_requested=%u idle_held=%u idle_failed=%u done_ok=%u open_s=%.2f hold_s=%.1f "
        "rss_before_kib=%llu rss_after_kib=%llu pss_before_kib=%llu pss_after_kib=%llu "
        "rss_per_client_kib=%.2f pss_per_client_kib=%.2f processes_before=%zu "
        "processes_after=%zu\n",
        o.idle, held.load(), failed.load(), done_ok.load(), open_s, o.hold,
        static_cast<unsigned long long>(before.rss_kib), static_cast<unsigned long long>(rss),
        static_cast<unsigned long long>(before.pss_kib), static_cast<unsigned long long>(pss),
        per(rss, before.rss_kib), per(pss, before.pss_kib), before.processes, after.processes);
    return held == o.idle && done_ok == o.idle ? 0 : 1;
}

}  // namespace bench
