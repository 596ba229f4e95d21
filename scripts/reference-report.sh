#!/usr/bin/env bash
# Regenerates reports/validation/h100-sxm.md and .json: the shipped h100-sxm profile (calibrated on
# the `fit` half of validation/reference/) against the `heldout` half of the same public H100
# measurements. No GPU needed. Usage: scripts/reference-report.sh [OUT_DIR] (default
# reports/validation); KVSIM selects the binary (default build/default/kvsim).
set -euo pipefail
cd "$(dirname "$0")/.."
kvsim=${KVSIM:-build/default/kvsim}
"$kvsim" validate --hardware h100-sxm --split heldout --out "${1:-reports/validation}" --name h100-sxm \
  --measurements validation/reference/h100_sxm_gemm_trtllm.csv \
  --measurements validation/reference/h100_sxm_decode_attention_trtllm.csv \
  --measurements validation/reference/h100_dgx_all_reduce_vidur.csv
