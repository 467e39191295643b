"""CPU time and memory of a server's process tree, read from /proc (proc(5)).

Postfix is a dozen processes (master, smtpd, cleanup, qmgr, virtual, smtp,
trivial-rewrite, ...) that come and go; Tern is one. Both are measured the
same way: the tree under one root PID.

- rss_kib(root): the sum of VmRSS over the tree now. A Sampler thread keeps
  the peak, sampled every 200 ms.
- cpu_seconds(root): user+system time of every live process in the tree,
  plus the root's cutime/cstime, which holds the time of the children it has
  already reaped (Postfix's master reaps smtpd and friends when they exit
  after max_use). Differences of two readings give the CPU of a run.
"""
import os
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """Fields of /proc/PID/stat after the command name (index 0 = state)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def tree(root):
    """root and every live descendant."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        s = _stat(name)
        if s:
            children.setdefault(int(s[1]), []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def rss_kib(root):
    total = 0
    for pid in tree(root):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def pss_kib(root):
    """The sum of PSS (smaps_rollup): shared pages divided among the processes
    that map them, so a dozen Postfix processes do not count libc twelve times."""
    total = 0
    for pid in tree(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def vm_hwm_kib(pid):
    """Peak RSS of one process (VmHWM); for Tern, one process is the server."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(root):
    ticks = 0
    for pid in tree(root):
        s = _stat(pid)
        if not s:
            continue
        # utime, stime are fields 14 and 15 of stat (11, 12 here); cutime, cstime 13, 14.
        ticks += int(s[11]) + int(s[12])
        if pid == root:
            ticks += int(s[13]) + int(s[14])
    return ticks / TICK


class Sampler:
    """Samples rss_kib(root) every `interval` seconds until stop(); keeps the peak."""

    def __init__(self, root, interval=0.2):
        self.root = root
        self.interval = interval
        self.peak_kib = 0
        self.peak_pss_kib = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        while not self._done.is_set():
            self.peak_kib = max(self.peak_kib, rss_kib(self.root))
            self.peak_pss_kib = max(self.peak_pss_kib, pss_kib(self.root))
            self._done.wait(self.interval)

    def stop(self):
        self._done.set()
        self._thread.join(timeout=5)
        return self.peak_kib


def machine_busy_seconds():
    """CPU seconds all cores spent not idle since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / TICK


def now():
    return time.monotonic()
