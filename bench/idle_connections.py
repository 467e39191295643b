#!/usr/bin/python3
"""Holds N idle connections open against `tern serve` and reports the
server's resident memory (issue 2: 10,000 connections, target < 150 MiB).

Usage: bench/idle_connections.py [--count N] [--tern build/release/tern]
Starts its own server in a temporary directory on 127.0.0.1 and stops it by
PID. Bounded: gives up after 120 s."""
import argparse
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
import harness  # noqa: E402


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--tern", default=os.path.join(os.path.dirname(__file__), "..", "build", "release", "tern"))
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.count + 100:
        raise SystemExit(f"open-file limit {hard} is below {args.count}")
    harness.TERN_BIN = os.path.abspath(args.tern)
    t = harness.Tern({"limits": {"max_connections": args.count + 100, "max_connections_per_ip": args.count + 100},
                      "server": {"log_level": "warn"}}, listeners=[("smtp", "smtp", "starttls")])
    t.start()
    deadline = time.monotonic() + 120
    conns = []
    try:
        base = rss_kib(t.proc.pid)
        port = t.ports["smtp"]
        # Spread over several source addresses so no ephemeral-port range runs out.
        for i in range(args.count):
            if time.monotonic() > deadline:
                raise SystemExit("gave up: took longer than 120 s")
            s = socket.socket()
            s.bind((f"127.0.0.{2 + i % 50}", 0))
            s.connect(("127.0.0.1", port))
            conns.append(s)
        greeted = 0
        for s in conns:
            s.settimeout(10)
            if s.recv(64).startswith(b"220 "):
                greeted += 1
        time.sleep(1)
        held = rss_kib(t.proc.pid)
        print(f"connections held: {greeted}/{args.count}")
        print(f"tern RSS: {base / 1024:.1f} MiB at start, {held / 1024:.1f} MiB with {greeted} idle connections "
              f"({(held - base) / max(greeted, 1):.2f} KiB per connection)")
        return 0 if greeted == args.count else 1
    finally:
        for s in conns:
            s.close()
        t.stop(expect_code=None)
        shutil.rmtree(t.dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
