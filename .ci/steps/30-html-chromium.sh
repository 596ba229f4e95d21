#!/usr/bin/env bash
# The HTML report in a real browser: renders tests/golden/run_fixture.json with `kvsim report
# --html`, then headless Chromium checks the DOM and screenshots of every plot
# (tests/html/check_html.py). Installs Chromium, a font and Python if missing; fails if they cannot
# be installed or Chromium cannot run.
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
dpkg-query -W -f='${Status}' fonts-dejavu-core 2>/dev/null | grep -q "install ok installed" ||
  missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
python3 tests/html/check_html.py --require-chromium --kvsim build/default/kvsim \
  --fixture tests/golden/run_fixture.json
