#!/usr/bin/env bash
# Builds the folder the Azure Functions host runs (DESIGN 5) and a zip of it:
#
#   <out>/host.json                      the host's configuration, unchanged
#   <out>/<Function>/function.json       one folder per function (LeadFunctions/Functions/*)
#   <out>/<handler dir>/<executable>     the handler, self-contained linux-x64, ReadyToRun,
#                                        where host.json customHandler.description.defaultExecutablePath points
#   <out>.zip                            the same files, built here on Linux so the executable bit survives
#
# Usage: eng/package.sh [out-dir]        (default: artifacts/functionapp, relative to the current directory)
# azd runs it as the api service's prepackage hook (azure.yaml); deploy <out>.zip by hand otherwise (docs/deploy.md).
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
project="$root/LeadFunctions/LeadFunctions.csproj"

# The handler's path comes from host.json, so the host and this script cannot disagree about it.
executable="$(sed -n 's/.*"defaultExecutablePath"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$root/host.json")"
if [[ -z "$executable" || "$executable" == /* ]]; then
  echo "package: host.json customHandler.description.defaultExecutablePath must be a path relative to the app root (got '$executable')." >&2
  exit 1
fi
if [[ "$(basename "$executable")" != "LeadFunctions" ]]; then
  echo "package: defaultExecutablePath '$executable' must end in the handler's AssemblyName, LeadFunctions." >&2
  exit 1
fi
handler_dir="$out/$(dirname "$executable")"

# A private build folder: packaging never rewrites LeadFunctions/obj (a linux-x64 restore would change
# project.assets.json under a running `dotnet build` or `dotnet test`).
build="$(mktemp -d "${TMPDIR:-/tmp}/leadfunctions-package.XXXXXX")"
trap 'rm -rf "$build"' EXIT

rm -rf "$out" "$zipfile"
mkdir -p "$handler_dir"

echo "package: publishing the handler (self-contained linux-x64, composite ReadyToRun: the fastest cold start measured, see docs/benchmarks.md) into $handler_dir"
dotnet publish "$project" \
  --configuration Release \
  --runtime linux-x64 \
  --self-contained true \
  -p:PublishReadyToRun=true \
  -p:PublishReadyToRunComposite=true \
  --artifacts-path "$build" \
  --output "$handler_dir" \
  --nologo

cp "$root/host.json" "$out/host.json"
shopt -s nullglob
functions=("$root"/LeadFunctions/Functions/*/function.json)
if (( ${#functions[@]} == 0 )); then
  echo "package: no LeadFunctions/Functions/*/function.json found." >&2
  exit 1
fi
for binding in "${functions[@]}"; do
  name="$(basename "$(dirname "$binding")")"
  mkdir -p "$out/$name"
  cp "$binding" "$out/$name/function.json"
done

chmod 755 "$out/$executable"
if [[ ! -x "$out/$executable" ]]; then
  echo "package: $out/$executable is missing or not executable." >&2
  exit 1
fi

# zip keeps Unix permissions by default; python3's zipfile keeps them too (ZipInfo.from_file copies st_mode into
# external_attr), so either way the host can start the handler after deployment.
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
