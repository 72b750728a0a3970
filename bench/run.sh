#!/usr/bin/env bash
# make bench: the BenchmarkDotNet suites (field, Shamir split/combine, refresh deal/digest/
# verify/apply), the one-node refresh measurement for 1,000,000 secrets, then the peer
# comparison, which ends with "split+combine speedup vs fastest peer: <N>x".
# BENCH_FILTER narrows the BenchmarkDotNet run (its --filter syntax, default '*').
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
config=${CONFIG:-Release}
bench_dll=$root/bench/SecretFleet.Benchmarks/bin/$config/net10.0/SecretFleet.Benchmarks.dll
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

[[ -f $bench_dll ]] || dotnet build "$root/bench/SecretFleet.Benchmarks" -c "$config" >/dev/null
dotnet "$bench_dll" --filter "${BENCH_FILTER:-*}" --artifacts "$root/artifacts/bench"
echo
dotnet "$bench_dll" refresh-million
echo
"$root/bench/compare-peers.sh"
