#!/usr/bin/env bash
# Merges the shard results that scripts/sweep-shard.sh wrote to OUTDIR/shards/ into
# OUTDIR/RESULT.json (and .md, .csv, .html beside it): the same bytes a single `kvsim run` writes.
#
#   scripts/sweep-merge.sh OUTDIR RESULT
#
# KVSIM names the kvsim binary (default: kvsim on PATH).
set -euo pipefail

if [ $# -ne 2 ]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
out=$1
result=$2
shopt -s nullglob
shards=("$out"/shards/*.shard-*-of-*.json)
if [ ${#shards[@]} -eq 0 ]; then
  echo "sweep-merge.sh: no shard results in $out/shards" >&2
  exit 2
fi
"${KVSIM:-kvsim}" merge "$out/$result.json" "${shards[@]}" --format json,md,csv,html
