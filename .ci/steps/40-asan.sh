#!/usr/bin/env bash
# The `asan` preset (clang -O1, address and undefined-behaviour sanitizers, any report fatal)
# builds the tests and the fuzz targets once, for two checks (so CI compiles the project twice):
#  1. the whole test suite (unit and CLI tests) under the sanitizers;
#  2. every parser's libFuzzer target for KVSIM_FUZZ_SECONDS (default 20) each, two at a time,
#     from the seed corpus of shipped files and saved crashers, failing on any crash, sanitizer
#     report, leak, hang (10 s per input) or memory blow-up (2 GiB), printing each target's runs.
# Needs clang and libFuzzer (Debian clang, libclang-rt-14-dev): installed if missing.
set -euo pipefail
start=$(date +%s)
packages=(clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "asan: installing ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "asan: building the asan preset (tests and fuzz targets)"
cmake --preset asan >/dev/null
cmake --build --preset asan
echo "asan: every test under address + UB sanitizers ($(($(date +%s) - start)) s elapsed)"
# The browser check of the HTML report is step 30's; it exercises Chromium, not kvsim.
ctest --preset asan -j2 -E '^html_chromium_check$'
seconds=${KVSIM_FUZZ_SECONDS:-20}
echo "asan: each fuzz target for $seconds s ($(($(date +%s) - start)) s elapsed)"
tests/fuzz/run-fuzzers.sh -t "$seconds" -j 2
echo "asan: passed in $(($(date +%s) - start)) s"
