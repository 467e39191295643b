#!/usr/bin/python3
"""Renders the results of bench/run.sh as one Markdown table (bench/results/latest.md).

Usage: bench/report.py --dir DIR [--command "make bench"]
DIR holds pop3*.json (bench/pop3/bench_pop3.py --json), imap-10.json,
imap-50.json and imap-idle.json (bench/imap/bench_imap.py --out DIR),
smtp-ingest-*.json and outbound.json (bench/smtp/bench_smtp.py --json) and
idle.txt (the output of bench/idle_connections.py). Missing results show as
"not run".
"""
import argparse
import datetime
import json
import os
import re
import subprocess


def mib(kib):
    return f"{kib / 1024:.0f}"


def pair(t, p, fmt="{:.1f}"):
    return f"{fmt.format(t)} / {fmt.format(p)}"


def pop3_row(r):
    t, d = r["tern"]["best"], r["dovecot"]["best"]
    tw, dw = r["tern"]["warmup"], r["dovecot"]["warmup"]
    rounds = lambda s: ", ".join(f"{x['rate']:.0f}" for x in r[s]["rounds"])  # noqa: E731
    notes = (f"{r['users']} users x {r['messages']} msgs, {r['clients']} clients, best of "
             f"{len(r['tern']['rounds'])} x {r['seconds']:.0f} s (rounds: tern {rounds('tern')}; dovecot "
             f"{rounds('dovecot')}); errors {t['errors']}/{d['errors']}; CPU s loadgen {t['client_cpu_s']}/"
             f"{d['client_cpu_s']} vs server {t['server_cpu_s']}/{d['server_cpu_s']}, other processes "
             f"{t['other_cpu_s']}/{d['other_cpu_s']}; cold logins (warm-up): "
             f"{tw['rate']:.1f}/{dw['rate']:.1f} sessions/s, peak RSS {mib(tw['peak_rss_kib'])}/"
             f"{mib(dw['peak_rss_kib'])} MiB")
    ratio = f"**{r['ratio']:.2f}**" if r.get("ratio") else "-"
    peer = "Dovecot, pop3 processes reused" if r.get("dovecot_reuse") else "Dovecot"
    return (f"| {r['bench']} | sessions/s | {t['rate']:.0f} | {peer} {d['rate']:.0f} | {ratio} | "
            f"{pair(t['p50_ms'], d['p50_ms'])} | {pair(t['p99_ms'], d['p99_ms'])} | "
            f"{mib(t['peak_rss_kib'])} / {mib(d['peak_rss_kib'])} (PSS {mib(t['peak_pss_kib'])} / "
            f"{mib(d['peak_pss_kib'])}) | "
            f"{pair(t['server_cpu_ms_per_session'], d['server_cpu_ms_per_session'], '{:.2f}')} | {notes} |")


def smtp_row(r):
    """smtp-ingest / outbound (bench/smtp/bench_smtp.py --json): messages/s."""
    t, p = r["tern"]["best"], r["postfix"]["best"]
    rounds = lambda s: ", ".join(f"{x['rate']:.0f}" for x in r[s]["rounds"])  # noqa: E731
    ratio = f"**{r['ratio']:.2f}**" if r.get("ratio") else "-"
    common = (f"{r['messages']} msgs of {r['size']} B, {r['sessions']} smtp-source sessions, best of "
              f"{len(r['tern']['rounds'])} (rounds: tern {rounds('tern')}; postfix {rounds('postfix')})")
    if r["bench"].startswith("smtp-ingest"):
        tp, pp = t["probe"], p["probe"]
        notes = (f"{common}; {r['users']} local users, one message per connection; stored "
                 f"{t['delivered']}/{t['expected']} and {p['delivered']}/{p['expected']}, Postfix's Maildir "
                 f"delivery done {p['delivery_lag_s']} s after the last 250; latency: {tp['transactions']}/"
                 f"{pp['transactions']} pipelined probe transactions, errors {tp['errors']}/{pp['errors']}")
        p50, p99 = pair(tp["p50_ms"], pp["p50_ms"]), pair(tp["p99_ms"], pp["p99_ms"])
    else:
        notes = (f"{common}; queue filled while held, then released; first message at the sink after "
                 f"{t['first_message_s']}/{p['first_message_s']} s, then {t['steady_rate']:.0f}/"
                 f"{p['steady_rate']:.0f} msg/s; queue filled at {t['fill_rate']:.0f}/{p['fill_rate']:.0f} "
                 f"msg/s; Tern max_deliveries {r['max_deliveries']}, max_per_destination "
                 f"{r['max_per_destination']}; issue 6 target >= 1")
        p50 = p99 = "-"
    return (f"| {r['bench']} | messages/s | {t['rate']:.0f} | Postfix {p['rate']:.0f} | {ratio} | {p50} | {p99} | "
            f"{mib(t['peak_rss_kib'])} / {mib(p['peak_rss_kib'])} (PSS {mib(t['peak_pss_kib'])} / "
            f"{mib(p['peak_pss_kib'])}) | "
            f"{pair(t['server_cpu_ms_per_msg'], p['server_cpu_ms_per_msg'], '{:.2f}')} per message | {notes} |")


