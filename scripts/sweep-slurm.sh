#!/usr/bin/env bash
# Submits a kvsim sweep to Slurm: a job array with one task per shard, then a merge job that runs
# when every task has succeeded.
#
#   scripts/sweep-slurm.sh SCENARIO.yaml SHARDS OUTDIR [sbatch options...]
#
# Example: scripts/sweep-slurm.sh scenarios/sku-comparison.yaml 16 /scratch/sweep \
#            --partition=cpu --cpus-per-task=4 --time=00:30:00
# Results: OUTDIR/shards/*.json per task, then OUTDIR/<scenario>.{json,md,csv,html}.
# Each task runs scripts/sweep-shard.sh, which reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT.
# KVSIM (exported to the jobs) names the kvsim binary; SBATCH (default sbatch) the submitter.
set -euo pipefail

if [ $# -lt 3 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
scenario=$1
shards=$2
out=$3
shift 3
case $shards in
  '' | *[!0-9]* | 0) echo "sweep-slurm.sh: SHARDS must be a positive integer" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
sbatch=${SBATCH:-sbatch}
mkdir -p "$out"
# Validate once before queueing anything (every point's spec, workloads, files).
"${KVSIM:-kvsim}" check "$scenario" >/dev/null

array=$("$sbatch" --parsable --array="1-$shards" --job-name=kvsim-sweep \
  --output="$out/slurm-%A_%a.out" --export=ALL "$@" \
  --wrap="$(printf '%q ' "$here/sweep-shard.sh" "$scenario" "$out")")
array=${array%%;*}
merge=$("$sbatch" --parsable --dependency="afterok:$array" --job-name=kvsim-merge \
  --output="$out/slurm-merge-%j.out" --export=ALL "$@" \
  --wrap="$(printf '%q ' "$here/sweep-merge.sh" "$out" "$(basename "$scenario" .yaml)")")
echo "submitted array job $array ($shards shards) and merge job ${merge%%;*}; results in $out"
