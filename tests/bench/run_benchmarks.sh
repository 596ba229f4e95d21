#!/usr/bin/env bash
# Builds the release preset and prints the simulator's speed figures, pinned to one core.
#   tests/bench/run_benchmarks.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake --preset default >/dev/null
cmake --build --preset default --target kvsim kvsim_predict_bench >/dev/null
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
bin=build/default
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== kvsim predict, 100,000 operator rows (target: under 1 s on one core)"
$pin $bin/tests/kvsim_predict_bench --rows 100000
$bin/tests/kvsim_predict_bench --rows 100000 --write "$tmp/ops.csv"
start=$(date +%s.%N)
$pin $bin/kvsim predict --hardware h100-sxm --ops "$tmp/ops.csv" --out "$tmp/pred.csv" 2>/dev/null
end=$(date +%s.%N)
echo "kvsim predict CLI end to end (load profile, parse, predict, write CSV): $(echo "$end - $start" | bc) s"
