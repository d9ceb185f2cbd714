#!/usr/bin/env bash
# Command 2: every test. Installs Azurite from package-lock.json if missing; the tests start their own Azurite.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
dotnet test LeadFunctions.sln --nologo "$@"