def imap_row(r):
    """imap-10 / imap-50 (bench/imap/bench_imap.py): tagged commands per second."""
    t, d = r["tern"]["best"], r["dovecot"]["best"]
    tw, dw = r["tern"]["warmup"], r["dovecot"]["warmup"]
    rounds = lambda s: ", ".join(f"{x['rate']:.0f}" for x in r[s]["rounds"])  # noqa: E731
    kinds = ("fetch_headers", "fetch_body", "store", "append", "expunge")
    per_kind = "; ".join(f"{k} {t[k + '_p50_ms']:.1f}/{d[k + '_p50_ms']:.1f}" for k in kinds if k + "_p50_ms" in t)
    notes = (f"{r['users']} users x {r['messages']} msgs (varied MIME), {r['clients']} clients, best of "
             f"{len(r['tern']['rounds'])} x {r['seconds']:.0f} s (rounds: tern {rounds('tern')}; dovecot "
             f"{rounds('dovecot')}); sessions/s {t['session_rate']:.1f}/{d['session_rate']:.1f}; errors "
             f"{t['errors']}/{d['errors']}; p50 ms by command: {per_kind}; CPU s loadgen {t['client_cpu_s']}/"
             f"{d['client_cpu_s']} vs server {t['server_cpu_s']}/{d['server_cpu_s']}, other processes "
             f"{t['other_cpu_s']}/{d['other_cpu_s']}; cold logins (warm-up) {tw['session_rate']:.1f}/"
             f"{dw['session_rate']:.1f} sessions/s; issue 4 target >= 1.5")
    ratio = f"**{r['ratio']:.2f}**" if r.get("ratio") else "-"
    return (f"| {r['bench']} | operations/s | {t['rate']:.0f} | Dovecot, imap processes reused {d['rate']:.0f} | "
            f"{ratio} | {pair(t['p50_ms'], d['p50_ms'], '{:.2f}')} | {pair(t['p99_ms'], d['p99_ms'])} | "
            f"{mib(t['peak_rss_kib'])} / {mib(d['peak_rss_kib'])} (PSS {mib(t['peak_pss_kib'])} / "
            f"{mib(d['peak_pss_kib'])}) | "
            f"{pair(t['server_cpu_ms_per_op'], d['server_cpu_ms_per_op'], '{:.3f}')} per operation | {notes} |")


def imap_idle_row(r):
    """imap-idle: server memory per connected, IDLE-ing client."""
    t, d = r["tern"], r["dovecot"]
    notes = (f"Tern: {t['idle_held']}/{t['idle_requested']} IDLE clients held at once (DONE answered by "
             f"{t['done_ok']}), RSS {t['rss_before_kib'] / 1024:.1f} -> {t['rss_after_kib'] / 1024:.1f} MiB, "
             f"opened in {t['open_s']:.1f} s; Dovecot: {d['idle_held']}/{d['idle_requested']} held, "
             f"{d['processes_after']} processes, RSS {mib(d['rss_before_kib'])} -> {mib(d['rss_after_kib'])} MiB, "
             f"PSS {mib(d['pss_before_kib'])} -> {mib(d['pss_after_kib'])} MiB; per client: RSS "
             f"{t['rss_per_client_kib']:.1f}/{d['rss_per_client_kib']:.1f} KiB, PSS {t['pss_per_client_kib']:.1f}/"
             f"{d['pss_per_client_kib']:.1f} KiB; lower is better; issue 4 target <= 50 KiB, 10,000 held")
    return (f"| imap-idle | server KiB per IDLE client (PSS) | {t['pss_per_client_kib']:.1f} | "
            f"Dovecot {d['pss_per_client_kib']:.1f} | - | - | - | {mib(t['rss_after_kib'])} / "
            f"{mib(d['rss_after_kib'])} (PSS {mib(t['pss_after_kib'])} / {mib(d['pss_after_kib'])}) | - | {notes} |")


