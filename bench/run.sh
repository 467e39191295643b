#!/usr/bin/env bash
# Runs every side-by-side benchmark and writes one Markdown table to
# bench/results/latest.md (see bench/README.md, docs/performance.md).
#
#   bench/run.sh            (or `make bench`, which builds build/release/tern first)
#
# Today: POP3 against Dovecot (plain; plain with Dovecot's pop3 processes
# reused; implicit TLS), IMAP against Dovecot (10 and 50 clients; memory per
# IDLE client), SMTP ingest against Postfix (1 and 20 sessions x 4 KiB and
# 100 KiB), outbound relaying against Postfix, and idle SMTP connections.
# Knobs (environment): BENCH_SECONDS (15), BENCH_ROUNDS (2), BENCH_CLIENTS (10),
# BENCH_USERS (20), BENCH_MESSAGES (50), IDLE_COUNT (10000), IMAP_MESSAGES (200),
# IMAP_IDLE (10000), IMAP_DOVECOT_IDLE (200), SMTP_MESSAGES (2000: the 20x4k
# cell; 1x4k and 20x100k send a quarter, 1x100k a tenth), SMTP_SESSIONS (10,
# outbound), BENCH_SKIP (space-separated names to skip: pop3 pop3-reuse pop3-tls
# imap-10 imap-50 imap-idle smtp-ingest-1x4k smtp-ingest-20x4k smtp-ingest-1x100k
# smtp-ingest-20x100k outbound idle; smtp-ingest skips all four ingest cells),
# BENCH_RESULTS (bench/results/latest.md: the table's file).
# Bounded: each benchmark runs under `timeout`; the servers are stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh bench
tern=build/release/tern
[ -x "$tern" ] || { echo "bench: $tern is missing; run \`make build\` first" >&2; exit 1; }

seconds=${BENCH_SECONDS:-15}
rounds=${BENCH_ROUNDS:-2}
skip=" ${BENCH_SKIP:-} "
out=build/bench
# BENCH_RESULTS: where the table goes (trial runs write elsewhere than the committed file).
results=${BENCH_RESULTS:-bench/results/latest.md}
mkdir -p "$out" "$(dirname "$results")"
rm -f "$out"/pop3.json "$out"/pop3-reuse.json "$out"/pop3-tls.json "$out"/idle.txt \
  "$out"/smtp-ingest*.json "$out"/outbound.json "$out"/imap-*.json

# The load generator: C++ with -O2, so the client is never the bottleneck.
g++ -std=c++20 -O2 -Wall -Wextra -Werror -pthread -o "$out/pop3load" \
  bench/pop3/pop3load.cpp bench/pop3/pop3_client.cpp -lssl -lcrypto
g++ -std=c++20 -O2 -Wall -Wextra -Werror -pthread -o "$out/imapload" bench/imap/imapload.cpp \
  bench/imap/idle_hold.cpp bench/imap/imap_client.cpp bench/imap/options.cpp

status=0
pop3_args=(--pop3load "$out/pop3load" --tern "$tern" --seconds "$seconds" --rounds "$rounds"
  --clients "${BENCH_CLIENTS:-10}" --users "${BENCH_USERS:-20}" --messages "${BENCH_MESSAGES:-50}")
# Populating, warm-up, and 2 x rounds x seconds of load, with room for a busy machine.
limit=$((600 + 2 * rounds * seconds))
if [[ $skip != *" pop3 "* ]]; then
  echo "== pop3: Tern vs Dovecot, plain text"
  timeout "$limit" /usr/bin/python3 bench/pop3/bench_pop3.py "${pop3_args[@]}" --json "$out/pop3.json" ||
    status=1
fi
if [[ $skip != *" pop3-reuse "* ]]; then
  echo "== pop3-reuse: Tern vs Dovecot with its pop3 processes reused (service_count = 100)"
  timeout "$limit" /usr/bin/python3 bench/pop3/bench_pop3.py "${pop3_args[@]}" --dovecot-reuse \
    --json "$out/pop3-reuse.json" || status=1
fi
if [[ $skip != *" pop3-tls "* ]]; then
  echo "== pop3-tls: Tern vs Dovecot, implicit TLS"
  timeout "$limit" /usr/bin/python3 bench/pop3/bench_pop3.py "${pop3_args[@]}" --tls \
    --json "$out/pop3-tls.json" || status=1
