#!/usr/bin/env bash
# Who limits the live room on bare SignalR: the server or the driver? Runs the bare SignalR peer on CPU 0 and the driver
# on CPU 1 (taskset), so neither can take the other's core, and step-searches the live room (300 viewers who all chat,
# as compare.sh does). At the first failed step, a server at ~1.00 core next to a driver below its core, with its
# receiving threads sleeping part of the window, says the server was the limit.
# Needs a machine with at least 2 CPUs and taskset (util-linux). Extra arguments go to the driver's live-room.
# Results: loadtests/results/pinned-<UTC time>/ (the driver's report and the peer's log).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

echo "pinned-check: building (Release)..." >&2
dotnet build loadtests/Community.LoadTests -c Release -v q -nologo >&2
dotnet build loadtests/peers/BareSignalR -c Release -v q -nologo >&2

out="loadtests/results/pinned-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production \
  taskset -c 0 dotnet loadtests/peers/BareSignalR/bin/Release/net10.0/BareSignalR.dll --urls "http://127.0.0.1:$port" >"$out/server-signalr.log" 2>&1 &
peer=$!
trap 'kill "$peer" 2>/dev/null || true; wait "$peer" 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.5
done

taskset -c 1 dotnet loadtests/Community.LoadTests/bin/Release/net10.0/Community.LoadTests.dll live-room \
  --target signalr --url "http://127.0.0.1:$port" --server-pid "$peer" --step --viewers 0 --chatters 300 --step-start 200 \
  --results-dir "$out" "$@"
