#!/usr/bin/env bash
# The whole test suite (unit and CLI tests) built with the `asan` preset: address and undefined-
# behaviour sanitizers, any report fatal (-fno-sanitize-recover=all). Fails CI on any finding.
set -euo pipefail
start=$(date +%s)
echo "asan: building the asan preset and running every test under address + UB sanitizers"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan -j2
echo "asan: passed in $(($(date +%s) - start)) s"
