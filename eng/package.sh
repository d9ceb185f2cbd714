#!/usr/bin/env bash
# Builds the folder the Azure Functions host runs (DESIGN 5) and a zip of it:
#
#   <out>/host.json                      the host's configuration, unchanged
#   <out>/<Function>/function.json       one folder per function (LeadFunctions/Functions/*)
#   <out>/<handler dir>/<executable>     the handler for linux-x64, where host.json
#                                        customHandler.description.defaultExecutablePath points
#   <out>.zip                            the same files, built here on Linux so the executable bit survives
#
# The handler is compiled with Native AOT (one native executable, the fastest cold start: docs/benchmarks.md), which
# links with clang. Without clang it is self-contained composite ReadyToRun instead (same behaviour, slower cold
# start), with a warning. LEADFUNCTIONS_HANDLER_BUILD chooses: auto (default), aot (fail without clang), r2r.
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

# The clang that links Native AOT: plain clang, else the newest clang-<version> (Debian's clang-14 package has no `clang`).
find_clang() {
  if command -v clang >/dev/null 2>&1; then echo clang; return; fi
  compgen -c clang- 2>/dev/null | grep -E '^clang-[0-9]+$' | sort -t- -k2 -n | tail -n 1
}

build_kind="${LEADFUNCTIONS_HANDLER_BUILD:-auto}"
clang="$(find_clang || true)"
case "$build_kind" in
  auto)
    if [[ -n "$clang" ]]; then
      build_kind=aot
    else
      build_kind=r2r
      cat >&2 <<'MSG'
package: WARNING: clang not found, so the handler cannot be compiled with Native AOT (it links with clang).
package: Shipping self-contained composite ReadyToRun instead: it behaves the same, but starts several times slower
package: (about 0.5 s instead of 0.1 s: docs/benchmarks.md, section 3). For Native AOT install clang (Debian/Ubuntu: sudo apt-get install -y clang)
package: and package again; set LEADFUNCTIONS_HANDLER_BUILD=aot to make a missing clang an error, =r2r to silence this.
MSG
    fi
    ;;
  aot)
    if [[ -z "$clang" ]]; then
      echo "package: LEADFUNCTIONS_HANDLER_BUILD=aot, but clang is not installed (Debian/Ubuntu: sudo apt-get install -y clang)." >&2
      exit 1
    fi
    ;;
  r2r) ;;
  *)
    echo "package: LEADFUNCTIONS_HANDLER_BUILD must be auto, aot or r2r (got '$build_kind')." >&2
    exit 1
    ;;
esac

if [[ "$build_kind" == aot ]]; then
  echo "package: publishing the handler (linux-x64, Native AOT, linked with $clang: the fastest cold start measured, see docs/benchmarks.md) into $handler_dir"
  dotnet publish "$project" \
    --configuration Release \
    --runtime linux-x64 \
    -p:PublishAot=true \
    -p:CppCompilerAndLinker="$clang" \
    -p:CopyOutputSymbolsToPublishDirectory=false \
    --artifacts-path "$build" \
    --output "$handler_dir" \
    --nologo 2>&1 | tee "$build/publish.log"
  # The project lets IL2104/IL3053 ("assembly X produced trim/AOT warnings") pass for Azure.Data.Tables only, whose
  # typed-entity binder the app does not use (TableEntity only); the same summary for any other assembly fails here.
  if grep -E 'warning IL(2104|3053)' "$build/publish.log" | grep -v "Assembly 'Azure.Data.Tables' produced" | grep -q .; then
    echo "package: a dependency other than Azure.Data.Tables reports trim/AOT warnings (above); check it works with Native AOT before shipping it." >&2
    exit 1
  fi
else
  echo "package: publishing the handler (self-contained linux-x64, composite ReadyToRun) into $handler_dir"
  dotnet publish "$project" \
    --configuration Release \
    --runtime linux-x64 \
    --self-contained true \
    -p:PublishReadyToRun=true \
    -p:PublishReadyToRunComposite=true \
    --artifacts-path "$build" \
    --output "$handler_dir" \
    --nologo
fi

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
