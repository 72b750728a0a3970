#!/usr/bin/env bash
# Runs every test assembly that can run on this machine (all but Category=E2E)
# and ends with one line: "N passed, N failed", summed over the assemblies.
# An assembly whose test host crashes counts as one failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
config=${CONFIG:-Release}
filter=${TEST_FILTER:-Category!=E2E}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
passed=0 failed=0 skipped=0
for project in "$root"/tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  before=$(wc -l <"$log")
  started=$SECONDS
  # The default (minimal) console logger prints each failure with its message and stack, and
  # one "Passed!/Failed!  - Failed: N, Passed: N, Skipped: N" line per assembly.
  # No "|| true" here: under pipefail it would run on a failed test and reset PIPESTATUS to 0.
  dotnet test "$project" -c "$config" --no-build --filter "$filter" 2>&1 | tee -a "$log" | grep -v '^\s*$'
  code=${PIPESTATUS[0]}
  echo "   ($name took $((SECONDS - started)) s)"
  summary=$(tail -n +"$((before + 1))" "$log" | grep -E '(Passed|Failed)!  - Failed:' | tail -1)
  if [[ -n $summary ]]; then
    p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$summary")
    f=$(sed -E 's/.*Failed: *([0-9]+), Passed.*/\1/' <<<"$summary")
    s=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$summary")
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    ((code != 0 && f == 0)) && failed=$((failed + 1))
  elif tail -n +"$((before + 1))" "$log" | grep -q 'No test matches'; then
    :
  else
    echo "$name: the test run ended without a summary (test host crashed?)"
    failed=$((failed + 1))
  fi
  ((code != 0)) && status=1
done

((skipped > 0)) && echo "$skipped skipped (not counted as passed)"
echo "$passed passed, $failed failed"
exit $status
