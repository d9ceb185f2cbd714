#!/usr/bin/env bash
# Command 2: every test. Installs Azurite from package-lock.json if missing; the tests start their own Azurite.
set -euo pipefail
cd "$(dirname "$0")/.."
# ./eng/test.sh --repeat N [--busy] [--fresh]: the suite N times, idle or with every core busy (docs/reliability.md).
if [ "${1:-}" = "--repeat" ]; then exec bash eng/test-repeat.sh "$@"; fi
if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  npm ci --no-audit --no-fund --loglevel=error
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
