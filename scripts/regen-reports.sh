#!/usr/bin/env bash
# Regenerates the reports of the shipped scenarios (reports/scenarios/) and the golden test
# outputs (tests/golden/), from the repository root:
#
#   scripts/regen-reports.sh [OUTDIR]
#
# With OUTDIR, writes the scenario reports there instead (CI compares them with reports/scenarios;
# .ci/steps/20-reports-up-to-date.sh) and leaves tests/golden alone. KVSIM names the kvsim binary
# (default build/default/kvsim); KVSIM_THREADS the threads per scenario (default: all CPUs).
set -euo pipefail
cd "$(dirname "$0")/.."
kvsim=${KVSIM:-build/default/kvsim}
out=${1:-reports/scenarios}
threads=${KVSIM_THREADS:+--threads $KVSIM_THREADS}

if [ -z "${1:-}" ]; then
  rm -f reports/scenarios/*.json reports/scenarios/*.md reports/scenarios/*.csv reports/scenarios/*.html
fi
for scenario in scenarios/*.yaml; do
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  "$kvsim" run "$scenario" --out "$out" --format json,md,csv,html $threads 2>/dev/null
  ms=$((($(date +%s%N) - start) / 1000000))
  printf '%-45s %4d.%01d s\n' "$scenario" $((ms / 1000)) $((ms % 1000 / 100))
done
if [ -z "${1:-}" ]; then
  "$kvsim" run tests/golden/small.yaml --out tests/golden --format json,md,csv 2>/dev/null
  echo "tests/golden/small.{json,md,csv}"
fi
