#!/usr/bin/env bash
# The cluster scripts, run locally: shards as Slurm array tasks and as Kubernetes indexed-Job pods
# (their environment variables set by hand), merged, must equal a single run byte for byte; and
# sweep-slurm.sh must submit an array of the right size and a merge job depending on it (with a
# stand-in sbatch that records its arguments).
#   tests/scripts/sweep_scripts_test.sh KVSIM_BINARY SOURCE_DIR
set -euo pipefail
kvsim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$src"
export KVSIM=$kvsim KVSIM_THREADS=1
scenario=tests/golden/small.yaml

"$kvsim" run "$scenario" --format json,md --out "$work/single" 2>/dev/null

# Slurm: SLURM_ARRAY_TASK_ID is 1-based with --array=1-N.
for i in 1 2 3; do
  SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=3 scripts/sweep-shard.sh "$scenario" "$work/slurm" 2>/dev/null
done
scripts/sweep-merge.sh "$work/slurm" small 2>/dev/null
cmp "$work/slurm/small.json" "$work/single/small.json"
cmp "$work/slurm/small.md" "$work/single/small.md"

# Kubernetes: JOB_COMPLETION_INDEX is 0-based; the pods' command and env come from the YAML.
shards=$(sed -n 's/.*name: KVSIM_SHARDS, value: "\([0-9]*\)".*/\1/p' scripts/sweep-k8s.yaml)
completions=$(sed -n 's/^ *completions: \([0-9]*\).*/\1/p' scripts/sweep-k8s.yaml)
[ "$shards" = "$completions" ] || { echo "sweep-k8s.yaml: KVSIM_SHARDS $shards != completions $completions"; exit 1; }
grep -q '"/opt/kvsim/scripts/sweep-shard.sh", "/scenario/scenario.yaml", "/results"' scripts/sweep-k8s.yaml
for ((i = 0; i < shards; i++)); do
  JOB_COMPLETION_INDEX=$i KVSIM_SHARDS=$shards scripts/sweep-shard.sh "$scenario" "$work/k8s" 2>/dev/null
done
[ "$(ls "$work/k8s/shards" | wc -l)" = "$shards" ]
scripts/sweep-merge.sh "$work/k8s" small 2>/dev/null
cmp "$work/k8s/small.json" "$work/single/small.json"

# Submission: a stand-in sbatch.
cat > "$work/sbatch" <<'SB'
#!/usr/bin/env bash
echo "$*" >> "$SBATCH_LOG"
n=$(wc -l < "$SBATCH_LOG")
echo "100$n"
SB
chmod +x "$work/sbatch"
export SBATCH=$work/sbatch SBATCH_LOG=$work/sbatch.log
scripts/sweep-slurm.sh "$scenario" 5 "$work/submit" --partition=cpu >/dev/null
grep -q -- '--array=1-5 .*--partition=cpu .*sweep-shard.sh tests/golden/small.yaml' "$work/sbatch.log"
grep -q -- '--dependency=afterok:1001 .*sweep-merge.sh' "$work/sbatch.log"
[ "$(wc -l < "$work/sbatch.log")" = 2 ]
# A bad scenario is refused before anything is queued.
echo "name: x" > "$work/bad.yaml"
rm "$work/sbatch.log"
if scripts/sweep-slurm.sh "$work/bad.yaml" 2 "$work/submit" 2>/dev/null; then exit 1; fi
[ ! -e "$work/sbatch.log" ]
echo "sweep scripts: ok"
