#!/usr/bin/env bash
# The checked-in reports of the shipped scenarios (reports/scenarios/) are what the current code
# produces: regenerate them into a temporary directory and compare.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "regenerating the shipped scenarios' reports into $tmp"
scripts/regen-reports.sh "$tmp"
if ! diff -r reports/scenarios "$tmp" > "$tmp.diff"; then
  head -n 40 "$tmp.diff"
  echo "reports/scenarios is out of date: run scripts/regen-reports.sh and commit the result" >&2
  rm -f "$tmp.diff"
  exit 1
fi
rm -f "$tmp.diff"
echo "reports/scenarios is up to date"
