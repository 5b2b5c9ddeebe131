#!/usr/bin/env bash
# Run all tests: a throw-away in-memory Azurite on free ports + `dotnet test Community.sln -c Release`.
# Extra args go to dotnet test (e.g. --filter Category=Unit). Output: artifacts/test-output.log.
# Ends with one line "N passed, N failed[, N skipped]"; exit code is dotnet test's
# (non-zero too when no test summary was found).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/azurite.sh

trap azurite_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

azurite_install
# The JavaScript client helper's tests (run by an integration test) need its pinned packages.
if [[ ! -f clients/js/node_modules/.package-lock.json || clients/js/package-lock.json -nt clients/js/node_modules/.package-lock.json ]]; then
  (cd clients/js && npm ci --no-audit --no-fund) >&2
fi

# The browser tests drive Debian's Chromium through Playwright (Playwright's own browser download cannot work here).
if [[ ! -x /usr/bin/chromium ]]; then
  echo "test: installing Debian's chromium for the browser tests..." >&2
  SUDO=""
  [[ "$(id -u)" == 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
fi

# Three distinct free loopback ports (held open together, then released).
read -r BLOB_PORT QUEUE_PORT TABLE_PORT < <(node -e '
  const net = require("net");
  const s = [0, 1, 2].map(() => net.createServer());
  Promise.all(s.map(x => new Promise(r => x.listen(0, "127.0.0.1", r)))).then(() => {
    console.log(s.map(x => x.address().port).join(" "));
    s.forEach(x => x.close());
  });')

mkdir -p artifacts
azurite_start "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT" artifacts/azurite-test.log \
  --inMemoryPersistence --extentMemoryLimit 512

KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
export COMMUNITY_TEST_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE_PORT/devstoreaccount1;"
export COMMUNITY_AZURITE_JS="$AZURITE_JS"
# Test hosts write their warnings and errors here (read it when a test fails).
export COMMUNITY_TEST_LOG="$PWD/artifacts/test-hosts.log"
: > "$COMMUNITY_TEST_LOG"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# No lingering MSBuild nodes holding the output pipe open after the script ends.
export MSBUILDDISABLENODEREUSE=1

LOG=artifacts/test-output.log
set +e
# Built on every core, then one test project at a time (-m:1): the host-kill and slow-consumer tests time a cluster
# under load, and a browser or load-driver test run beside them on 2 cores starved its failure detection (a watcher
# back in 12 s instead of ~2 s). Serial costs about a minute.
dotnet build Community.sln -c Release 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
if [[ "$rc" == 0 ]]; then
  dotnet test Community.sln -c Release --no-build -m:1 "$@" 2>&1 | tee -a "$LOG"
  rc=${PIPESTATUS[0]}
fi
set -e

# Sum "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..." lines over all projects.
summary=$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$LOG" | awk '
  /(Passed|Failed)! +- +Failed: *[0-9]+, *Passed: *[0-9]+, *Skipped: *[0-9]+/ {
    line = $0; sub(/.*(Passed|Failed)! +- +/, "", line); gsub(/[ \t]/, "", line)
    n = split(line, parts, ",")
    for (i = 1; i <= n; i++) {
      split(parts[i], kv, ":")
      if (kv[1] == "Failed") f += kv[2]; else if (kv[1] == "Passed") p += kv[2]; else if (kv[1] == "Skipped") s += kv[2]
    }
    found = 1
  }
  END { printf "%d %d %d %d\n", found, p, f, s }')
read -r found passed failed skipped <<<"$summary"

echo
if [[ "$rc" != 0 && -s "$COMMUNITY_TEST_LOG" ]]; then
  echo "test: the test hosts' last warnings and errors ($COMMUNITY_TEST_LOG):"
  grep -E '^[0-9]{2}:[0-9]{2}:' "$COMMUNITY_TEST_LOG" | tail -n 40 | cut -c1-300
fi
if [[ "$found" != 1 ]]; then
  echo "test: no test summary line found in dotnet test output (see $LOG)" >&2
  [[ "$rc" != 0 ]] || rc=1
fi
line="$passed passed, $failed failed"
((skipped > 0)) && line+=", $skipped skipped"
echo "$line"
exit "$rc"
