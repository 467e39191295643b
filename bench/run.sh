#!/usr/bin/env bash
# Runs every side-by-side benchmark and writes one Markdown table to
# bench/results/latest.md (see bench/README.md, docs/performance.md).
#
#   bench/run.sh            (or `make bench`, which builds build/release/tern first)
#
# Today: POP3 against Dovecot (plain; plain with Dovecot's pop3 processes
# reused; implicit TLS), SMTP ingest and outbound relaying against Postfix,
# and idle connections.
# Knobs (environment): BENCH_SECONDS (15), BENCH_ROUNDS (2), BENCH_CLIENTS (10),
# BENCH_USERS (20), BENCH_MESSAGES (50), IDLE_COUNT (10000), SMTP_MESSAGES (2000),
# SMTP_SESSIONS (10), BENCH_SKIP (space-separated names to skip: pop3 pop3-reuse
# pop3-tls smtp-ingest outbound idle).
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
mkdir -p "$out" bench/results
rm -f "$out"/pop3.json "$out"/pop3-reuse.json "$out"/pop3-tls.json "$out"/idle.txt \
  "$out"/smtp-ingest.json "$out"/outbound.json

# The load generator: C++ with -O2, so the client is never the bottleneck.
g++ -std=c++20 -O2 -Wall -Wextra -Werror -pthread -o "$out/pop3load" \
  bench/pop3/pop3load.cpp bench/pop3/pop3_client.cpp -lssl -lcrypto

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
# SMTP against Postfix: smtp-source/smtp-sink are Postfix's own tools (postfix package).
smtp_args=(--tern "$tern" --rounds "$rounds" --messages "${SMTP_MESSAGES:-2000}"
  --sessions "${SMTP_SESSIONS:-10}")
smtp_limit=$((600 + rounds * ${SMTP_MESSAGES:-2000} / 5))
if [[ $skip != *" smtp-ingest "* ]]; then
  echo "== smtp-ingest: Tern vs Postfix, messages accepted on port 25 until durable"
  timeout "$smtp_limit" /usr/bin/python3 bench/smtp/bench_smtp.py ingest "${smtp_args[@]}" \
    --json "$out/smtp-ingest.json" || status=1
fi
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
/usr/bin/python3 bench/report.py --dir "$out" --command "$settings bench/run.sh" >bench/results/latest.md
echo
cat bench/results/latest.md
exit $status
