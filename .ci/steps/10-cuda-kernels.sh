#!/usr/bin/env bash
# The CUDA validation suite without a GPU: (1) the published H100 validation report is fresh;
# (2) when a CUDA toolkit is installed, the kernels and kvsim-bench build with nvcc (sm_90), and
# kvsim-bench lists its suite and writes it as an operator CSV that kvsim predict accepts. The
# kernels' algorithms (host mirrors vs fp64 references) and byte counts (vs the model's Work) are
# unit tests, run again here by name. Never runs a kernel: no GPU is needed.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "10-cuda-kernels: reports/validation/h100-sxm.{md,json} are what scripts/reference-report.sh writes"
KVSIM=build/default/kvsim scripts/reference-report.sh "$tmp" >/dev/null
diff -u reports/validation/h100-sxm.md "$tmp/h100-sxm.md"
cmp reports/validation/h100-sxm.json "$tmp/h100-sxm.json"

echo "10-cuda-kernels: no-GPU tests of the kernels' algorithms and byte counts"
ctest --preset default -R 'Validat|Microbench|StreamOp|LaunchOp|KvAppendOp' -j2 | tail -n 3

nvcc=""
if [ -x /usr/local/cuda/bin/nvcc ]; then
  nvcc=/usr/local/cuda/bin/nvcc
elif command -v nvcc >/dev/null; then
  nvcc=$(command -v nvcc)
fi
if [ -z "$nvcc" ]; then
  echo "10-cuda-kernels: no CUDA toolkit; kernels not built"
  exit 0
fi
bench=build/default/validation/kvsim-bench
if [ ! -x "$bench" ]; then  # the default preset did not find nvcc on PATH: build them here
  echo "10-cuda-kernels: building the kernels with $nvcc"
  cmake -S . -B build/cuda -G Ninja -DCMAKE_BUILD_TYPE=Release -DKVSIM_WERROR=ON -DKVSIM_CUDA=ON \
    -DCMAKE_CUDA_COMPILER="$nvcc" -DKVSIM_BUILD_TESTS=OFF >/dev/null
  cmake --build build/cuda --target kvsim-bench
  bench=build/cuda/validation/kvsim-bench
fi
"$bench" --list
"$bench" --ops "$tmp/suite.csv"
build/default/kvsim predict --hardware h100-sxm --ops "$tmp/suite.csv" --out "$tmp/predicted.csv"
echo "10-cuda-kernels: $(($(wc -l < "$tmp/predicted.csv") - 1)) suite rows predicted"
