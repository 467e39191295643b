#!/usr/bin/python3
"""SMTP benchmarks, Tern against Postfix in one run (issues 3, 6, 8).

Usage: bench/smtp/bench_smtp.py ingest|outbound [--tern build/release/tern]
         [--sessions 10] [--messages 2000] [--size 4096] [--rounds 2]
         [--users 4] [--probe 300] [--name ROW] [--json OUT] [--keep]

ingest:   messages/s accepted on an SMTP (MX) listener, plain text, one
          message per connection, by Postfix's smtp-source with `sessions`
          parallel sessions and `users` local recipients (one smtp-source per
          recipient, sessions and messages split between them). A probe
          (probe.py) times pipelined transactions on one more connection.
          Rounds alternate Tern and Postfix; the best round of each counts.
outbound: messages/s relayed to smtp-sink (127.0.0.2) from a full queue.
          Both queues are filled with the runner held back (Tern: its MX
          port closed; Postfix: defer_transports = smtp), then released
          (Tern: restart with the sink's port, after `tern queue flush`;
          Postfix: reload without defer_transports, `postqueue -f`); the
          clock runs from the release until the sink counted every message.

docs/performance.md describes both and every setting. Bounded: every wait
has a limit; servers are stopped by the PID started here.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402
import procs  # noqa: E402
import servers  # noqa: E402


def smtp_source(port, address, sessions, messages, size, recipient, timeout):
    """Runs smtp-source once; returns (seconds, stderr). Raises on failure."""
    cmd = ["smtp-source", "-s", str(sessions), "-m", str(messages), "-l", str(size), "-f", servers.SENDER,
           "-t", recipient, "-M", "client.source.test", f"{address}:{port}"]
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"smtp-source failed ({r.returncode}): {r.stderr.strip()[:500]}")
    return time.monotonic() - t0, r.stderr


def parallel_source(port, address, sessions, messages, size, recipients, timeout):
    """One smtp-source per recipient at once; returns the wall time of all."""
    k = len(recipients)
    errors = []

    def one(i):
        try:
            smtp_source(port, address, max(1, sessions // k), messages // k + (i < messages % k), size,
                        recipients[i], timeout)
        except Exception as e:  # noqa: BLE001  (reported below)
            errors.append(str(e))
    threads = [threading.Thread(target=one, args=(i,)) for i in range(k)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError("; ".join(errors))
    return time.monotonic() - t0


def body(size):
    line = b"benchmark body line of text for the latency probe of the smtp benchmark....\r\n"
    head = b"From: <sender@source.test>\r\nTo: <u1@bench.test>\r\nSubject: probe\r\n\r\n"
    return head + line * max(1, size // len(line))


# -- ingest ---------------------------------------------------------------------------------------

def ingest_round(args, name, server, address, recipients, delivered):
    """One timed ingest run against a started server; `delivered()` counts
    the messages stored so far (Tern: in the mailboxes; Postfix: in the Maildir)."""
    before = delivered()
    cpu0, busy0 = procs.cpu_seconds(server.pid), procs.machine_busy_seconds()
    sampler = procs.Sampler(server.pid).start()
    stop = threading.Event()
    pr = {}
    pt = threading.Thread(target=probe.run, args=(address, server.port, servers.SENDER, recipients[0],
                                                   body(args.size), args.probe, stop, 60, pr))
    pt.start()
    wall = parallel_source(server.port, address, args.sessions, args.messages, args.size, recipients,
                           args.messages + 300)
    accepted_at = time.monotonic()
    stop.set()
    pt.join(timeout=120)
    expected = before + args.messages + pr.get("transactions", 0)
    # Postfix answers 250 once the queue file is safe; local delivery follows.
    t0 = time.monotonic()
    while delivered() < expected and time.monotonic() - t0 < 300:
        time.sleep(0.05)
    lag = time.monotonic() - accepted_at
    got = delivered() - before
    cpu = procs.cpu_seconds(server.pid) - cpu0
    busy = procs.machine_busy_seconds() - busy0
    peak = sampler.stop()
    r = {"rate": round(args.messages / wall, 1), "peak_pss_kib": sampler.peak_pss_kib, "seconds": round(wall, 2),
         "delivered": got, "expected": expected - before, "delivery_lag_s": round(lag, 2),
         "server_cpu_s": round(cpu, 2), "server_cpu_ms_per_msg": round(1000 * cpu / max(got, 1), 2),
         "other_cpu_s": round(max(0.0, busy - cpu), 2), "peak_rss_kib": peak, "probe": pr}
    print(f"  {name}: {r['rate']:.0f} msg/s accepted in {wall:.1f} s, stored {got}/{expected - before} "
          f"(+{lag:.1f} s), probe p50 {pr.get('p50_ms')} ms p99 {pr.get('p99_ms')} ms "
          f"({pr.get('transactions')} tx, {pr.get('errors')} errors), CPU {cpu:.1f} s, "
          f"peak RSS {peak / 1024:.0f} MiB", flush=True)
    return r


def ingest(args, work):
    recipients = [f"u{i}@{servers.DOMAIN}" for i in range(1, args.users + 1)]
    tern = servers.TernSmtp(args.tern, work)
    tern.add_users(recipients)
    postfix = servers.BenchPostfix()
    out = {"bench": args.name or "smtp-ingest", "sessions": args.sessions, "messages": args.messages, "size": args.size,
           "users": args.users, "tern": {"rounds": []}, "postfix": {"rounds": []}}
    started = []
    try:
        tern.start()
        started.append(tern)
        postfix.start()
        started.append(postfix)
        targets = {
            "tern": (tern, "127.0.0.1", lambda: sum(tern.mailbox_count(r) for r in recipients)),
            "postfix": (postfix, postfix.address, postfix.maildir_count),
        }
        for name, (server, address, _) in targets.items():  # warm-up: processes, caches, files
            parallel_source(server.port, address, 2, 40, args.size, recipients, 300)
        for _ in range(args.rounds):
            for name, (server, address, delivered) in targets.items():
                out[name]["rounds"].append(ingest_round(args, name, server, address, recipients, delivered))
    finally:
        for s in started:
            s.stop()
    return out


# -- outbound -------------------------------------------------------------------------------------

def drain(name, server, sink, n, t0, timeout, base, cpu0):
    """Waits until the sink counted `n` more messages than `base` (its count at
    t0); `cpu0` is the server's CPU time at t0 (0 for a process started then)."""
    sampler = procs.Sampler(server.pid).start()
    ok = sink.wait_count(base + n, timeout)
    done = sink.times[base + n - 1] if ok else time.monotonic()
    first = sink.times[base] if sink.count > base else done
    cpu = procs.cpu_seconds(server.pid) - cpu0
    peak = max(sampler.stop(), procs.vm_hwm_kib(server.pid))
    got = sink.count - base
    r = {"peak_pss_kib": sampler.peak_pss_kib, "rate": round(got / (done - t0), 1), "seconds": round(done - t0, 2), "relayed": got,
         "first_message_s": round(first - t0, 2),
         "steady_rate": round((got - 1) / (done - first), 1) if done > first else 0.0,
         "server_cpu_s": round(cpu, 2), "server_cpu_ms_per_msg": round(1000 * cpu / max(got, 1), 2),
         "peak_rss_kib": peak, "complete": ok}
    print(f"  {name}: {r['rate']:.0f} msg/s ({got}/{n} in {r['seconds']} s, first after "
          f"{r['first_message_s']} s, {r['steady_rate']:.0f} msg/s from then), CPU {cpu:.1f} s, "
          f"peak RSS {peak / 1024:.0f} MiB", flush=True)
    return r


