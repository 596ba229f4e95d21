#!/usr/bin/env python3
"""Builds tests/golden/run_fixture.json, a hand-assembled `kvsim run` result (schema_version 1, see
docs/reports.md) for the HTML writer and the CI gate, from real kvsim outputs:

  replay   `kvsim replay --json` of scenarios/traces/azure_conv_2023_sample.csv, Llama-3.1-70B, TP 2
  memory   `kvsim capacity --json` of the same deployment
  roofline operators: `kvsim predict` times of one decode step's and one 2048-token prefill chunk's
           main operators at the replay's mean batch and context; FLOPs and HBM bytes counted here
  cost     profile price per GPU-hour + energy (idle + (TDP - idle) x busy fraction, PUE 1.3,
           $0.12/kWh); $/Mtok = $/hour / (tokens per hour / 1e6)

Sweep: hardware [h100-sxm, h200, l40s] x kv.precision [bf16, fp8]; the L40S points fail (the weights
leave no KV memory at TP 2), as they do in `kvsim replay`. SLO: TTFT p99 <= 2.5 s, TPOT p99 <= 0.25 s.

Usage: tests/golden/make_run_fixture.py build/default/kvsim > tests/golden/run_fixture.json
Until `kvsim run --format json` exists this script stands in for it; it is not run by the tests.
"""

import csv
import io
import json
import subprocess
import sys

KVSIM = sys.argv[1] if len(sys.argv) > 1 else "build/default/kvsim"
TRACE = "scenarios/traces/azure_conv_2023_sample.csv"
MODEL = "llama-3.1-70b"
TP = 2
SLO_TTFT_S, SLO_TPOT_S = 2.5, 0.25
HARDWARE = ["h100-sxm", "h200", "l40s"]
PRECISIONS = ["bf16", "fp8"]
PRICE = {"h100-sxm": 3.99, "h200": 4.29, "l40s": 1.86}  # hardware_profiles/*.yaml price values
POWER_W = {"h100-sxm": (70, 700), "h200": (120, 700), "l40s": (35, 350)}  # idle, TDP
PEAKS = {  # hardware_profiles/*.yaml: HBM and L2 GB/s, tensor TFLOP/s
    "h100-sxm": (3350, 9800, {"bf16": 989, "fp8": 1979}),
    "h200": (4800, 9800, {"bf16": 989, "fp8": 1979}),
}
PUE, USD_PER_KWH = 1.3, 0.12
# Llama-3.1-70B per GPU at TP 2: 32 of 64 query heads, 4 of 8 KV heads, head_dim 128.
HIDDEN, INTER, QH, KVH, HD = 8192, 28672, 32, 4, 128


def kvsim(*args):
    return subprocess.run([KVSIM, *args], check=True, capture_output=True, text=True).stdout


COLUMNS = ["op", "m", "n", "k", "dtype", "batch", "q_len", "kv_len", "q_heads", "kv_heads",
           "head_dim", "kv_dtype"]


