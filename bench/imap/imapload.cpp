// imapload: the IMAP load generator of bench/imap (issue 4 bench item).
//
// Load mode: C client threads, each looping until T seconds have passed (or
// it has run K sessions). One session is what a mail client does on a short
// visit (RFC 9051): connect, LOGIN, SELECT INBOX, `UID FETCH 1:* (UID FLAGS
// RFC822.SIZE ENVELOPE)`, `UID FETCH <uid> BODY.PEEK[]` of --bodies messages
// (one command each), `UID STORE +FLAGS (\Seen)` and `-FLAGS` back on
// --stores messages, APPEND of one --append-size message, `UID STORE
// +FLAGS.SILENT (\Deleted)` on it (its UID from APPENDUID, RFC 4315 3) and
// EXPUNGE, LOGOUT. The mailbox therefore holds the same messages at the end;
// only the mailbox's own --messages (the lowest UIDs) are fetched and
// flagged, so another client's append never races a fetch. Session k of
// client i logs in as user (i + k*C) mod N.
//
// Every tagged command is one operation. Checked: each tagged reply is OK,
// no untagged NO/BAD, SELECT's EXISTS covers --messages, every FETCH record
// has UID and RFC822.SIZE, each BODY[] literal is exactly RFC822.SIZE octets
// (RFC 9051 6.4.5), APPEND returns APPENDUID. Any failure ends the session
// and counts one error.
//
// Prints one line of key=value pairs on stdout: ops, sessions, errors, ops/s
// (rate), sessions/s, p50/p99/max latency over all commands and p50/p99 per
// command kind, bytes read, its own CPU seconds next to the server's (the
// process tree of --server-pid, from /proc) and the server tree's peak RSS
// and PSS sampled every 200 ms. The first distinct errors go to stderr.
//
// APPEND uses LITERAL+ when the server announces it (RFC 7888), else (or
// with --no-literal-plus) a synchronizing literal.
//
// IDLE mode (--idle K): see idle_hold.cpp.
//
// Build: g++ -std=c++20 -O2 -pthread imapload.cpp idle_hold.cpp imap_client.cpp
#include "imapload.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "../pop3/proc_stats.hpp"
#include "imap_client.hpp"

namespace bench {

namespace {

using Clock = std::chrono::steady_clock;

enum Kind {
    kLogin,
    kSelect,
    kFetchHeaders,
    kFetchBody,
    kStore,
    kAppend,
    kExpunge,
    kLogout,
    kKinds
};
constexpr const char* kKindNames[kKinds] = {"login", "select", "fetch_headers", "fetch_body",
                                            "store", "append", "expunge",       "logout"};

struct Stats {
    std::vector<double> latencies_ms[kKinds];
    uint64_t ops = 0, sessions = 0, errors = 0, bytes = 0;
    std::set<std::string> first_errors;
};

struct Entry {
    uint64_t uid = 0;
    uint64_t size = 0;
    bool deleted = false;
};

// The number after `key` where key starts an item (after '(' or ' ').
bool number_after(std::string_view s, std::string_view key, uint64_t& value) {
    for (size_t at = s.find(key); at != std::string_view::npos; at = s.find(key, at + 1)) {
        if (at == 0 || (s[at - 1] != ' ' && s[at - 1] != '(')) continue;
        const size_t digits = at + key.size();
        if (digits >= s.size() || s[digits] < '0' || s[digits] > '9') continue;
        value = std::strtoull(s.data() + digits, nullptr, 10);
        return true;
    }
    return false;
}

// "* n FETCH (UID u FLAGS (...) RFC822.SIZE s ENVELOPE (...))": only the
// part before ENVELOPE is searched, so no subject can look like an item.
bool parse_header_fetch(std::string_view rec, Entry& e) {
    if (rec.find(" FETCH (") == std::string_view::npos) return false;
    const std::string_view items = rec.substr(0, rec.find("ENVELOPE ("));
    if (!number_after(items, "UID ", e.uid) || !number_after(items, "RFC822.SIZE ", e.size))
        return false;
    const size_t flags = items.find("FLAGS (");
    const size_t close = flags == std::string_view::npos ? flags : items.find(')', flags);
    e.deleted = close != std::string_view::npos &&
                items.substr(flags, close - flags).find("\\Deleted") != std::string_view::npos;
    return true;
}

std::string append_message(const Options& o, unsigned client, uint64_t n) {
    std::string m = "From: Load Generator <loadgen@example.net>\r\nTo: someone@" + o.domain +
                    "\r\nSubject: appended by imapload client " + std::to_string(client) +
                    "\r\nDate: Mon, 30 Nov 2026 06:00:00 +0000\r\nMessage-ID: <imapload." +
                    std::to_string(client) + "." + std::to_string(n) +
                    "@example.net>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
                    "charset=us-ascii\r\n\r\n";
    const std::string line =
        "a line of the appended message, written by the IMAP load generator\r\n";
    while (m.size() + line.size() <= o.append_size)
        m += line;
    m.append(o.append_size > m.size() + 2 ? o.append_size - m.size() - 2 : 0, 'x');
    m += "\r\n";
    return m;
}

class Session {
  public:
    Session(ImapClient& c, const Options& o, unsigned client, Stats& st, std::mt19937& rng)
        : c_(c), o_(o), client_(client), st_(st), rng_(rng) {}