def outbound_tern(args, work, sink, dns):
    closed = servers.peers.free_port("127.0.0.2")  # nothing listens: every attempt is refused
    queue = {"smtp_port": closed, "max_deliveries": args.max_deliveries,
             "max_per_destination": args.max_per_destination, "scan_interval_seconds": 1,
             "retry_initial_seconds": 3600, "connect_timeout_seconds": 10}
    tern = servers.TernSmtp(args.tern, work, dns=dns, queue=queue)
    tern.admin("domain", "add", servers.DOMAIN)
    tern.admin("alias", "add", f"relay@{servers.DOMAIN}", f"dest@{servers.SINK_DOMAIN}")
    try:
        tern.start()
        fill = parallel_source(tern.port, "127.0.0.1", args.sessions, args.messages, args.size,
                               [f"relay@{servers.DOMAIN}"], args.messages + 300)
        print(f"  tern: {args.messages} messages queued in {fill:.1f} s (to an alias of an external "
              f"address), MX port closed", flush=True)
    finally:
        tern.stop()
    queue["smtp_port"] = sink.port
    tern.write_config(queue)
    tern.admin("queue", "flush")
    base = sink.count
    t0 = time.monotonic()
    tern.start()  # returns once it listens; the runner may have started before
    try:
        # CPU and peak RSS (VmHWM) of the whole process life: nothing is missed.
        r = drain("tern", tern, sink, args.messages, t0, args.messages + 300, base, 0.0)
        deadline = time.monotonic() + 60
        while not tern.queue_empty() and time.monotonic() < deadline:
            time.sleep(0.2)
        r["queue_empty"] = tern.queue_empty()
    finally:
        tern.stop()
    r["fill_rate"] = round(args.messages / fill, 1)
    return r


