#!/usr/bin/env bash
# Command 2: every test. Installs Azurite from package-lock.json and clang if missing; the tests start their own Azurite.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# The package tests build the handler with Native AOT (eng/package.sh), which links with clang. A fresh machine may
# lack it: install it when this user can (root or password-less sudo, apt-get); otherwise the package tests check
# the composite ReadyToRun fallback instead, and this says so.
if ! command -v clang >/dev/null 2>&1 && ! compgen -c clang- 2>/dev/null | grep -qE '^clang-[0-9]+$'; then
  sudo=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; fi
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; }; then
    echo "test: installing clang (Native AOT links with it)..."
    $sudo apt-get install -y -q clang >/dev/null || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q clang >/dev/null; } \
      || echo "test: could not install clang; the package tests check the composite ReadyToRun fallback." >&2
  else
    echo "test: clang is not installed and cannot be installed here; the package tests check the composite ReadyToRun fallback." >&2
  fi
fi

results=artifacts/test-results
rm -rf "$results"
status=0
dotnet test LeadFunctions.sln --nologo --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@" || status=$?

# One plain closing line with the totals, whatever the runner printed above.
python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit "$status"
