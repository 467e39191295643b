#!/usr/bin/env bash
# Installs the Debian 12 packages Tern needs to build, run and test.
# Idempotent: only missing packages are installed, and `apt-get update` runs
# at most once per invocation. Usage: scripts/install-deps.sh [build|test|bench|all]
# `bench` adds the peers the side-by-side benchmarks run against (bench/run.sh).
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libc-ares-dev libsqlite3-dev zlib1g-dev libpq-dev libargon2-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev libidn2-dev libicu-dev
  openssl publicsuffix
)
test_pkgs=(
  libgtest-dev libgmock-dev libbenchmark-dev python3 python3-yaml python3-dkim python3-authres swaks libnet-ssleay-perl procps clang libclang-rt-14-dev fetchmail unbound
  postfix isync mutt ldnsutils testssl.sh
)
bench_pkgs=(
  dovecot-core dovecot-pop3d dovecot-imapd python3 procps postfix unbound
)

want=("${build_pkgs[@]}")
case "${1:-all}" in
  build) ;;
  test) want+=("${test_pkgs[@]}") ;;
  bench) want+=("${bench_pkgs[@]}") ;;
  all) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Peers such as Postfix and Dovecot are only started by the tests, in their
# own directories: keep their packages from starting system services
# (policy-rc.d exit 101 = "action forbidden", see invoke-rc.d(8)).
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  made_policy=1
fi
trap 'if [ "$made_policy" = 1 ]; then $sudo rm -f "$policy"; fi' EXIT
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
