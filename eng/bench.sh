#!/usr/bin/env bash
# Benchmarks (method and results: docs/benchmarks.md). Not part of the test command: they take minutes and want a
# quiet machine. Every request goes to 127.0.0.1; every load is bounded in requests and time and stops by itself.
#
#   eng/bench.sh            everything: micro, intake (delivery off, then on), delivery, cold start
#   eng/bench.sh micro      per-lead CPU and allocations (BenchmarkDotNet)
#   eng/bench.sh intake     intake throughput, latency and memory beside the raw SDK enqueue
#   eng/bench.sh delivery   delivery to a loopback Dataverse with a service-protection limit, beside no limit
#   eng/bench.sh coldstart  process start to first 202: JIT, ReadyToRun, Native AOT, tiering settings
# Output: the console, and artifacts/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
out=artifacts/bench
mkdir -p "$out"

if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
dotnet build LeadFunctions.sln -c Release --nologo -v quiet -clp:ErrorsOnly
bench=(dotnet benchmarks/LeadFunctions.Benchmarks/bin/Release/net10.0/LeadFunctions.Benchmarks.dll)

if [ "$what" = all ] || [ "$what" = micro ]; then
  "${bench[@]}" micro --filter '*' --artifacts "$out/micro" | tee "$out/micro.txt"
fi

if [ "$what" = all ] || [ "$what" = intake ]; then
  "${bench[@]}" intake --process-queue false --rounds 3 | tee "$out/intake-without-delivery.txt"
  "${bench[@]}" intake --process-queue true --rounds 3 --clients 16,64 | tee "$out/intake-with-delivery.txt"
fi

if [ "$what" = all ] || [ "$what" = delivery ]; then
  # 2,000 leads pre-enqueued; no limit (the raw delivery rate), then 40 per 1 s, 100 per 1 s and 100 per 5 s
  # (429 + Retry-After). 100 per 1 s is close to what the app can send at all on Azurite: see docs/benchmarks.md.
  "${bench[@]}" delivery --leads 2000 --limits 40/1,100/1,100/5 | tee "$out/delivery.txt"
fi

if [ "$what" = all ] || [ "$what" = coldstart ]; then
  # Each variant is published from a clean intermediate folder: ReadyToRun output is reused incrementally, and
  # switching composite on or off in the same obj/ folder yields a package that aborts at start.
  publish() {
    local dir="$1"; shift
    local started=$SECONDS
    rm -rf LeadFunctions/obj/Release/net10.0/linux-x64 LeadFunctions/bin/Release/net10.0/linux-x64 "$dir"
    dotnet publish LeadFunctions -c Release -r linux-x64 --self-contained -p:PublishReadyToRun=true -o "$dir" --nologo -v quiet -clp:ErrorsOnly "$@"
    echo "$(basename "$dir"): published in $((SECONDS - started)) s, $(du -sm "$dir" | cut -f1) MB" | tee -a "$out/publish.txt"
  }
  : > "$out/publish.txt"
  # Self-contained linux-x64, ReadyToRun. Restores offline from the NuGet cache/mirror: the runtime and Crossgen2
  # packs are ordinary packages.
  publish "$out/publish-r2r"
  # Composite: the framework and the app precompiled into one image (the package's fallback without clang).
  publish "$out/publish-r2r-composite" -p:PublishReadyToRunComposite=true
  # Trimmed ReadyToRun as an experiment (trim warnings allowed: Azure.Data.Tables reports some; see docs/benchmarks.md).
  publish "$out/publish-r2r-trimmed" -p:PublishTrimmed=true -p:TreatWarningsAsErrors=false \
    > "$out/publish-trimmed.log" 2>&1 || echo "trimmed publish failed: $out/publish-trimmed.log"
  rm -rf LeadFunctions/obj/Release/net10.0/linux-x64 LeadFunctions/bin/Release/net10.0/linux-x64
  # Native AOT, as eng/package.sh builds it (links with clang), in a private build folder.
  clang="$(command -v clang >/dev/null 2>&1 && echo clang || compgen -c clang- | grep -E '^clang-[0-9]+$' | sort -t- -k2 -n | tail -n 1 || true)"
  aot_variants=()
  if [ -n "$clang" ]; then
    started=$SECONDS
    rm -rf "$out/publish-aot" "$out/aot-build"
    dotnet publish LeadFunctions -c Release -r linux-x64 -p:PublishAot=true -p:CppCompilerAndLinker="$clang" \
      -p:CopyOutputSymbolsToPublishDirectory=false --artifacts-path "$out/aot-build" -o "$out/publish-aot" --nologo -v quiet -clp:ErrorsOnly
    echo "publish-aot: published in $((SECONDS - started)) s, $(du -sm "$out/publish-aot" | cut -f1) MB (executable $(du -m "$out/publish-aot/LeadFunctions" | cut -f1) MB)" | tee -a "$out/publish.txt"
    aot_variants=(--variant "aot=$out/publish-aot/LeadFunctions" --variant "aot-workstation-gc=$out/publish-aot/LeadFunctions@DOTNET_gcServer=0")
  else
    echo "clang not found: no Native AOT variant (Debian/Ubuntu: apt-get install clang)"
  fi
  dll=LeadFunctions/bin/Release/net10.0/LeadFunctions.dll
  r2r="$out/publish-r2r/LeadFunctions"
  composite="$out/publish-r2r-composite/LeadFunctions"
  "${bench[@]}" coldstart --runs 9 \
    --variant "jit=$dll" \
    --variant "jit-no-pgo=$dll@DOTNET_TieredPGO=0" \
    --variant "jit-workstation-gc=$dll@DOTNET_gcServer=0" \
    --variant "r2r=$r2r" \
    --variant "r2r-no-pgo=$r2r@DOTNET_TieredPGO=0" \
    --variant "r2r-workstation-gc=$r2r@DOTNET_gcServer=0,DOTNET_TieredPGO=0" \
    --variant "r2r-composite=$composite" \
    --variant "r2r-composite-no-pgo-workstation-gc=$composite@DOTNET_TieredPGO=0,DOTNET_gcServer=0" \
    --variant "r2r-trimmed=$out/publish-r2r-trimmed/LeadFunctions@DOTNET_TieredPGO=0" \
    "${aot_variants[@]}" \
    | tee "$out/coldstart.txt"
fi
