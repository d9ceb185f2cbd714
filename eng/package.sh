#!/usr/bin/env bash
# Builds the function-app package: the output of `dotnet publish` (linux-x64, ReadyToRun, framework-dependent: the
# platform's dotnet-isolated 10.0 stack brings the runtime) and a zip of it, for deployments without azd:
#
#   <out>/host.json, functions.metadata, worker.config.json, extensions.json, .azurefunctions/, LeadFunctions.dll, ...
#   <out>.zip                           the same files (`az functionapp deployment source config-zip`, docs/deploy.md)
#
# azd needs none of this: azure.yaml names the project and azd publishes it the same way (the project file sets the
# runtime and ReadyToRun for every `dotnet publish`).
#
# Usage: eng/package.sh [out-dir]        (default: artifacts/functionapp, relative to the current directory)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-artifacts/functionapp}"
out="${out%/}"
if [[ -z "$out" || "$out" == "." || "$out" == ".." ]]; then
  echo "package: give a folder to create, e.g. artifacts/functionapp (it is deleted and rebuilt)." >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
if [[ "$root" == "$out" || "$root" == "$out"/* ]]; then
  echo "package: $out would contain the repository; choose another output folder." >&2
  exit 1
fi
zipfile="$out.zip"

# A private build folder: packaging never rewrites LeadFunctions/obj (a linux-x64 restore would change
# project.assets.json under a running `dotnet build` or `dotnet test`).
build="$(mktemp -d "${TMPDIR:-/tmp}/leadfunctions-package.XXXXXX")"
trap 'rm -rf "$build"' EXIT
rm -rf "$out" "$zipfile"

echo "package: publishing LeadFunctions (linux-x64, ReadyToRun) into $out"
dotnet publish "$root/LeadFunctions/LeadFunctions.csproj" \
  --configuration Release \
  --artifacts-path "$build" \
  --output "$out" \
  --nologo -v quiet -clp:ErrorsOnly

for file in host.json functions.metadata worker.config.json extensions.json LeadFunctions.dll; do
  if [[ ! -f "$out/$file" ]]; then
    echo "package: $file is missing from the publish output; the Functions host could not run it." >&2
    exit 1
  fi
done

echo "package: zipping into $zipfile"
if command -v zip >/dev/null 2>&1; then
  (cd "$out" && zip -q -r -X "$zipfile" .)
elif command -v python3 >/dev/null 2>&1; then
  python3 - "$out" "$zipfile" <<'PY'
import os, sys, zipfile
source, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
    for folder, _, files in os.walk(source):
        for name in sorted(files):
            path = os.path.join(folder, name)
            archive.write(path, os.path.relpath(path, source))
PY
else
  echo "package: neither zip nor python3 is installed; cannot build $zipfile." >&2
  exit 1
fi

echo "package: done: $out ($(find "$out" -maxdepth 1 -mindepth 1 | wc -l) entries) and $zipfile"
