#!/usr/bin/env bash
# Long run: the largest shipped trace (scenarios/traces/mooncake_conversation_sample.jsonl, 2,000
# requests) replayed on Llama-3.1-70B, 4x H100 SXM, with prefix caching, at its own pace and
# stretched x10 and x100 in time (--rate-scale 0.1, 0.01). Prints the simulated span, steps, wall
# time and peak RSS (GNU time) of each, and fails when the x100 run's peak RSS exceeds the x10
# run's by more than 10 % + 2 MiB: the engine's memory must not grow with simulated time (the KV
# timeline is bounded by --timeline-points, the event queue by the requests in flight).
#   tests/bench/long_run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake --preset default >/dev/null
cmake --build --preset default --target kvsim >/dev/null
trace=scenarios/traces/mooncake_conversation_sample.jsonl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

printf '%-8s %14s %9s %9s %14s\n' scale simulated_h steps wall_s peak_rss_mib
declare -A rss
for scale in 1 10 100; do
  rate=$(echo "scale=6; 1 / $scale" | bc)
  /usr/bin/time -f '%e %M' -o "$tmp/time" $pin build/default/kvsim replay --trace "$trace" \
    --model llama-3.1-70b --hardware h100-sxm --tp 4 --sharing prefix --rate-scale "$rate" \
    --json >"$tmp/out.json"
  read -r wall kib <"$tmp/time"
  rss[$scale]=$kib
  python3 - "$tmp/out.json" "$scale" "$wall" "$kib" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["invariants_ok"], "replay broke an invariant"
assert d["requests"]["completed"] + d["requests"]["dropped"] == d["requests"]["arrived"]
print(f"x{sys.argv[2]:<7} {d['throughput']['makespan_s'] / 3600:14.1f} "
      f"{d['scheduling']['steps']:9d} {float(sys.argv[3]):9.2f} {int(sys.argv[4]) / 1024:14.1f}")
PY
done
limit=$((rss[10] * 110 / 100 + 2048))
if [ "${rss[100]}" -gt "$limit" ]; then
  echo "FAIL: peak RSS grew from $((rss[10] / 1024)) MiB (x10) to $((rss[100] / 1024)) MiB (x100)"
  exit 1
fi
echo "flat: peak RSS x100 = $((rss[100])) KiB, x10 = $((rss[10])) KiB (limit $limit KiB)"
