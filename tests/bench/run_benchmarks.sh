#!/usr/bin/env bash
# Builds the release preset and prints the simulator's speed figures, pinned to one core.
#   tests/bench/run_benchmarks.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake --preset default >/dev/null
cmake --build --preset default --target kvsim kvsim_predict_bench kvsim_replay_bench kvsim_trace_bench >/dev/null
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

echo
echo "== kvsim replay: Azure-conversation-shaped traces, Llama-3.1-70B TP 4 on H100, paged + prefix cache"
echo "   (target: 1,000,000 requests in <= 2 s and <= 1 GB peak memory on one core)"
echo "-- growth with trace length"
for n in 10000 100000 1000000; do
  $pin $bin/tests/kvsim_replay_bench --requests $n
done
echo "-- growth with output length (100,000 requests; outputs scaled)"
for x in 0.5 1 2 4; do
  $pin $bin/tests/kvsim_replay_bench --requests 100000 --output-scale $x
done

echo
echo "== trace readers: 1,000,000 generated rows per format (read, parse, finalize)"
$pin $bin/tests/kvsim_trace_bench --rows 1000000
