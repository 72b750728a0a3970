#!/usr/bin/env bash
# Peer comparison on the same work: split+combine of PEER_COUNT (default 10,000) random 32-byte
# secrets at 3-of-5, each implementation in its own process and timed inside it after a 2 s
# warm-up (median of the timed passes). Peers: npm shamir-secret-sharing and secrets.js-grempe
# (tests/peers/node_modules), Debian python3-pycryptodome (16-byte secrets, so two calls per
# 32 bytes). Ends with exactly one line: "split+combine speedup vs fastest peer: <N>x".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
config=${CONFIG:-Release}
count=${PEER_COUNT:-10000}
own_passes=${PEER_OWN_PASSES:-25} # ours: a pass takes ~30 ms, so take the median of many
passes=${PEER_PASSES:-5}          # shamir-secret-sharing: ~1 s per pass
slow_passes=${PEER_SLOW_PASSES:-1} # secrets.js and pycryptodome take 6–50 s per pass of 10,000
bench_dll=$root/bench/SecretFleet.Benchmarks/bin/$config/net10.0/SecretFleet.Benchmarks.dll
export PEERS_DIR=$root/tests/peers
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

[[ -f $bench_dll ]] || dotnet build "$root/bench/SecretFleet.Benchmarks" -c "$config" >/dev/null
if [[ ! -d $PEERS_DIR/node_modules ]]; then
  (cd "$PEERS_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

per_op() { awk '{print $2}' <<<"$1"; }

echo "peer comparison: split+combine of $count random 32-byte secrets, 3-of-5, warm, per operation"
ours_line=$(dotnet "$bench_dll" peer-loop "$count" "$own_passes")
echo "  $ours_line"
ours=$(per_op "$ours_line")

peers=()
run_peer() { # name, command...
  local name=$1 line
  shift
  if line=$("$@" 2>&1); then
    echo "  $line"
    peers+=("$(per_op "$line") $name")
  else
    echo "  $name: skipped ($(tail -1 <<<"$line"))" >&2
  fi
}
run_peer shamir-secret-sharing node "$root/bench/peers/shamir-secret-sharing.cjs" "$count" "$passes"
run_peer secrets.js-grempe node "$root/bench/peers/secrets-js-grempe.cjs" "$count" "$slow_passes"
run_peer pycryptodome /usr/bin/python3 "$root/bench/peers/pycryptodome.py" "$count" "$slow_passes"

if ((${#peers[@]} == 0)); then
  echo "no peer ran; install them with 'make deps'" >&2
  exit 1
fi
fastest=$(printf '%s\n' "${peers[@]}" | sort -g | head -1)
echo "  fastest peer: ${fastest#* } at ${fastest%% *} us/op"
awk -v peer="${fastest%% *}" -v ours="$ours" 'BEGIN { printf "split+combine speedup vs fastest peer: %.1fx\n", peer / ours }'
