#!/usr/bin/env bash
# make bench: the BenchmarkDotNet suites (field, Shamir split/combine, refresh deal/digest/
# verify/apply), the one-node refresh measurement for 1,000,000 secrets, then the peer
# comparison, which ends with "split+combine speedup vs fastest peer: <N>x"; then the load tool
# against real local fleets: store/recover vs a raw RPC fan-out and vs a local 5-member etcd
# (installs Debian's etcd-server if missing; ends with "vs etcd: ..."), and refresh/recovery of
# 100,000 and 1,000,000 secrets (LOAD_SECRETS, LOAD_SMALL_SECRETS scale it down), and a resharing
# next to a refresh of 100,000 secrets (LOAD_RESHARE_SECRETS).
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

load_dll=$root/bench/SecretFleet.Load/bin/$config/net10.0/secretfleet-load.dll
[[ -f $load_dll ]] || dotnet build "$root/bench/SecretFleet.Load" -c "$config" >/dev/null
echo
echo "store and recover vs a raw RPC fan-out, then vs etcd put and get (secretfleet-load rpc --compare-etcd)"
dotnet "$load_dll" rpc --nodes 5 --threshold 3 --concurrency 1,16,64 --seconds 10 --warmup 3 --compare-etcd
echo "a node's durable Put without RPC, and SQLite's one-row floor (secretfleet-load store-floor)"
dotnet "$load_dll" store-floor --concurrency 16 --seconds 8
echo "refresh and share recovery (secretfleet-load refresh)"
dotnet "$load_dll" refresh --nodes 5 --threshold 3 --secrets "${LOAD_SECRETS:-100000,1000000}"
dotnet "$load_dll" refresh --nodes 3 --threshold 2 --secrets "${LOAD_SMALL_SECRETS:-100000}" | tail -1
dotnet "$load_dll" refresh --nodes 7 --threshold 4 --secrets "${LOAD_SMALL_SECRETS:-100000}" | tail -1
echo "resharing next to a refresh of the same secrets (secretfleet-load reshare)"
dotnet "$load_dll" reshare --secrets "${LOAD_RESHARE_SECRETS:-100000}" --shapes 5:3-3:2,5:3-7:4
echo "the same shrinking resharing with 8 writers and 4 readers running through it (secretfleet-load reshare --load 8)"
dotnet "$load_dll" reshare --secrets "${LOAD_RESHARE_SECRETS:-100000}" --shapes 5:3-3:2 --load 8
