#!/usr/bin/env bash
# Builds the seed corpus of every fuzz target from the files the project ships, into OUT/<target>/:
# hardware profiles, model YAMLs, Hugging Face configs, scenarios, the test traces and the first
# lines of each sample trace, the first rows of the validation reference CSVs, the hand-written
# seeds in tests/fuzz/seeds/<target>/ and every saved crasher in tests/fuzz/regressions/<target>/.
# Also writes OUT/<target>.dict for libFuzzer's -dict: numbers.dict plus every key and column
# name (word) of the target's seeds, so mutations can produce valid keys.
#   tests/fuzz/seed-corpus.sh OUT
set -euo pipefail
out=${1:?usage: seed-corpus.sh OUT}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

seed() {  # seed TARGET FILE...
  local t=$1
  shift
  mkdir -p "$out/$t"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$out/$t/$(echo "$f" | tr '/' '_')"
  done
  return 0
}
slice() {  # slice TARGET LINES FILE...: the first LINES lines of each file
  local t=$1 n=$2
  shift 2
  mkdir -p "$out/$t"
  for f in "$@"; do
    head -n "$n" "$f" >"$out/$t/head${n}_$(echo "$f" | tr '/' '_')"
  done
}

seed hardware_profile hardware_profiles/*.yaml
seed model_yaml scenarios/models/*.yaml
seed hf_config tests/data/models/*.json
seed scenario scenarios/*.yaml
for t in trace_detect trace_azure trace_mooncake trace_burstgpt trace_bailian trace_native_csv \
  trace_native_jsonl; do
  seed "$t" tests/data/traces/*.csv tests/data/traces/*.jsonl tests/data/traces/*.txt
  slice "$t" 40 scenarios/traces/*.csv scenarios/traces/*.jsonl
done
slice operator_csv 30 validation/reference/*.csv
slice measurement_csv 30 validation/reference/*.csv
for dir in tests/fuzz/seeds/* tests/fuzz/regressions/*; do
  [ -d "$dir" ] || continue
  seed "$(basename "$dir")" "$dir"/*
done

for dir in "$out"/*/; do
  t=$(basename "$dir")
  {
    cat tests/fuzz/numbers.dict
    cat "$dir"* 2>/dev/null | grep -aoE '[A-Za-z_][A-Za-z0-9_]{1,30}' | sort -u |
      head -n 2000 | sed 's/.*/"&"/'
  } >"$out/$t.dict"
done
