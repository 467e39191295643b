#!/usr/bin/python3
"""POP3 sessions per second, Tern against Dovecot, in one run (issue 5).

Usage: bench/pop3/bench_pop3.py --pop3load PATH [--tern build/release/tern] [--tls]
         [--users 20] [--messages 50] [--clients 10] [--seconds 15] [--rounds 2] [--json OUT]
         [--dovecot-reuse] [--keep]

Starts both servers in one temporary directory (stopped by PID at the end),
gives them the same users and messages, then for each server runs pop3load
once as a warm-up (every user logs in once, so both credential caches are
filled; every RETR is checked against LIST) and `rounds` timed runs,
alternating Tern and Dovecot so a burst of other load on the machine hits
both. The best round of each counts (the other rounds are in the JSON).
Prints one summary line; --json writes every number for bench/report.py.
Bounded: each pop3load run is killed after its time plus 120 s.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import common  # noqa: E402
import servers  # noqa: E402


def run_load(args, server, seconds, sessions=None, verify=False, timeout=10):
    cmd = [args.pop3load, "--port", str(server.port), "--users", str(args.users), "--clients",
           str(args.clients), "--password", servers.PASSWORD, "--domain", servers.DOMAIN,
           "--server-pid", str(server.proc.pid), "--seconds", str(seconds), "--timeout", str(timeout)]
    if sessions:
        cmd += ["--sessions", str(sessions)]
    if verify:
        cmd.append("--verify")
    if args.tls:
        cmd.append("--tls")
    busy0 = common.machine_busy_seconds()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    busy = common.machine_busy_seconds() - busy0
    if r.stderr:
        sys.stderr.write(r.stderr)
    result = common.parse_kv(r.stdout)
    if "sessions" not in result:
        raise RuntimeError(f"pop3load failed ({r.returncode}): {r.stdout}{r.stderr}")
    # CPU that neither the server nor the load generator used: other work on
    # the machine, which makes the round less trustworthy.
    result["other_cpu_s"] = round(max(0.0, busy - result["client_cpu_s"] - result["server_cpu_s"]), 2)
    result["exit"] = r.returncode
    return result


def summary(results):
    best = max(results["rounds"], key=lambda r: r["rate"])
    # Server CPU per session hardly depends on what else the machine runs.
    for r in results["rounds"] + [results["warmup"]]:
        r["server_cpu_ms_per_session"] = round(1000 * r["server_cpu_s"] / max(r["sessions"], 1), 2)
    results["best"] = best
    return best


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--tern", default=os.path.join(here, "..", "..", "build", "release", "tern"))
    ap.add_argument("--pop3load", required=True)
    ap.add_argument("--tls", action="store_true", help="implicit TLS (POP3S) on both servers")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--messages", type=int, default=50)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--dovecot-reuse", action="store_true",
                    help="let Dovecot's pop3 processes serve 100 sessions each (default: one)")
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = ap.parse_args()
    args.tern = os.path.abspath(args.tern)
    args.pop3load = os.path.abspath(args.pop3load)
    if not 1 <= args.rounds <= 10 or not 1 <= args.seconds <= 600:
        ap.error("rounds must be 1-10 and seconds 1-600")

    work = tempfile.mkdtemp(prefix="tern-bench-pop3-")
    os.chmod(work, 0o755)  # Dovecot's mail processes run as an unprivileged user
    cert = common.make_cert(work) if args.tls else None
    tern = servers.TernServer(args.tern, work, args.tls, cert)
    dovecot = servers.DovecotServer(work, args.tls, cert, args.dovecot_reuse)
    out = {"bench": "pop3" + ("-tls" if args.tls else "") + ("-reuse" if args.dovecot_reuse else ""), "users": args.users,
           "messages": args.messages, "clients": args.clients, "seconds": args.seconds,
           "dovecot_reuse": args.dovecot_reuse}
    started = []
    try:
        for name, server in (("tern", tern), ("dovecot", dovecot)):
            t0 = time.monotonic()
            server.populate(args.users, args.messages)
            started.append(server)
            out[name] = {"populate_s": round(time.monotonic() - t0, 1)}
            sessions = -(-args.users // args.clients)  # every user once
            # Cold logins: Tern's argon2id (~0.4 s of CPU each) queue up behind each other.
            out[name]["warmup"] = run_load(args, server, 300, sessions=sessions, verify=True, timeout=120)
            out[name]["rounds"] = []
        for _ in range(args.rounds):
            for name, server in (("tern", tern), ("dovecot", dovecot)):
                out[name]["rounds"].append(run_load(args, server, args.seconds))
        out["tern"]["vm_hwm_kib"] = common.vm_kib(tern.proc.pid, "VmHWM")
    finally:
        for server in started:
            server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept", work)

    t, d = summary(out["tern"]), summary(out["dovecot"])
    out["ratio"] = round(t["rate"] / d["rate"], 2) if d["rate"] else None
    mib = lambda k: k / 1024  # noqa: E731
    print(f"{out['bench']:<8} sessions/s tern={t['rate']:.0f} dovecot={d['rate']:.0f} ratio={out['ratio']}"
          f"  p50 ms tern={t['p50_ms']:.1f} dovecot={d['p50_ms']:.1f}"
          f"  p99 ms tern={t['p99_ms']:.1f} dovecot={d['p99_ms']:.1f}"
          f"  peak RSS MiB tern={mib(t['peak_rss_kib']):.0f} dovecot={mib(d['peak_rss_kib']):.0f}"
          f" (PSS {mib(t['peak_pss_kib']):.0f}/{mib(d['peak_pss_kib']):.0f})"
          f"  errors tern={t['errors']} dovecot={d['errors']}")
    print(f"{'':<8} cpu s: loadgen={t['client_cpu_s']}/{d['client_cpu_s']} server tern={t['server_cpu_s']}"
          f" dovecot={d['server_cpu_s']} other={t['other_cpu_s']}/{d['other_cpu_s']}"
          f"  server cpu ms/session tern={t['server_cpu_ms_per_session']} dovecot={d['server_cpu_ms_per_session']}"
          f"  warm-up (cold logins) sessions/s tern={out['tern']['warmup']['rate']:.1f}"
          f" dovecot={out['dovecot']['warmup']['rate']:.1f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    failed = any(r["errors"] for s in ("tern", "dovecot") for r in out[s]["rounds"] + [out[s]["warmup"]])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
