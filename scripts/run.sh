#!/usr/bin/env bash
# Run Community locally: Azurite (data in .data/azurite) + the host on http://127.0.0.1:5080.
# Ctrl-C (or SIGTERM) stops the host first, then Azurite: Azurite and the host run in process groups of their own, so
# the terminal's Ctrl-C reaches only this script, which stops them in that order (a host whose storage vanished first
# would retry its goodbye to the cluster). Extra args go to the host.
#   --reset-data   delete the local data (.data/azurite) before starting: every creator, post and comment
#   --demo         (off by default): also seed creators, a campaign and a co-hosted live room through the public API,
#                  print the pages to open, and drive a gentle simulated audience (scripts/demo.mjs; COMMUNITY_DEMO_RATE
#                  actions/s, default 2)
# Env: COMMUNITY_HTTP_PORT (default 5080); COMMUNITY_DATA_WARN_MB (default 50): warn when the local data is larger.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/azurite.sh

RESET_DATA=0
DEMO=0
HOST_ARGS=()
for arg in "$@"; do
  case "$arg" in
    --reset-data) RESET_DATA=1 ;;
    --demo) DEMO=1 ;;
    *) HOST_ARGS+=("$arg") ;;
  esac
done

HTTP_PORT="${COMMUNITY_HTTP_PORT:-5080}"
BASE_URL="http://127.0.0.1:$HTTP_PORT"
HOST_PID=""
DEMO_PID=""

cleanup() {
  trap - EXIT INT TERM
  if [[ -n "$DEMO_PID" ]]; then
    kill -TERM "$DEMO_PID" 2>/dev/null || true
  fi
  if [[ -n "$HOST_PID" ]] && kill -0 "$HOST_PID" 2>/dev/null; then
    echo "run: stopping host..." >&2
    # `dotnet run` starts the app as a child process, in the same process group (its own): signal the group.
    kill -TERM -- "-$HOST_PID" 2>/dev/null || kill -TERM "$HOST_PID" 2>/dev/null || true
    # The host bounds its own stop (Cluster:ShutdownTimeout, 10 s); a little more, then it is killed.
    local i
    for ((i = 0; i < 150; i++)); do
      kill -0 "$HOST_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$HOST_PID" 2>/dev/null || kill -KILL "$HOST_PID" 2>/dev/null || true
    wait "$HOST_PID" 2>/dev/null || true
  fi
  if [[ -n "$AZURITE_PID" ]]; then
    echo "run: stopping Azurite (pid $AZURITE_PID)..." >&2
    azurite_stop
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# npm ci also brings the SignalR browser client the pages load (copied next to the host by its build).
azurite_install
if port_open 10002; then
  echo "run: Azurite (or something) already listens on 127.0.0.1:10002; reusing it, not starting another." >&2
  if ((RESET_DATA)); then
    echo "run: --reset-data needs that Azurite stopped first (it holds .data/azurite open)." >&2
    exit 2
  fi
else
  if ((RESET_DATA)); then azurite_local_data --reset-data; else azurite_local_data; fi
  # Job control: background jobs get process groups of their own, out of reach of the terminal's Ctrl-C.
  set -m
  azurite_start 10000 10001 10002 .data/azurite.log --location "$AZURITE_DATA_DIR"
  set +m
fi

echo
echo "Community:  $BASE_URL   (pages: sign in at /, then /console, /live/{liveId}, /campaigns/{id})"
echo "  hub:      $BASE_URL/hubs/community"
echo "  health:   $BASE_URL/health/ready"
echo "  API docs: $BASE_URL/scalar (OpenAPI: $BASE_URL/openapi/v1.json)"
echo "  Orleans:  $BASE_URL/dashboard"
echo "  metrics:  $BASE_URL/metrics (Prometheus)"
echo "(Ctrl-C stops the host, then Azurite)"
echo

export ASPNETCORE_ENVIRONMENT=Development
export Storage__Provider=AzureStorage
export Storage__ConnectionString=UseDevelopmentStorage=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

set -m
dotnet run --project src/Community.Host -c Release --no-launch-profile -- --urls "$BASE_URL" "${HOST_ARGS[@]}" &
HOST_PID=$!
set +m
if ((DEMO)); then
  # Waits for readiness itself, then seeds and prints the page URLs.
  node scripts/demo.mjs "$BASE_URL" "${COMMUNITY_DEMO_RATE:-2}" &
  DEMO_PID=$!
fi
set +e
wait "$HOST_PID"
rc=$?
set -e
HOST_PID=""
echo "run: host exited with code $rc" >&2
exit "$rc"
