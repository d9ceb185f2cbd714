#!/usr/bin/env bash
# Benchmarks (method and results: docs/benchmarks.md). Not part of the test command: they take minutes and want a
# quiet machine. Every request goes to 127.0.0.1; every load is bounded in requests and time and stops by itself.
#
#   eng/bench.sh            everything: micro, intake (delivery off, then on), delivery, cold start
#   eng/bench.sh micro      per-lead CPU and allocations (BenchmarkDotNet)
#   eng/bench.sh intake     intake throughput, latency and memory beside the raw SDK enqueue
#   eng/bench.sh delivery   delivery to a loopback Dataverse with a service-protection limit, beside no limit
#   eng/bench.sh fleet      1, 3 and 6 instances draining one backlog into one CRM user's limits, sharing them and not
#   eng/bench.sh coldstart  the published worker's start (functions loaded, first 202; and standalone): JIT, ReadyToRun, composite
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

if [ "$what" = all ] || [ "$what" = fleet ]; then
  # 3,000 leads pre-enqueued for each fleet size; the fake admits 150 per sliding 10 s and 39 at once (Dataverse's
  # 6,000 per 5 minutes and 52 at once, scaled down with the ratio of concurrency to rate kept), 400 ms per request (a create with a plug-in or two):
  # enough for 6 instances × 8 at once to exceed 39, not so much that one instance's 8 cannot reach the rate.
  # The baseline is the same fleets with the sharing switched off (each instance throttles itself alone).
  "${bench[@]}" fleet --leads 3000 --instances 1,3,6 --latency-ms 400 --label fleet | tee "$out/fleet.txt"
  "${bench[@]}" fleet --leads 3000 --instances 3,6 --latency-ms 400 --label fleet-alone --set:Destinations:Fleet:Enabled=false | tee "$out/fleet-alone.txt"
fi

if [ "$what" = all ] || [ "$what" = coldstart ]; then
  # Each variant is published from its own clean build folder (--artifacts-path): ReadyToRun output is reused
  # incrementally, and switching composite on or off in one obj/ folder yields a package that aborts at start.
  publish() {
    local name="$1"; shift
    local started=$SECONDS
    rm -rf "$out/publish-$name" "$out/build-$name"
    dotnet publish LeadFunctions -c Release --artifacts-path "$out/build-$name" -o "$out/publish-$name" --nologo -v quiet -clp:ErrorsOnly "$@"
    echo "publish-$name: published in $((SECONDS - started)) s, $(du -sm "$out/publish-$name" | cut -f1) MB" | tee -a "$out/publish.txt"
  }
  : > "$out/publish.txt"
  publish jit -p:PublishReadyToRun=false                                      # framework-dependent, JIT only
  publish r2r                                                                 # what eng/package.sh and azd ship
  publish r2r-composite-fd -p:PublishReadyToRunComposite=true                 # the app's assemblies as one composite image
  publish r2r-composite --self-contained true -p:PublishReadyToRunComposite=true  # framework and app in one image
  "${bench[@]}" coldstart --runs 9 \
    --variant "jit=$out/publish-jit/LeadFunctions.dll" \
    --variant "r2r=$out/publish-r2r/LeadFunctions.dll" \
    --variant "r2r-composite-fd=$out/publish-r2r-composite-fd/LeadFunctions.dll" \
    --variant "r2r-composite=$out/publish-r2r-composite/LeadFunctions.dll" \
    --variant "r2r-composite-no-pgo-workstation-gc=$out/publish-r2r-composite/LeadFunctions.dll@DOTNET_TieredPGO=0,DOTNET_gcServer=0" \
    | tee "$out/coldstart.txt"
fi
