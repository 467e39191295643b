// proc_stats: CPU time and memory of a process tree, read from /proc (Linux).
//
// The POP3 load generator uses it to show that it is not the bottleneck: it
// reports its own CPU time next to the server's, and the server's peak
// memory. A server may be several processes (Dovecot: master, login, auth
// and one process per POP3 session), so every figure covers the root PID and
// all its descendants:
//   - CPU: the sum over live processes of utime+stime+cutime+cstime
//     (proc(5) fields 14-17). A reaped child's time is in its parent's
//     cutime/cstime, a live one's in its own fields, so nothing counts twice.
//   - memory: the sum of VmRSS (shared library pages count once per process,
//     which overstates a multi-process server) and the sum of Pss from
//     smaps_rollup (shared pages divided among their users: the fair figure).
// Errors: a process that ends while being read is skipped; nothing throws.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace bench {

struct ProcStat {
    int ppid = 0;
    uint64_t cpu_ticks = 0;  // utime + stime + cutime + cstime
};

// Reads /proc/PID/stat; false when the process is gone. The command name
// (field 2) may hold spaces and parentheses, so parsing starts after the
// last ')'.
inline bool read_proc_stat(int pid, ProcStat& out) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream fields(text.substr(close + 1));
    std::string field;
    std::vector<std::string> f;  // f[0] is field 3 (state)
    while (f.size() < 15 && fields >> field)
        f.push_back(field);
    if (f.size() < 15) return false;
    out.ppid = std::atoi(f[1].c_str());
    out.cpu_ticks = 0;
    for (int i = 11; i <= 14; ++i)
        out.cpu_ticks += std::strtoull(f[i].c_str(), nullptr, 10);
    return true;
}

// The root and every descendant that is alive now.
inline std::vector<int> process_tree(int root) {
    std::map<int, std::vector<int>> children;
    if (DIR* d = opendir("/proc")) {
        while (dirent* e = readdir(d)) {
            const int pid = std::atoi(e->d_name);
            ProcStat st;
            if (pid > 0 && read_proc_stat(pid, st)) children[st.ppid].push_back(pid);
        }
        closedir(d);
    }
    std::vector<int> tree{root};
    for (size_t i = 0; i < tree.size(); ++i) {
        for (int c : children[tree[i]])
            tree.push_back(c);
    }
    return tree;
}

inline double tree_cpu_seconds(int root) {
    uint64_t ticks = 0;
    for (int pid : process_tree(root)) {
        ProcStat st;
        if (read_proc_stat(pid, st)) ticks += st.cpu_ticks;
    }
    return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The value in KiB of the first "Name:   N kB" line of a /proc file, or 0.
inline uint64_t proc_kib(const std::string& path, const std::string& name) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, name.size(), name) == 0) {
            return std::strtoull(line.c_str() + name.size(), nullptr, 10);
        }
    }
    return 0;
}

struct TreeMemory {
    uint64_t rss_kib = 0;
    uint64_t pss_kib = 0;
    size_t processes = 0;
};

inline TreeMemory tree_memory(int root) {
    TreeMemory m;
    for (int pid : process_tree(root)) {
        const std::string base = "/proc/" + std::to_string(pid);
        m.rss_kib += proc_kib(base + "/status", "VmRSS:");
        m.pss_kib += proc_kib(base + "/smaps_rollup", "Pss:");
        ++m.processes;
    }
    return m;
}

inline double self_cpu_seconds() {
    ProcStat st;
    if (!read_proc_stat(getpid(), st)) return 0;
    return static_cast<double>(st.cpu_ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace bench
