#!/usr/bin/env bash
# The live-room comparison in one run on this machine: builds the driver, the bare SignalR peer and Community
# (Release), installs the Socket.IO peer (npm ci), then runs the driver's `compare` subcommand, which starts each
# server on free 127.0.0.1 ports, runs the live-room step search against it and stops it.
# Results: loadtests/results/compare-live-room-<UTC time>/ (summary.md, chart.svg, comparison.json, server logs).
# Extra arguments go to `compare` (e.g. --targets signalr,socketio --viewers 500 --step-duration 8).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

echo "compare: building (Release)..." >&2
dotnet build loadtests/Community.LoadTests -c Release -v q -nologo >&2
dotnet build loadtests/peers/BareSignalR -c Release -v q -nologo >&2
dotnet build src/Community.Host -c Release -v q -nologo >&2
(cd loadtests/peers/socketio && npm ci --no-audit --no-fund --silent) >&2

exec dotnet loadtests/Community.LoadTests/bin/Release/net10.0/Community.LoadTests.dll compare "$@"