def outbound_postfix(args, sink):
    postfix = servers.BenchPostfix(overrides={"defer_transports": "smtp"},
                                   relay_to=f"[127.0.0.2]:{sink.port}")
    postfix.start()
    try:
        fill = parallel_source(postfix.port, postfix.address, args.sessions, args.messages, args.size,
                               [f"dest@{servers.SINK_DOMAIN}"], args.messages + 300)
        deferred = os.path.join(postfix.queue_dir, "deferred")
        servers.peers.wait_for(lambda: sum(len(f) for _, _, f in os.walk(deferred)) >= args.messages, 300,
                               what="Postfix to defer every message")
        print(f"  postfix: {args.messages} messages queued in {fill:.1f} s, defer_transports = smtp",
              flush=True)
        postfix.postconf(defer_transports="")  # like Tern's config edit, before the clock
        base, cpu0 = sink.count, procs.cpu_seconds(postfix.pid)
        t0 = time.monotonic()
        postfix.reload()
        postfix.postqueue("-f")
        r = drain("postfix", postfix, sink, args.messages, t0, args.messages + 300, base, cpu0)
        deadline = time.monotonic() + 60
        while postfix.queue_count() and time.monotonic() < deadline:
            time.sleep(0.2)
        r["queue_empty"] = postfix.queue_count() == 0
    finally:
        postfix.stop()
    r["fill_rate"] = round(args.messages / fill, 1)
    return r


def outbound(args, work):
    out = {"bench": args.name or "outbound", "sessions": args.sessions, "messages": args.messages, "size": args.size,
           "max_deliveries": args.max_deliveries, "max_per_destination": args.max_per_destination,
           "tern": {"rounds": []}, "postfix": {"rounds": []}}
    sink = servers.Sink(work).start()
    records = [f"{servers.SINK_DOMAIN}. 60 IN MX 10 mx.{servers.SINK_DOMAIN}.",
               f"mx.{servers.SINK_DOMAIN}. 60 IN A 127.0.0.2"]
    try:
        with servers.peers.Unbound(records) as unbound:
            for i in range(args.rounds):
                out["tern"]["rounds"].append(outbound_tern(args, os.path.join(work, f"r{i}"), sink,
                                                           unbound.nameserver))
                out["postfix"]["rounds"].append(outbound_postfix(args, sink))
    finally:
        sink.stop()
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("ingest", "outbound"))
    ap.add_argument("--tern", default=os.path.join(here, "..", "..", "build", "release", "tern"))
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--size", type=int, default=4096, help="body bytes (smtp-source -l)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--users", type=int, default=4, help="ingest: local recipients")
    ap.add_argument("--probe", type=int, default=300, help="ingest: probe transactions at most")
    ap.add_argument("--max-deliveries", type=int, default=100, help="outbound: Tern queue.max_deliveries")
    ap.add_argument("--max-per-destination", type=int, default=20,
                    help="outbound: Tern queue.max_per_destination (Postfix's default concurrency limit)")
    ap.add_argument("--name", help="the row name in the JSON (default: smtp-ingest or outbound), e.g. "
                    "smtp-ingest-20x100k for one cell of bench/run.sh's ingest matrix")
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = ap.parse_args()
    args.tern = os.path.abspath(args.tern)
    if not (1 <= args.rounds <= 10 and 10 <= args.messages <= 100000 and 1 <= args.users <= args.sessions):
        ap.error("rounds 1-10, messages 10-100000, users 1..sessions")
    work = tempfile.mkdtemp(prefix=f"tern-bench-{args.mode}-")
    os.chmod(work, 0o755)
    try:
        out = ingest(args, work) if args.mode == "ingest" else outbound(args, work)
    finally:
        if args.keep:
            print("kept", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    for name in ("tern", "postfix"):
        out[name]["best"] = max(out[name]["rounds"], key=lambda r: r["rate"])
    t, p = out["tern"]["best"], out["postfix"]["best"]
    out["ratio"] = round(t["rate"] / p["rate"], 2) if p["rate"] else None
    print(f"{out['bench']}: msg/s tern={t['rate']:.0f} postfix={p['rate']:.0f} ratio={out['ratio']}  "
          f"server CPU ms/msg tern={t['server_cpu_ms_per_msg']} postfix={p['server_cpu_ms_per_msg']}  "
          f"peak RSS MiB tern={t['peak_rss_kib'] / 1024:.0f} postfix={p['peak_rss_kib'] / 1024:.0f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    if args.mode == "ingest":
        bad = any(r["delivered"] != r["expected"] or r["probe"].get("errors") for s in ("tern", "postfix")
                  for r in out[s]["rounds"])
    else:
        bad = any(not (r["complete"] and r["queue_empty"]) for s in ("tern", "postfix") for r in out[s]["rounds"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
