#!/usr/bin/env bash
# Builds and lints infra/ with the Bicep CLI, failing on any error and on any warning (compiler or linter).
# The CLI comes from NuGet (eng/tools/bicep.proj, restored on first use), so CI needs nothing but the .NET SDK.
# The ARM template is built into a temporary folder: infra/main.json is never written or committed.
#
# Usage: eng/bicep.sh [--outdir DIR]
#   --outdir DIR  keep the built ARM template (DIR/main.json), for tests that check what it declares
#
# infra/bicepconfig.json sets the linter rules; `use-recent-api-versions` is off there because it compares API
# versions with today's date, so the same commit would start failing months later. Run it by hand now and then:
#   "$(eng/bicep.sh --path)" lint infra/main.bicep   after switching the rule to "warning".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proj="$root/eng/tools/bicep.proj"
version="$(sed -n 's:.*<BicepVersion>\(.*\)</BicepVersion>.*:\1:p' "$proj")"
packages="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')"
bicep="${packages%/}/azure.bicep.commandline.linux-x64/$version/tools/bicep"

if [[ ! -f "$bicep" ]]; then
  echo "bicep: restoring Azure.Bicep.CommandLine.linux-x64 $version from NuGet" >&2
  dotnet restore "$proj" --nologo >&2
fi
if [[ ! -f "$bicep" ]]; then
  echo "bicep: $bicep not found after restoring $proj." >&2
  exit 1
fi
[[ -x "$bicep" ]] || chmod +x "$bicep" # NuGet extraction does not always keep the executable bit

if [[ "${1:-}" == "--path" ]]; then
  echo "$bicep"
  exit 0
fi

keep=""
if [[ "${1:-}" == "--outdir" ]]; then
  keep="${2:?eng/bicep.sh: --outdir needs a folder}"
  mkdir -p "$keep"
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/leadfunctions-bicep.XXXXXX")"
trap 'rm -rf "$out"' EXIT
"$bicep" --version

failed=0
# Runs one bicep command; fails on a non-zero exit and on any diagnostic it prints ("file(line,col) : Warning ...").
check() {
  local log="$out/log"
  if ! "$bicep" "$@" >"$log" 2>&1; then failed=1; fi
  cat "$log"
  if grep -Eq '\) : (Warning|Error) ' "$log"; then failed=1; fi
}

echo "bicep: build infra/main.bicep"
check build "$root/infra/main.bicep" --outdir "${keep:-$out}"

while IFS= read -r -d '' file; do
  echo "bicep: lint ${file#"$root"/}"
  check lint "$file"
done < <(find "$root/infra" -name '*.bicep' -print0 | sort -z)

if (( failed )); then
  echo "bicep: FAILED: fix the errors and warnings above." >&2
  exit 1
fi
echo "bicep: infra builds and lints clean."
