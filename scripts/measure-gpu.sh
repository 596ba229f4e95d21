#!/usr/bin/env bash
# Measures this machine's GPU with kvsim-bench, calibrates a hardware profile on the `fit` half of
# the measurements and publishes the model's error on the `heldout` half. One command; it needs an
# NVIDIA GPU, its driver and the CUDA toolkit (nvcc). It never changes clocks or GPU settings.
#
#   scripts/measure-gpu.sh [--gpu NAME] [--hardware PROFILE] [--quick] [--family F[,F...]]
#
#   --gpu NAME        directory and report name (default: derived from nvidia-smi, e.g. h100-sxm)
#   --hardware H      starting profile: built-in name or path (default: the --gpu name)
#   --quick           a few sizes per family (minutes instead of about an hour)
#   --family F,...    only these kernel families (kvsim-bench --list)
#
# Writes validation/measurements/<gpu>/<family>.csv (+ waived.csv), the calibrated profile and
# calibration report under reports/validation/<gpu>-calibration/, and the held-out error report
# reports/validation/<gpu>.md and .json. Build directory: build/cuda (CUDA_ARCHITECTURES overrides
# the default sm_90).
set -euo pipefail
cd "$(dirname "$0")/.."

gpu="" hardware="" bench_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --gpu) gpu="$2"; shift 2 ;;
    --hardware) hardware="$2"; shift 2 ;;
    --quick) bench_args+=(--quick); shift ;;
    --family) bench_args+=(--family "$2"); shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "measure-gpu: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

command -v nvidia-smi >/dev/null || { echo "measure-gpu: nvidia-smi not found: this needs an NVIDIA GPU" >&2; exit 1; }
if [ -z "$gpu" ]; then
  name=$(nvidia-smi --query-gpu=name --format=csv,noheader -i 0)
  case "$name" in
    *H100*PCIe*) gpu=h100-pcie ;;
    *H100*) gpu=h100-sxm ;;
    *H200*) gpu=h200 ;;
    *B200*) gpu=b200 ;;
    *A100*80GB*) gpu=a100-80gb ;;
    *L40S*) gpu=l40s ;;
    *) gpu=$(echo "$name" | tr '[:upper:] ' '[:lower:]-' | tr -cd 'a-z0-9-') ;;
  esac
  echo "measure-gpu: '$name' -> $gpu"
fi
hardware=${hardware:-$gpu}
build=build/cuda
out=validation/measurements/$gpu
report=reports/validation

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKVSIM_CUDA=ON -DKVSIM_BUILD_TESTS=OFF \
  ${CUDA_ARCHITECTURES:+-DCMAKE_CUDA_ARCHITECTURES=$CUDA_ARCHITECTURES}
cmake --build "$build" --target kvsim kvsim-bench
kvsim=$build/kvsim
if [ ! -f "$hardware" ] && ! "$kvsim" list hardware | awk '{print $1}' | grep -qx -- "$hardware"; then
  echo "measure-gpu: no built-in hardware profile '$hardware': pass --hardware PROFILE.yaml" >&2
  exit 2
fi

mkdir -p "$out"
"$build/validation/kvsim-bench" --out "$out" \
  --git-rev "$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)" "${bench_args[@]}" || {
  echo "measure-gpu: some cases failed their correctness check (see $out/waived.csv);" \
       "their times are not used. Not calibrating." >&2
  exit 1
}

files=()
for f in "$out"/*.csv; do
  [ "$(basename "$f")" = waived.csv ] || files+=(--measurements "$f")
done
mkdir -p "$report/$gpu-calibration"
"$kvsim" calibrate --hardware "$hardware" "${files[@]}" --split fit --heldout heldout \
  --out "$report/$gpu-calibration/profile.yaml" --report "$report/$gpu-calibration"
"$kvsim" validate --hardware "$report/$gpu-calibration/profile.yaml" --before "$hardware" \
  "${files[@]}" --split heldout --out "$report" --name "$gpu"
echo "measure-gpu: measurements in $out, error report $report/$gpu.md"
