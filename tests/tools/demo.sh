#!/usr/bin/env bash
# make demo: the SecretFleet story on a local fleet, a few lines per step. Builds and installs
# kubectl-secrets into a temp prefix, starts 5 nodes (any 3 recover a secret), stores a secret,
# shows every node holds a different share, refreshes (every share changes, the epoch moves),
# recovers the same secret and stops the fleet. Exits non-zero if any step fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/secretfleet-demo.XXXXXX")
export SECRETFLEET_HOME="$work/home"
unset SECRETFLEET_NODE_BINARY
fleet="$work/fleet"
up=0

finish() {
  status=$?
  if ((up)); then kubectl-secrets local down --purge --dir "$fleet" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
  if ((status != 0)); then echo; echo "DEMO FAILED (exit $status)" >&2; fi
}
trap finish EXIT

if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
show() { printf '$ %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
# The top-level "epoch" of `status -o json` (node entries come after it).
epoch() { kubectl secrets status -o json | grep -m1 '"epoch"' | grep -o '[0-9]\+'; }
fingerprints() { kubectl secrets debug shares demo-password -o json | grep -o '"fingerprint": "[0-9a-f]*"' | cut -d'"' -f4; }

step "1. Build and install kubectl-secrets and secretfleet-node (a kubectl plugin) into a temp prefix"
show "make install PREFIX=$work/prefix"
make -s -C "$root" install PREFIX="$work/prefix" CONFIG="${CONFIG:-Release}" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "make install"; }
export PATH="$work/prefix/bin:$PATH"
if command -v kubectl >/dev/null; then
  show "kubectl plugin list"
  kubectl plugin list 2>/dev/null | grep kubectl-secrets || fail "kubectl does not see the plugin"
  k() { kubectl secrets "$@"; }
else
  echo "(kubectl is not installed: calling kubectl-secrets directly)"
  k() { kubectl-secrets "$@"; }
fi

step "2. Start a local fleet: 5 node processes on 127.0.0.1 with mTLS from a local CA; any 3 recover a secret"
show "kubectl secrets local up --nodes 5 --threshold 3 --refresh-interval 1h"
up=1
k local up --nodes 5 --threshold 3 --refresh-interval 1h --dir "$fleet"

step "3. Store a secret (read from stdin, so it stays out of the shell history)"
secret="correct horse battery staple $RANDOM$RANDOM"
show "printf '%s' \"\$SECRET\" | kubectl secrets store demo-password"
printf '%s' "$secret" | k store demo-password

step "4. Each node holds a different share; none holds the secret (SHA-256 prefixes of the shares)"
show "kubectl secrets debug shares demo-password"
k debug shares demo-password
before=$(fingerprints)
[[ $(sort -u <<<"$before" | wc -l) -eq 5 ]] || fail "expected 5 different shares"
echo "-> 5 nodes, 5 different shares."

step "5. Refresh: the nodes re-randomize every share into a new epoch (old shares become useless)"
epoch_before=$(epoch)
show "kubectl secrets refresh"
k refresh
epoch_after=$(epoch)
show "kubectl secrets debug shares demo-password"
k debug shares demo-password
after=$(fingerprints)
[[ $epoch_after -eq $((epoch_before + 1)) ]] || fail "epoch went from $epoch_before to $epoch_after, expected +1"
[[ -z $(comm -12 <(sort <<<"$before") <(sort <<<"$after")) ]] || fail "a share did not change in the refresh"
[[ $(sort -u <<<"$after" | wc -l) -eq 5 ]] || fail "expected 5 different shares after the refresh"
echo "-> epoch $epoch_before -> $epoch_after; all 5 shares changed."

step "6. Recover the secret from the new shares"
show "kubectl secrets recover demo-password"
recovered=$(k recover demo-password)
[[ $recovered == "$secret" ]] || fail "the recovered secret differs from the stored one"
echo "-> recovered the same ${#recovered} bytes that were stored."

step "7. Stop the fleet (the data stays until --purge)"
pids=$(k local status -o json | grep -o '"pid": [0-9]*' | grep -o '[0-9]*')
show "kubectl secrets local down"
k local down
up=0
for pid in $pids; do
  if [[ -r /proc/$pid/stat ]] && [[ $(awk '{print $3}' "/proc/$pid/stat") != Z ]]; then fail "process $pid is still running"; fi
done
k local down --purge --dir "$fleet" >/dev/null
echo "-> $(wc -w <<<"$pids") processes stopped, none left behind."

printf '\n%sDemo complete: stored, split, refreshed and recovered a secret on a local SecretFleet.%s\n' "$bold" "$plain"
