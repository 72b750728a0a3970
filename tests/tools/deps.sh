#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK: Debian peers (a real gRPC
# client, promtool, a C Shamir tool, pycryptodome for benchmarks) and the npm
# peers (grpc-js, upstream Kubernetes/cert-manager schemas, Shamir libraries).
# Idempotent: does nothing when everything is present.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)

debian_packages=(python3-grpcio python3-grpc-tools python3-protobuf prometheus ssss python3-pycryptodome)
missing=()
for p in "${debian_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null && sudo="sudo"
  if [[ $(id -u) -eq 0 || -n $sudo ]]; then
    echo "deps: installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "deps: missing Debian packages (${missing[*]}) and no root: install them, or the interop tests will fail." >&2
  fi
fi

peers="$root/tests/peers"
if [[ ! -d $peers/node_modules || $peers/package-lock.json -nt $peers/node_modules/.package-lock.json ]]; then
  echo "deps: installing npm peers"
  (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
