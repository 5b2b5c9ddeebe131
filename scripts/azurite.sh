#!/usr/bin/env bash
# Helpers to install and start the Azurite storage emulator (npm package pinned in package.json).
# Sourced by scripts/run.sh and scripts/test.sh; needs only bash and node.
#
# Run directly, it starts the local Azurite alone (default ports, data in .data/azurite) for a host started
# with `dotnet run --project src/Community.Host` or F5 (the launch profile); Ctrl-C stops it:
#   bash scripts/azurite.sh [--reset-data]
#
#   azurite_install                          npm ci when node_modules/azurite is missing or stale
#   azurite_start BLOB QUEUE TABLE LOG ARGS  start on 127.0.0.1, wait for TABLE port; sets AZURITE_PID
#   azurite_stop                             stop the Azurite started by azurite_start
#   port_open PORT                           true when 127.0.0.1:PORT accepts TCP connections
#   azurite_local_data [--reset-data]        report (and warn about, or delete) the local data in .data/azurite

AZURITE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AZURITE_JS="$AZURITE_ROOT/node_modules/azurite/dist/src/azurite.js"
AZURITE_PID=""
AZURITE_START_TIMEOUT="${AZURITE_START_TIMEOUT:-30}"
AZURITE_DATA_DIR="$AZURITE_ROOT/.data/azurite"
# Azurite rewrites all its tables as one JSON file on every autosave; measured: at 88 MB each save stalls
# storage for about a second (live-room p99 1.2 s instead of 110 ms). Warn well before that.
AZURITE_DATA_WARN_MB="${COMMUNITY_DATA_WARN_MB:-50}"

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

azurite_install() {
  local lock="$AZURITE_ROOT/package-lock.json" installed="$AZURITE_ROOT/node_modules/.package-lock.json"
  if [[ ! -f "$AZURITE_JS" || ! -f "$installed" || "$lock" -nt "$installed" ]]; then
    echo "azurite: installing npm packages (npm ci)..." >&2
    (cd "$AZURITE_ROOT" && npm ci --no-audit --no-fund) >&2
  fi
}

azurite_start() {
  local blob="$1" queue="$2" table="$3" log="$4"
  shift 4
  mkdir -p "$(dirname "$log")"
  node "$AZURITE_JS" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table" \
    --disableTelemetry --skipApiVersionCheck --loose "$@" </dev/null >"$log" 2>&1 &
  AZURITE_PID=$!
  local deadline=$((SECONDS + AZURITE_START_TIMEOUT))
  until port_open "$table"; do
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      echo "azurite: exited during startup (see $log):" >&2
      tail -n 20 "$log" >&2
      AZURITE_PID=""
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "azurite: table port 127.0.0.1:$table not open after ${AZURITE_START_TIMEOUT}s (see $log)" >&2
      azurite_stop
      return 1
    fi
    sleep 0.2
  done
  if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
    echo "azurite: port $table is open but Azurite exited (port taken by another process?); see $log" >&2
    AZURITE_PID=""
    return 1
  fi
  echo "azurite: pid $AZURITE_PID on 127.0.0.1 blob:$blob queue:$queue table:$table (log: $log)" >&2
}

azurite_stop() {
  local pid="$AZURITE_PID"
  AZURITE_PID=""
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  local i
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

azurite_local_data() {
  if [[ "${1:-}" == --reset-data && -d "$AZURITE_DATA_DIR" ]]; then
    echo "azurite: --reset-data: deleting .data/azurite ($(du -sh "$AZURITE_DATA_DIR" | cut -f1))" >&2
    rm -rf "$AZURITE_DATA_DIR"
  fi
  mkdir -p "$AZURITE_DATA_DIR"
  local kb
  kb=$(du -sk "$AZURITE_DATA_DIR" | cut -f1)
  echo "azurite: local data in .data/azurite: $((kb / 1024)) MB (warning past ${AZURITE_DATA_WARN_MB} MB)" >&2
  if ((kb > AZURITE_DATA_WARN_MB * 1024)); then
    echo "azurite: WARNING: .data/azurite is $((kb / 1024)) MB. Azurite rewrites it whole on every save, so storage" >&2
    echo "azurite:          stalls grow with it (about a second per save at 88 MB). Start afresh with --reset-data" >&2
    echo "azurite:          (bash scripts/run.sh --reset-data, or bash scripts/azurite.sh --reset-data)." >&2
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  if port_open 10002; then
    echo "azurite: something already listens on 127.0.0.1:10002 (an Azurite of scripts/run.sh?)" >&2
    exit 1
  fi
  azurite_local_data "${1:-}"
  azurite_install
  trap azurite_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  azurite_start 10000 10001 10002 "$AZURITE_ROOT/.data/azurite.log" --location "$AZURITE_DATA_DIR"
  echo "azurite: ready for UseDevelopmentStorage=true; Ctrl-C stops it" >&2
  wait "$AZURITE_PID"
fi
