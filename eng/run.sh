#!/usr/bin/env bash
# Command 1: run LeadFunctions locally in standalone mode, against Azurite.
# Installs what is missing (Azurite from package-lock.json, NuGet packages), starts Azurite on its default ports
# unless something already answers there, then starts the app on http://127.0.0.1:7071.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  echo "Installing Azurite (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "Created local.settings.json from local.settings.sample.json (edit it to change settings)."
fi

mkdir -p .azurite
azurite_pid=""
cleanup() { if [ -n "$azurite_pid" ]; then kill "$azurite_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM

if (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null; then
  echo "Azurite (or another queue service) already answers on 127.0.0.1:10001; using it."
else
  node node_modules/.bin/azurite --silent --location .azurite --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 > .azurite/azurite.log 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 100); do
    if (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "Started Azurite (data in .azurite/, log in .azurite/azurite.log)."
fi

echo "Building the app..."
if ! dotnet build LeadFunctions --nologo -v quiet > .azurite/build.log 2>&1; then
  cat .azurite/build.log >&2
  exit 1
fi

key=$(python3 -c 'import json;print(json.load(open("local.settings.json"))["Values"]["Intake__Keys"].split(";")[0])' 2>/dev/null || echo local-dev-key)
url="http://127.0.0.1:7071/api/leads?code=${key}"
cat <<MSG

Lead endpoint: ${url}
Post Microsoft's sample lead:
  curl -i -X POST '${url}' -H 'Content-Type: application/json' --data @LeadFunctions.Testing/Samples/documented-sample-lead.json
Leads land in table MarketplaceLeads of the local storage emulator (Destinations__Default=Table). Ctrl+C stops.

MSG
dotnet LeadFunctions/bin/Debug/net10.0/LeadFunctions.dll
