#!/usr/bin/env bash
# The Azure-shaped run (docs/deploy.md, "The Azure-shaped run"): the published package, configured with the app
# settings infra/main.bicep gives the function app, using managed identity only — a local managed-identity endpoint,
# Azurite in OAuth mode over HTTPS, and an Application Insights stand-in that accepts only Entra ID tokens. No
# connection string, no account key. The same run the tests use (LeadFunctions.Tests/AzureShaped/).
#
# Usage: ./eng/azure-run.sh [port]   (default 7071); Ctrl+C stops it and prints what arrived.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  echo "Installing Azurite (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error
fi

mkdir -p artifacts/azure-run
echo "Publishing the package and building the stand-ins..."
if ! { eng/package.sh artifacts/azure-run/functionapp && dotnet build LeadFunctions.Tests --nologo -v quiet; } > artifacts/azure-run/build.log 2>&1; then
  cat artifacts/azure-run/build.log >&2
  exit 1
fi

exec dotnet LeadFunctions.Tests/bin/Debug/net10.0/LeadFunctions.Tests.dll --azure-shaped artifacts/azure-run/functionapp "${1:-7071}"
