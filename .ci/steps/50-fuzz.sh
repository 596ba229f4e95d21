#!/usr/bin/env bash
# Every parser's libFuzzer target (tests/fuzz/) for KVSIM_FUZZ_SECONDS (default 20) each, two at a
# time, from the seed corpus of shipped files and saved crashers. Fails CI on any crash, sanitizer
# report, leak, hang (10 s per input) or memory blow-up (2 GiB), and prints each target's
# executions. Needs clang and libFuzzer (Debian clang, libclang-rt-14-dev): installed if missing.
set -euo pipefail
start=$(date +%s)
packages=(clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
seconds=${KVSIM_FUZZ_SECONDS:-20}
echo "fuzz: building the fuzz preset and running each target for $seconds s"
tests/fuzz/run-fuzzers.sh -t "$seconds" -j 2
echo "fuzz: passed in $(($(date +%s) - start)) s"