fi
# IMAP against Dovecot: one run populates both servers once, then the
# 10- and 50-client rows and the IDLE memory row (each can be skipped).
imap_clients=()
[[ $skip == *" imap-10 "* ]] || imap_clients+=(10)
[[ $skip == *" imap-50 "* ]] || imap_clients+=(50)
imap_idle=${IMAP_IDLE:-10000}
[[ $skip != *" imap-idle "* ]] || imap_idle=0
if ((${#imap_clients[@]} > 0 || imap_idle > 0)); then
  echo "== imap: Tern vs Dovecot (imap processes reused), clients: ${imap_clients[*]:-none}, IDLE: $imap_idle"
  # Populating and cold logins, 2 x rounds x seconds per row, two restarts and the IDLE holds.
  timeout $((900 + 4 * rounds * seconds)) /usr/bin/python3 bench/imap/bench_imap.py \
    --imapload "$out/imapload" --tern "$tern" --seconds "$seconds" --rounds "$rounds" \
    --users "${BENCH_USERS:-20}" --messages "${IMAP_MESSAGES:-200}" --clients "${imap_clients[@]}" \
    --idle "$imap_idle" --dovecot-idle "${IMAP_DOVECOT_IDLE:-200}" --out "$out" || status=1
fi
# SMTP against Postfix: smtp-source/smtp-sink are Postfix's own tools (postfix package).
smtp_messages=${SMTP_MESSAGES:-2000}
smtp_args=(--tern "$tern" --rounds "$rounds")
# Issue 3's matrix: 1 and 20 sessions x 4 KiB and 100 KiB, fewer messages
# where each costs more time, so every cell ends within a few minutes.
for cell in 1x4k:1:4096:$((smtp_messages / 4)) 20x4k:20:4096:$smtp_messages \
  1x100k:1:102400:$((smtp_messages / 10)) 20x100k:20:102400:$((smtp_messages / 4)); do
  IFS=: read -r name sessions size messages <<<"$cell"
  row=smtp-ingest-$name
  [[ $skip != *" smtp-ingest "* && $skip != *" $row "* ]] || continue
  echo "== $row: Tern vs Postfix, $sessions session(s), $size-byte bodies, until durable"
  timeout $((600 + rounds * messages / 2)) /usr/bin/python3 bench/smtp/bench_smtp.py ingest \
    "${smtp_args[@]}" --sessions "$sessions" --users $((sessions < 4 ? sessions : 4)) --size "$size" \
    --messages "$messages" --name "$row" --json "$out/$row.json" || status=1
done
smtp_args+=(--messages "$smtp_messages" --sessions "${SMTP_SESSIONS:-10}")
smtp_limit=$((600 + rounds * smtp_messages / 5))
if [[ $skip != *" outbound "* ]]; then
  echo "== outbound: Tern vs Postfix, a full queue relayed to smtp-sink"
  timeout "$smtp_limit" /usr/bin/python3 bench/smtp/bench_smtp.py outbound "${smtp_args[@]}" \
    --json "$out/outbound.json" || status=1
fi
if [[ $skip != *" idle "* ]]; then
  echo "== idle connections"
  timeout 300 /usr/bin/python3 bench/idle_connections.py --tern "$tern" --count "${IDLE_COUNT:-10000}" \
    2>&1 | tee "$out/idle.txt" || status=1
fi

settings="BENCH_SECONDS=$seconds BENCH_ROUNDS=$rounds BENCH_CLIENTS=${BENCH_CLIENTS:-10}"
settings+=" BENCH_USERS=${BENCH_USERS:-20} BENCH_MESSAGES=${BENCH_MESSAGES:-50} IDLE_COUNT=${IDLE_COUNT:-10000}"
settings+=" SMTP_MESSAGES=${SMTP_MESSAGES:-2000} SMTP_SESSIONS=${SMTP_SESSIONS:-10}"
settings+=" IMAP_MESSAGES=${IMAP_MESSAGES:-200} IMAP_IDLE=${IMAP_IDLE:-10000} IMAP_DOVECOT_IDLE=${IMAP_DOVECOT_IDLE:-200}"
[ -z "${BENCH_SKIP:-}" ] || settings+=" BENCH_SKIP=\"$BENCH_SKIP\""
/usr/bin/python3 bench/report.py --dir "$out" --command "$settings bench/run.sh" >"$results"
echo
cat "$results"
exit $status