    bool run(const std::string& user, uint64_t n, std::string& error);

  private:
    bool timed(Kind k, std::string_view text) {
        const auto t0 = Clock::now();
        if (!c_.command(text)) return false;
        done(k, t0);
        return true;
    }
    void done(Kind k, Clock::time_point t0) {
        st_.latencies_ms[k].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        ++st_.ops;
    }
    bool fetch_headers(std::vector<Entry>& base, std::string& error);
    bool fetch_body(const Entry& e, std::string& error);

    ImapClient& c_;
    const Options& o_;
    unsigned client_;
    Stats& st_;
    std::mt19937& rng_;
};

bool Session::fetch_headers(std::vector<Entry>& base, std::string& error) {
    if (!timed(kFetchHeaders, "UID FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)")) return false;
    std::vector<Entry> all;
    for (size_t i = 0; i < c_.record_count(); ++i) {
        const std::string_view rec = c_.record(i);
        if (rec.find(" FETCH ") == std::string_view::npos) continue;  // EXISTS, EXPUNGE...
        Entry e;
        if (!parse_header_fetch(rec, e)) {
            // RFC 9051 7.5.2: another session's STORE may be told as an
            // unsolicited "* n FETCH (UID u FLAGS (...))" in the middle of
            // the reply; the message's own record comes as well.
            if (rec.find("FLAGS (") != std::string_view::npos) continue;
            error = "FETCH record without UID or RFC822.SIZE: " + std::string(rec.substr(0, 100));
            return false;
        }
        all.push_back(e);
    }
    std::sort(all.begin(), all.end(), [](const Entry& a, const Entry& b) { return a.uid < b.uid; });
    all.erase(std::unique(all.begin(), all.end(),
                          [](const Entry& a, const Entry& b) { return a.uid == b.uid; }),
              all.end());
    if (all.size() < o_.messages) {
        error = "UID FETCH 1:* returned " + std::to_string(all.size()) + " messages, expected " +
                std::to_string(o_.messages);
        return false;
    }
    const size_t own = o_.messages ? o_.messages : all.size();
    for (size_t i = 0; i < own; ++i) {
        if (!all[i].deleted) base.push_back(all[i]);
    }
    if (base.empty()) {
        error = "no message to fetch";
        return false;
    }
    return true;
}

bool Session::fetch_body(const Entry& e, std::string& error) {
    if (!timed(kFetchBody, "UID FETCH " + std::to_string(e.uid) + " BODY.PEEK[]")) return false;
    for (size_t i = 0; i < c_.record_count(); ++i) {
        const std::string_view rec = c_.record(i);
        const size_t at = rec.find("BODY[] {");
        if (at == std::string_view::npos) continue;
        uint64_t uid = 0;
        if (!number_after(rec.substr(0, at), "UID ", uid) || uid != e.uid) continue;
        const uint64_t n = std::strtoull(rec.data() + at + 8, nullptr, 10);
        // RFC 9051 6.4.5: RFC822.SIZE is the size of the message as BODY[] sends it.
        if (n != e.size) {
            error = "BODY[] of UID " + std::to_string(e.uid) + " has " + std::to_string(n) +
                    " octets, RFC822.SIZE said " + std::to_string(e.size);
            return false;
        }
        return true;
    }
    error = "UID FETCH " + std::to_string(e.uid) + " BODY.PEEK[] returned no body";
    return false;
}

bool Session::run(const std::string& user, uint64_t n, std::string& error) {
    if (!c_.connect(o_.host, o_.port, o_.timeout)) return false;
    if (!timed(kLogin, "LOGIN " + quoted(user) + " " + quoted(o_.password))) return false;
    if (!timed(kSelect, "SELECT INBOX")) return false;
    uint64_t exists = 0;
    for (size_t i = 0; i < c_.record_count(); ++i) {
        const std::string_view rec = c_.record(i);
        if (rec.find(" EXISTS") != std::string_view::npos)
            exists = std::strtoull(rec.data() + 2, nullptr, 10);
    }
    if (exists < o_.messages) {
        error = "SELECT: " + std::to_string(exists) + " EXISTS, expected " +
                std::to_string(o_.messages);
        return false;
    }
    std::vector<Entry> base;
    if (!fetch_headers(base, error)) return false;
    std::uniform_int_distribution<size_t> pick(0, base.size() - 1);
    for (unsigned i = 0; i < o_.bodies; ++i) {
        if (!fetch_body(base[pick(rng_)], error)) return false;
    }
    std::string set;
    for (unsigned i = 0; i < o_.stores; ++i)
        set += (set.empty() ? "" : ",") + std::to_string(base[pick(rng_)].uid);
    if (!set.empty()) {
        if (!timed(kStore, "UID STORE " + set + " +FLAGS (\\Seen)")) return false;
        if (!timed(kStore, "UID STORE " + set + " -FLAGS (\\Seen)")) return false;
    }
    const std::string message = append_message(o_, client_, n);
    const auto t0 = Clock::now();
    if (!c_.append("INBOX", message)) return false;
    done(kAppend, t0);
    // RFC 4315 3: "[APPENDUID uidvalidity uid]" in the tagged OK.
    const std::string& ok = c_.tagged_line();
    const size_t at = ok.find("[APPENDUID ");
    const size_t space = at == std::string::npos ? at : ok.find(' ', at + 11);
    if (space == std::string::npos) {
        error = "APPEND without APPENDUID: " + ok;
        return false;
    }
    const uint64_t uid = std::strtoull(ok.c_str() + space + 1, nullptr, 10);
    if (!timed(kStore, "UID STORE " + std::to_string(uid) + " +FLAGS.SILENT (\\Deleted)"))
        return false;
    if (!timed(kExpunge, "EXPUNGE")) return false;
    if (!timed(kLogout, "LOGOUT")) return false;
    c_.close();
    return true;
}

void client_loop(unsigned index, const Options& o, Clock::time_point deadline, Stats& total,
                 std::mutex& mu) {
    Stats st;
    std::mt19937 rng(index * 7919u + 17u);
    ImapClient client;
    client.allow_literal_plus(o.literal_plus);
    for (uint64_t k = 0; Clock::now() < deadline && (o.max_sessions == 0 || k < o.max_sessions);
         ++k) {
        const unsigned user = static_cast<unsigned>((index + k * o.clients) % o.users);
        std::string error;
        const uint64_t before = client.bytes_read();
        Session s(client, o, index, st, rng);
        if (s.run(user_name(o, user), k, error)) {
            ++st.sessions;
        } else {
            ++st.errors;
            if (error.empty()) error = client.error();
            client.close();
            if (st.first_errors.size() < 5) st.first_errors.insert(error);
        }
        st.bytes += client.bytes_read() - before;
    }
    std::lock_guard lock(mu);
    for (int k = 0; k < kKinds; ++k) {
        auto& into = total.latencies_ms[k];
        into.insert(into.end(), st.latencies_ms[k].begin(), st.latencies_ms[k].end());
    }
    total.ops += st.ops;
    total.sessions += st.sessions;
    total.errors += st.errors;
    total.bytes += st.bytes;
    total.first_errors.insert(st.first_errors.begin(), st.first_errors.end());
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const size_t at = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(at, sorted.size() - 1)];
}

}  // namespace