def idle_row(text):
    held = re.search(r"connections held: (\d+)/(\d+)", text)
    rss = re.search(r"tern RSS: ([\d.]+) MiB at start, ([\d.]+) MiB .*\(([\d.]+) KiB per connection\)", text)
    if not (held and rss):
        tail = " ".join(text.strip().splitlines()[-2:])[:200] or "no output"
        return f"| idle connections | RSS MiB | failed | - | - | - | - | - | - | {tail} |"
    return (f"| idle connections | RSS MiB with {held.group(1)}/{held.group(2)} idle SMTP connections | "
            f"{rss.group(2)} | not compared | - | - | - | {rss.group(2)} / - | - | "
            f"{rss.group(1)} MiB at start, {rss.group(3)} KiB per connection; issue 2 target < 150 MiB |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--command", default="make bench")
    args = ap.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print("# Benchmark results\n")
    print(f"`{args.command}` on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"commit {commit or '?'}, {os.cpu_count()} x {cpu}, load average at the end {load}. "
          "See docs/performance.md for what is measured and how both servers are configured.\n")
    print("| benchmark | metric | Tern | peer | Tern/peer | p50 ms Tern / peer | p99 ms Tern / peer | "
          "peak RSS MiB Tern / peer | server CPU ms per session Tern / peer | notes |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in ("pop3", "pop3-reuse", "pop3-tls"):
        path = os.path.join(args.dir, name + ".json")
        if os.path.exists(path):
            with open(path) as f:
                print(pop3_row(json.load(f)))
        else:
            print(f"| {name} | sessions/s | not run | - | - | - | - | - | - | see the run's output |")
    for name in ("imap-10", "imap-50"):
        path = os.path.join(args.dir, name + ".json")
        if os.path.exists(path):
            with open(path) as f:
                print(imap_row(json.load(f)))
        else:
            print(f"| {name} | operations/s | not run | - | - | - | - | - | - | see the run's output |")
    path = os.path.join(args.dir, "imap-idle.json")
    if os.path.exists(path):
        with open(path) as f:
            print(imap_idle_row(json.load(f)))
    else:
        print("| imap-idle | server KiB per IDLE client | not run | - | - | - | - | - | - | see the run's output |")
    for name in ("smtp-ingest-1x4k", "smtp-ingest-20x4k", "smtp-ingest-1x100k", "smtp-ingest-20x100k",
                 "outbound"):
        path = os.path.join(args.dir, name + ".json")
        if os.path.exists(path):
            with open(path) as f:
                print(smtp_row(json.load(f)))
        else:
            print(f"| {name} | messages/s | not run | - | - | - | - | - | - | see the run's output |")
    idle = os.path.join(args.dir, "idle.txt")
    if os.path.exists(idle):
        with open(idle) as f:
            print(idle_row(f.read()))
    else:
        print("| idle connections | RSS MiB | not run | - | - | - | - | - | - | |")
    print("\nRatios above 1 favour Tern (sessions/s: higher is better). Peak RSS is sampled every 200 ms "
          "during the timed rounds; for Dovecot and Postfix it is the sum over their processes (PSS divides "
          "shared pages among them). For the SMTP rows the CPU column is per message and for the IMAP rows per operation (one tagged command), not per session; the IMAP p50/p99 are per command. Server CPU per session is the least sensitive to other load on the machine.")


if __name__ == "__main__":
    main()