def operators(hw, precision, batch, kv_len):
    kv_bytes = {"bf16": 2, "fp8": 1}[precision]
    qkv = (QH + 2 * KVH) * HD
    gemm = lambda m, n, k: {"op": "gemm", "m": m, "n": n, "k": k, "dtype": "bf16"}
    rows = [  # name, phase, predict row, flops, hbm bytes (bf16 weights and activations)
        ("qkv_proj", "decode", gemm(batch, qkv, HIDDEN), 2 * batch * qkv * HIDDEN,
         2 * (batch * HIDDEN + HIDDEN * qkv + batch * qkv)),
        ("mlp_up", "decode", gemm(batch, INTER, HIDDEN), 2 * batch * INTER * HIDDEN,
         2 * (batch * HIDDEN + HIDDEN * INTER + batch * INTER)),
        ("attention", "decode",
         {"op": "decode_attention", "batch": batch, "kv_len": kv_len, "q_heads": QH,
          "kv_heads": KVH, "head_dim": HD, "kv_dtype": precision},
         4 * batch * QH * kv_len * HD,
         batch * kv_len * KVH * HD * 2 * kv_bytes + 2 * batch * QH * HD * 2),
        ("mlp_up", "prefill", gemm(2048, INTER, HIDDEN), 2 * 2048 * INTER * HIDDEN,
         2 * (2048 * HIDDEN + HIDDEN * INTER + 2048 * INTER)),
        ("attention", "prefill",
         {"op": "prefill_attention", "batch": 1, "q_len": 2048, "kv_len": 2048, "q_heads": QH,
          "kv_heads": KVH, "head_dim": HD, "dtype": "bf16"},
         2 * 2048 * 2048 * QH * HD, 2 * (2 * 2048 * QH * HD + 2 * 2048 * KVH * HD)),
    ]
    with open("/tmp/kvsim_fixture_ops.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow(r[2])
    out = list(csv.DictReader(io.StringIO(kvsim("predict", "--hardware", hw, "--ops",
                                                  "/tmp/kvsim_fixture_ops.csv"))))
    return [{"name": r[0], "phase": r[1], "flops": float(r[3]), "hbm_bytes": float(r[4]),
             "time_s": float(o["predicted_us"]) * 1e-6, "bound": o["bound"]}
            for r, o in zip(rows, out)]


def point(index, hw, precision):
    pid = f"p{index:04d}"
    label = f"hardware={hw}, kv.precision={precision}"
    params = {"hardware": hw, "kv.precision": precision}
    args = ["--model", MODEL, "--hardware", hw, "--tp", str(TP), "--kv-dtype", precision]
    try:
        replay = json.loads(kvsim("replay", "--trace", TRACE, *args, "--slo-ttft", str(SLO_TTFT_S),
                                  "--slo-tpot", str(SLO_TPOT_S), "--timeline-points", "64",
                                  "--json"))
    except subprocess.CalledProcessError as e:
        message = e.stderr.strip().removeprefix("kvsim: error: KV options: ")
        return {"id": pid, "label": label, "params": params, "status": "error",
                "error": f"scenarios/chat_70b_tp2.yaml:5:11: error: hardware: {message}"}
    cap = json.loads(kvsim("capacity", *args, "--json"))
    mem = cap["memory_per_gpu"]
    hw_name = cap["hardware"]["display_name"]
    tl = [b for b in replay["timeline"] if b["busy_fraction"] > 0]
    batch = max(1, round(sum(b["running_mean"] for b in tl) / len(tl)))
    thr = replay["throughput"]
    reqs = replay["requests"]["completed"]
    kv_len = round(replay["prefix_cache"]["prompt_tokens"] / reqs +
                   thr["output_tokens_per_s"] * thr["makespan_s"] / reqs / 2)
    hbm, l2, peaks = PEAKS[hw]
    busy = replay["hardware_use"]["busy_s"] / thr["makespan_s"]
    idle_w, tdp_w = POWER_W[hw]
    gpus = replay["deployment"]["gpus"]
    energy = gpus * (idle_w + (tdp_w - idle_w) * busy) / 1000 * PUE * USD_PER_KWH
    per_hour = PRICE[hw] * gpus + energy
    tok_in_h = thr["input_tokens_per_s"] * 3600 / 1e6
    tok_out_h = thr["output_tokens_per_s"] * 3600 / 1e6
    lat = replay["latency_s"]
    met = lat["ttft"]["p99"] <= SLO_TTFT_S and lat["tpot"]["p99"] <= SLO_TPOT_S
    cost = {"usd_per_gpu_hour": PRICE[hw], "gpus": gpus, "energy_usd_per_hour": energy,
            "usd_per_hour": per_hour, "usd_per_mtok_input": per_hour / tok_in_h,
            "usd_per_mtok_output": per_hour / tok_out_h,
            "usd_per_mtok": per_hour / (tok_in_h + tok_out_h),
            "usd_per_request": per_hour / (thr["requests_per_s"] * 3600)}
    return {
        "id": pid, "label": label, "params": params, "status": "ok",
        "deployment": {"model": MODEL, "hardware": hw, "hardware_name": hw_name, "tp": TP, "pp": 1,
                       "replicas": 1, "gpus": gpus,
                       "kv_policy": replay["deployment"]["kv_policy"],
                       "engine": replay["deployment"]["engine"]},
        "memory": {"per_gpu": {"capacity_bytes": mem["device_bytes"],
                               "weights_bytes": mem["weights_bytes"],
                               "activations_bytes": mem["activation_bytes"],
                               "runtime_reserved_bytes": mem["runtime_reserve_bytes"],
                               "kv_budget_bytes": mem["kv_budget_bytes"],
                               "peak_kv_used_bytes": replay["kv"]["peak_used_bytes"]}},
        "replay": replay,
        "roofline": {"hardware": hw,
                     "ceilings": {"hbm_bytes_per_s": hbm * 1e9, "l2_bytes_per_s": l2 * 1e9,
                                  "peak_flops": {k: v * 1e12 for k, v in peaks.items()}},
                     "operators": operators(hw, precision, batch, kv_len)},
        "cost": cost,
        "slo": {"ttft_s": SLO_TTFT_S, "ttft_percentile": 99, "tpot_s": SLO_TPOT_S,
                "tpot_percentile": 99, "met": met},
        "metrics": {
            "cost_per_mtok": cost["usd_per_mtok"], "cost_per_request": cost["usd_per_request"],
            "ttft_p50": lat["ttft"]["p50"], "ttft_p99": lat["ttft"]["p99"],
            "tpot_p50": lat["tpot"]["p50"], "tpot_p99": lat["tpot"]["p99"],
            "e2e_p99": lat["e2e"]["p99"], "peak_kv_bytes": replay["kv"]["peak_used_bytes"],
            "output_tokens_per_s": thr["output_tokens_per_s"],
            "input_tokens_per_s": thr["input_tokens_per_s"],
            "goodput_requests_per_s": thr["goodput_requests_per_s"],
            "slo_attainment": thr["slo_attainment"],
            "prefix_hit_rate": replay["prefix_cache"]["hit_rate"],
            "preemptions": replay["scheduling"]["preemptions"],
            "dropped": replay["requests"]["dropped"], "slo_met": 1 if met else 0},
    }


def main():
    points = []
    for h, hw in enumerate(HARDWARE):
        for p, precision in enumerate(PRECISIONS):
            points.append(point(h * len(PRECISIONS) + p, hw, precision))
    doc = {
        "schema_version": 1, "kvsim_version": "0.1.0", "command": "run",
        "scenario": {"name": "chat-70b-tp2",
                     "description": "Llama-3.1-70B chat (Azure conversation sample) on two GPUs: "
                                    "which GPU and KV precision meet the SLO, and at what cost?",
                     "file": "scenarios/chat_70b_tp2.yaml"},
        "sweep": {"axes": [{"key": "hardware", "values": HARDWARE},
                           {"key": "kv.precision", "values": PRECISIONS}],
                  "points": len(points), "shard": {"index": 1, "count": 1}},
        "points": points,
    }
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
