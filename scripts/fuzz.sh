#!/usr/bin/env bash
# Runs libFuzzer targets built in the fuzz tree (make fuzz builds them).
#   scripts/fuzz.sh [--bin-dir DIR] [--seconds N] [TARGET...]
# Each target runs N seconds (default 60) on its committed seeds
# (tests/fuzz/corpus/TARGET) plus a growing corpus in DIR/corpus/TARGET, with
# its dictionary when there is one. Crashes are written to DIR/crashes/; the
# script exits non-zero if any target failed. Prints executions per target.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin_dir="$root/build/fuzz"
seconds=60
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bin-dir) bin_dir="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  targets=($(sed -n 's/^set(TERN_FUZZ_TARGETS \(.*\))$/\1/p' "$root/tests/fuzz/CMakeLists.txt"))
fi
status=0
mkdir -p "$bin_dir/crashes"
for t in "${targets[@]}"; do
  exe="$bin_dir/tests/fuzz/fuzz_$t"
  [ -x "$exe" ] || { echo "fuzz: $exe is missing; run 'make fuzz-build' first" >&2; exit 2; }
  corpus="$bin_dir/corpus/$t"
  mkdir -p "$corpus"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$bin_dir/crashes/$t-")
  [ -f "$root/tests/fuzz/$t.dict" ] && args+=(-dict="$root/tests/fuzz/$t.dict")
  log="$bin_dir/fuzz-$t.log"
  if "$exe" "${args[@]}" "$corpus" "$root/tests/fuzz/corpus/$t" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "fuzz $t: ok, ${execs:-?} executions in ${seconds}s"
  else
    echo "fuzz $t: FAILED (see $log and $bin_dir/crashes/)"; tail -40 "$log"
    status=1
  fi
done
exit $status
