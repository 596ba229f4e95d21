#!/usr/bin/env bash
# Builds the fuzz targets (preset `fuzz`: the `asan` build, build/asan) and runs every fuzz target (or the ones named) for SECONDS each, JOBS at
# a time, from the seed corpus (seed-corpus.sh). New inputs go to build/asan/corpus/<target>/,
# findings (crash-*, leak-*, timeout-*, oom-*) to build/asan/findings/<target>/. Prints one line
# per target (executions, seconds, coverage, findings); exits 1 when anything was found.
#   tests/fuzz/run-fuzzers.sh [-t SECONDS] [-j JOBS] [TARGET...]
set -euo pipefail
seconds=30
jobs=2
while getopts "t:j:" opt; do
  case $opt in
    t) seconds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
cd "$(dirname "$0")/../.."
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
bin=build/asan/tests/fuzz
work=build/asan
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for b in "$bin"/fuzz_*; do targets+=("$(basename "$b" | sed 's/^fuzz_//')"); done
fi
rm -rf "$work/seeds" "$work/logs"
tests/fuzz/seed-corpus.sh "$work/seeds"
mkdir -p "$work/logs"

run_target() {  # run_target NAME: one bounded libFuzzer run
  local t=$1
  mkdir -p "$work/corpus/$t" "$work/findings/$t" "$work/seeds/$t"
  # -timeout: one input taking longer is a finding (a hang); -rss_limit_mb: so is a memory blow-up.
  "$bin/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$work/seeds/$t.dict" \
    -artifact_prefix="$work/findings/$t/" "$work/corpus/$t" "$work/seeds/$t" \
    >"$work/logs/$t.log" 2>&1 || true
}
export -f run_target
export bin work seconds
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_target {}'

status=0
printf '%-20s %12s %8s %8s %9s\n' target executions seconds coverage findings
for t in "${targets[@]}"; do
  log=$work/logs/$t.log
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' || true)
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $5}' || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}' || true)
  found=$(find "$work/findings/$t" -type f | wc -l)
  printf '%-20s %12s %8s %8s %9s\n' "$t" "${execs:-?}" "${secs:-?}" "${cov:-?}" "$found"
  if [ "$found" -gt 0 ] || ! grep -q 'stat::number_of_executed_units' "$log"; then
    status=1
    echo "--- $t: findings in $work/findings/$t; log $log:"
    grep -E 'ERROR|runtime error|terminate|what\(\)|SUMMARY' "$log" | head -5 || true
  fi
done
exit $status
