#!/usr/bin/env bash
# Runs one shard of a kvsim sweep and writes its JSON result to OUTDIR/shards/.
#
#   scripts/sweep-shard.sh SCENARIO.yaml OUTDIR [INDEX COUNT]
#
# INDEX is 1-based. Without INDEX and COUNT, they come from the scheduler:
#   Slurm job array:         SLURM_ARRAY_TASK_ID (submit with --array=1-N), SLURM_ARRAY_TASK_COUNT
#   Kubernetes indexed Job:  JOB_COMPLETION_INDEX + 1 (0-based there), KVSIM_SHARDS (= completions)
# KVSIM names the kvsim binary (default: kvsim on PATH); KVSIM_THREADS the threads per shard
# (default: SLURM_CPUS_PER_TASK, else all CPUs). Combine the shards with scripts/sweep-merge.sh.
set -euo pipefail

if [ $# -ne 2 ] && [ $# -ne 4 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
scenario=$1
out=$2
if [ $# -eq 4 ]; then
  index=$3
  count=$4
elif [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  index=$SLURM_ARRAY_TASK_ID
  count=${SLURM_ARRAY_TASK_COUNT:?SLURM_ARRAY_TASK_COUNT is not set; submit with --array=1-N}
elif [ -n "${JOB_COMPLETION_INDEX:-}" ]; then
  index=$((JOB_COMPLETION_INDEX + 1))
  count=${KVSIM_SHARDS:?set KVSIM_SHARDS to the Job\'s completions}
else
  echo "sweep-shard.sh: give INDEX COUNT, or run it as a Slurm array task or Kubernetes indexed Job" >&2
  exit 2
fi

threads=${KVSIM_THREADS:-${SLURM_CPUS_PER_TASK:-}}
"${KVSIM:-kvsim}" run "$scenario" --shard "$index/$count" --format json --out "$out/shards" \
  --yes ${threads:+--threads "$threads"}
