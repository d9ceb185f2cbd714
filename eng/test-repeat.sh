#!/usr/bin/env bash
# ./eng/test.sh --repeat N [--busy] [--fresh]: the whole suite N times in a row, to prove it passes every time
# (docs/reliability.md, "Every time, at any speed"). --busy keeps every core busy with a CPU-bound neighbour for the
# whole run; --fresh runs each time in a fresh clone of HEAD, as CI and a new user do. Prints each run's totals, its
# time and the fleet test's peak requests in flight; exits 1 if any run failed.
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=0 busy=0 fresh=0
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat="${2:?--repeat needs a count}"; shift 2 ;;
    --busy) busy=1; shift ;;
    --fresh) fresh=1; shift ;;
    *) echo "usage: ./eng/test.sh --repeat N [--busy] [--fresh]" >&2; exit 2 ;;
  esac
done
case "$repeat" in ''|*[!0-9]*|0) echo "--repeat needs a positive count" >&2; exit 2 ;; esac

out="$PWD/artifacts/repeat"
rm -rf "$out" && mkdir -p "$out"
neighbours=()
stop_neighbours() { for pid in "${neighbours[@]}"; do kill "$pid" 2>/dev/null || true; done; neighbours=(); }
trap stop_neighbours EXIT
if [ "$busy" = 1 ]; then
  for _ in $(seq "$(nproc)"); do sh -c 'while :; do :; done' & neighbours+=("$!"); done
fi

failed=0
for run in $(seq "$repeat"); do
  tree="$PWD"
  if [ "$fresh" = 1 ]; then
    # Outside the repository: a clone inside it would be a second copy of every project (BenchmarkDotNet refuses that).
    tree="$(mktemp -d "${TMPDIR:-/tmp}/leadfunctions-run-$run.XXXXXX")"
    git clone -q "$PWD" "$tree"
  fi
  started=$(date +%s)
  status=0
  (cd "$tree" && bash eng/test.sh) > "$out/run-$run.log" 2>&1 || status=$?
  seconds=$(( $(date +%s) - started ))
  totals=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/run-$run.log" | tail -n 1 || true)
  peaks=$(grep -rhoE 'Fleet peaks in flight[^<&]*' "$tree/artifacts/test-results" 2>/dev/null | head -n 1 || true)
  line="run $run/$repeat ($([ "$busy" = 1 ] && echo busy || echo idle)$([ "$fresh" = 1 ] && echo ', fresh clone')): ${totals:-no totals} in ${seconds}s; ${peaks:-no fleet peaks}; exit $status"
  echo "$line" | tee -a "$out/summary.txt"
  [ "$status" = 0 ] || failed=1
  if [ "$fresh" = 1 ] && [ "$status" = 0 ]; then rm -rf "$tree"; fi
  if [ "$fresh" = 1 ] && [ "$status" != 0 ]; then echo "  the failed run's clone is kept in $tree" | tee -a "$out/summary.txt"; fi
done
echo "Summary in $out/summary.txt; each run's output in $out/run-N.log"
exit "$failed"
