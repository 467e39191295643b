#!/usr/bin/python3
"""IMAP operations per second and memory per IDLE client, Tern against
Dovecot, in one run (issue 4 bench item).

Usage: bench/imap/bench_imap.py --imapload PATH [--tern build/release/tern]
         [--users 20] [--messages 200] [--clients 10 50] [--seconds 15] [--rounds 2]
         [--idle 10000] [--dovecot-idle 200] [--hold 5] [--out DIR] [--keep]

Starts both servers in one temporary directory (stopped by PID at the end)
with the same users and the same varied-MIME messages (mime_messages.py),
Dovecot in its high-performance mode with imap processes reused
(bench/pop3/servers.py, docs/performance.md). Then:
- warm-up: every user logs in once on each server (credential caches filled,
  Dovecot's indexes built), every check of imapload on;
- for each --clients value, `rounds` timed imapload runs per server,
  alternating Tern and Dovecot; the best round of each counts;
  DIR/imap-<clients>.json;
- with --idle > 0: both servers restarted (a fresh heap), every user logs in
  once, then `imapload --idle K` holds K IDLE-ing connections to Tern and
  --dovecot-idle to Dovecot (which forks one process per client);
  DIR/imap-idle.json.
Bounded: every imapload run is killed after its time plus 180 s.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "pop3"))
import common  # noqa: E402
import mime_messages  # noqa: E402
import servers  # noqa: E402


def imapload(args, server, extra, seconds):
    cmd = [args.imapload, "--port", str(server.port), "--users", str(args.users), "--password", servers.PASSWORD,
           "--domain", servers.DOMAIN, "--server-pid", str(server.proc.pid), "--messages", str(args.messages),
           *extra]
    busy0 = common.machine_busy_seconds()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 180)
    busy = common.machine_busy_seconds() - busy0
    if r.stderr:
        sys.stderr.write(r.stderr)
    result = common.parse_kv(r.stdout)
    if not result:
        raise RuntimeError(f"imapload failed ({r.returncode}): {r.stdout}{r.stderr}")
    if "client_cpu_s" in result:
        # CPU that neither server nor load generator used: other work on the machine.
        result["other_cpu_s"] = round(max(0.0, busy - result["client_cpu_s"] - result["server_cpu_s"]), 2)
        result["server_cpu_ms_per_op"] = round(1000 * result["server_cpu_s"] / max(result["ops"], 1), 3)
    result["exit"] = r.returncode
    return result


def load(args, server, clients, seconds, sessions=None):
    extra = ["--clients", str(clients), "--seconds", str(seconds)]
    if sessions:
        extra += ["--sessions", str(sessions), "--timeout", "120"]
    return imapload(args, server, extra, seconds)


def warm_up(args, server):
    """Every user logs in once (argon2id for Tern, index files for Dovecot)."""
    return load(args, server, args.users, 600, sessions=1)


def idle(args, server, count):
    return imapload(args, server, ["--idle", str(count), "--seconds", "240", "--hold", str(args.hold),
                                   "--timeout", "60"], 240 + args.hold)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tern", default=os.path.join(HERE, "..", "..", "build", "release", "tern"))
    ap.add_argument("--imapload", required=True)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--clients", type=int, nargs="*", default=[10, 50])
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--idle", type=int, default=10000, help="IDLE connections to Tern (0: skip)")
    ap.add_argument("--dovecot-idle", type=int, default=200, help="IDLE connections to Dovecot")
    ap.add_argument("--hold", type=float, default=5)
    ap.add_argument("--out", default=".")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = ap.parse_args()
    args.tern = os.path.abspath(args.tern)
    args.imapload = os.path.abspath(args.imapload)
    if not (1 <= args.rounds <= 10 and 1 <= args.seconds <= 600 and 0 <= args.idle <= 20000
            and all(1 <= c <= 500 for c in args.clients) and 1 <= args.users <= 1000):
        ap.error("rounds 1-10, seconds 1-600, idle 0-20000, clients 1-500, users 1-1000")
    if args.idle:
        # `tern serve` inherits this limit: one descriptor per connection.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard < args.idle + 200:
            ap.error(f"the open-file hard limit {hard} is below {args.idle + 200}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    work = tempfile.mkdtemp(prefix="tern-bench-imap-")
    os.chmod(work, 0o755)  # Dovecot's mail processes run as an unprivileged user
    tern = servers.TernServer(args.tern, work, protocol="imap", max_connections=max(1000, args.idle + 200))
    dovecot = servers.DovecotServer(work, reuse=True, protocol="imap",
                                    process_limit=max(args.dovecot_idle, max(args.clients, default=0)) + 100)
    both = (("tern", tern), ("dovecot", dovecot))
    out = {name: {} for name, _ in both}
    started = []
    status = 0
    try:
        for name, server in both:
            t0 = time.monotonic()
            server.populate(args.users, args.messages, mime_messages.messages)
            started.append(server)
            out[name]["populate_s"] = round(time.monotonic() - t0, 1)
            out[name]["warmup"] = warm_up(args, server)
            print(f"  {name}: populated in {out[name]['populate_s']} s, warm-up (cold logins) "
                  f"{out[name]['warmup']['session_rate']:.1f} sessions/s, errors {out[name]['warmup']['errors']}",
                  flush=True)
        for clients in args.clients:
            res = {"bench": f"imap-{clients}", "users": args.users, "messages": args.messages,
                   "clients": clients, "seconds": args.seconds}
            for name, _ in both:
                res[name] = {"warmup": out[name]["warmup"], "populate_s": out[name]["populate_s"], "rounds": []}
            for _ in range(args.rounds):
                for name, server in both:
                    r = load(args, server, clients, args.seconds)
                    res[name]["rounds"].append(r)
                    print(f"  imap-{clients} {name}: {r['rate']:.0f} ops/s, {r['session_rate']:.1f} sessions/s, "
                          f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, errors {r['errors']}, server CPU "
                          f"{r['server_cpu_s']} s, loadgen {r['client_cpu_s']} s, other {r['other_cpu_s']} s",
                          flush=True)
            for name, _ in both:
                res[name]["best"] = max(res[name]["rounds"], key=lambda r: r["rate"])
            t, d = res["tern"]["best"], res["dovecot"]["best"]
            res["ratio"] = round(t["rate"] / d["rate"], 2) if d["rate"] else None
            print(f"imap-{clients}: ops/s tern={t['rate']:.0f} dovecot={d['rate']:.0f} ratio={res['ratio']}  "
                  f"server CPU ms/op tern={t['server_cpu_ms_per_op']} dovecot={d['server_cpu_ms_per_op']}",
                  flush=True)
            if any(r["errors"] for n, _ in both for r in res[n]["rounds"]):
                status = 1
            with open(os.path.join(args.out, f"imap-{clients}.json"), "w") as f:
                json.dump(res, f, indent=1)
        if args.idle:
            res = {"bench": "imap-idle", "users": args.users, "messages": args.messages, "hold_s": args.hold}
            for (name, server), count in zip(both, (args.idle, args.dovecot_idle)):
                server.stop()  # a fresh process: what the idle clients cost, not the load runs' heap
                server.start()
                warm_up(args, server)
                time.sleep(1)
                res[name] = idle(args, server, count)
                r = res[name]
                print(f"imap-idle {name}: {r['idle_held']}/{r['idle_requested']} held (DONE answered "
                      f"{r['done_ok']}), RSS {r['rss_before_kib'] / 1024:.1f} -> {r['rss_after_kib'] / 1024:.1f} "
                      f"MiB, {r['rss_per_client_kib']} KiB RSS and {r['pss_per_client_kib']} KiB PSS per client, "
                      f"{r['processes_after']} processes", flush=True)
                if r["exit"]:
                    status = 1
            with open(os.path.join(args.out, "imap-idle.json"), "w") as f:
                json.dump(res, f, indent=1)
    finally:
        for server in started:
            server.stop()
        if args.keep:
            print("kept", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