int run_load(const Options& o) {
    Stats total;
    std::mutex mu;
    std::atomic<bool> done{false};
    TreeMemory peak;
    std::thread sampler([&] {
        while (o.server_pid > 0 && !done.load()) {
            const TreeMemory m = tree_memory(o.server_pid);
            peak.rss_kib = std::max(peak.rss_kib, m.rss_kib);
            peak.pss_kib = std::max(peak.pss_kib, m.pss_kib);
            peak.processes = std::max(peak.processes, m.processes);
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    });
    const double server_cpu0 = o.server_pid > 0 ? tree_cpu_seconds(o.server_pid) : 0;
    const double self_cpu0 = self_cpu_seconds();
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o.seconds));
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < o.clients; ++i)
        threads.emplace_back(client_loop, i, std::cref(o), deadline, std::ref(total), std::ref(mu));
    for (auto& t : threads)
        t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const double self_cpu = self_cpu_seconds() - self_cpu0;
    const double server_cpu = o.server_pid > 0 ? tree_cpu_seconds(o.server_pid) - server_cpu0 : 0;
    done = true;
    sampler.join();

    std::vector<double> all;
    std::string per_kind;
    char buf[160];
    for (int k = 0; k < kKinds; ++k) {
        auto& lat = total.latencies_ms[k];
        std::sort(lat.begin(), lat.end());
        all.insert(all.end(), lat.begin(), lat.end());
        std::snprintf(buf, sizeof buf, " %s_n=%zu %s_p50_ms=%.2f %s_p99_ms=%.2f", kKindNames[k],
                      lat.size(), kKindNames[k], percentile(lat, 0.5), kKindNames[k],
                      percentile(lat, 0.99));
        per_kind += buf;
    }
    std::sort(all.begin(), all.end());
    for (const auto& e : total.first_errors)
        std::fprintf(stderr, "imapload error: %s\n", e.c_str());
    std::printf(
        "ops=%llu sessions=%llu errors=%llu seconds=%.2f rate=%.1f session_rate=%.2f p50_ms=%.2f "
        "p99_ms=%.2f max_ms=%.2f bytes=%llu client_cpu_s=%.2f server_cpu_s=%.2f "
        "peak_rss_kib=%llu peak_pss_kib=%llu server_processes=%zu%s\n",
        static_cast<unsigned long long>(total.ops), static_cast<unsigned long long>(total.sessions),
        static_cast<unsigned long long>(total.errors), elapsed,
        static_cast<double>(total.ops) / elapsed, static_cast<double>(total.sessions) / elapsed,
        percentile(all, 0.50), percentile(all, 0.99), all.empty() ? 0.0 : all.back(),
        static_cast<unsigned long long>(total.bytes), self_cpu, server_cpu,
        static_cast<unsigned long long>(peak.rss_kib),
        static_cast<unsigned long long>(peak.pss_kib), peak.processes, per_kind.c_str());
    return total.errors == 0 && total.sessions > 0 ? 0 : 1;
}

}  // namespace bench
