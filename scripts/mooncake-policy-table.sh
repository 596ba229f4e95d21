#!/usr/bin/env bash
# Replays the shipped Mooncake conversation sample (2,000 requests) under five KV policies and
# prints a Markdown table: KV bytes per token, peak KV per GPU, prefix hit rate, p99 TTFT, output
# throughput and preemptions. Deployment: Llama-3.1-70B, TP 4 on H100 SXM, 8 replicas routed by
# prefix, prefix cache on.
#   scripts/mooncake-policy-table.sh [extra kvsim replay flags]
set -euo pipefail
cd "$(dirname "$0")/.."
kvsim=build/default/kvsim
[ -x "$kvsim" ] || { cmake --preset default >/dev/null && cmake --build --preset default --target kvsim >/dev/null; }
trace=scenarios/traces/mooncake_conversation_sample.jsonl
common=(--trace "$trace" --model llama-3.1-70b --hardware h100-sxm --tp 4 --replicas 8
        --router prefix_aware --sharing prefix --json "$@")

read -r -d '' per_token_py <<'PY' || true
import json, sys
d = json.load(sys.stdin)
print("{:,}".format(d["kv_bytes_per_token"]["per_gpu"]))
PY
read -r -d '' row_py <<'PY' || true
import json, sys
d = json.load(sys.stdin)
name, per_token = sys.argv[1], sys.argv[2]
kv, pc, ttft = d["kv"], d["prefix_cache"], d["latency_s"]["ttft"]
print("| {} | {} | {:.2f} | {:.1f} % | {:.2f} | {:.0f} | {} |".format(
    name, per_token, kv["peak_used_bytes"] / 2**30, pc["hit_rate"] * 100, ttft["p99"],
    d["throughput"]["output_tokens_per_s"], d["scheduling"]["preemptions"]))
PY

row() {
  local name=$1; shift
  local per_token
  per_token=$("$kvsim" capacity --model llama-3.1-70b --hardware h100-sxm --tp 4 --context 8192 \
                --json "$@" | python3 -c "$per_token_py")
  "$kvsim" replay "${common[@]}" "$@" | python3 -c "$row_py" "$name" "$per_token"
}

echo "| policy | KV B/token/GPU | peak KV GiB/GPU | prefix hit rate | p99 TTFT s | output tok/s | preemptions |"
echo "|---|---:|---:|---:|---:|---:|---:|"
row "MHA-equivalent (64 KV heads)" --attention mha
row "GQA (the model: 8 KV heads, bf16)"
row "MLA what-if (512 + 64 latent)" --attention mla:latent_dim=512,rope_dim=64
row "FP8 KV (GQA)" --kv-dtype fp8
row "sliding window 4096 (GQA)" --window 4096
