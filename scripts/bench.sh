#!/usr/bin/env bash
# The benchmark, one command:
#
#   bash scripts/bench.sh [--quick] [--sqlite] [--workers] [-- extra creditloop-bench options]
#
# Builds the release binaries (server and bench), creates a fresh PostgreSQL database on
# 127.0.0.1:5432 (user postgres, trust auth), starts `creditloop serve` on it (and, with
# --sqlite, a second server on a SQLite file), runs the scenarios and the machine-limit
# measurements with `creditloop-bench`, prints the report, writes it as Markdown
# (bench/results/latest.md; bench/results/quick.md for --quick) and cleans up: servers killed,
# database dropped, temporary files removed — also on failure or Ctrl-C.
#
# --quick    100,000-row bulk file (not 100,000 and 1,000,000), 2,000 employees, 3 s loads
# --sqlite   also measure the server on SQLite
# --workers  run the background workers in the server under test (default: off, as in a
#            deployment with separate workers: a million grants queue a million emails)
#
# Figures are printed, never asserted; the exit code is non-zero only when a response was
# wrong or the run could not be set up. The whole run is bounded (BENCH_TIMEOUT seconds,
# default 1800; every request has its own timeout too).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

quick=0
sqlite=0
workers=false
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --sqlite) sqlite=1 ;;
    --workers) workers=true ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

ensure_postgres
echo "==> building release binaries (creditloop, creditloop-bench)"
cargo build --release --quiet -p creditloop-server -p creditloop-bench

work=$(mktemp -d /tmp/clbench.XXXXXX)
db="clbench_$$"
pg_pid=""
sqlite_pid=""
created_db=0

stop_server() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  stop_server "$pg_pid"
  stop_server "$sqlite_pid"
  if [ "$created_db" = 1 ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [ "$status" != 0 ] && [ -d "$work" ]; then
    for log in "$work"/*.log; do
      [ -s "$log" ] && { echo "--- $(basename "$log") (last lines) ---" >&2; tail -n 20 "$log" >&2; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A TCP port nobody listens on (bash's /dev/tcp fails to connect to a free one).
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2
  return 1
}

# Settings the bench needs lifted (docs/operations.md §2.1): no rate limits (32 clients from
# one address), imports as large as the largest bulk file.
server_settings="rate limits off, import_rows_max 2000000, import_bytes_max 256 MiB, workers $workers, log warn"

# start_server NAME DATABASE_URL -> sets $started_pid and $started_url
start_server() {
  local name=$1 url=$2 port
  port=$(free_port)
  mkdir -p "$work/$name"
  CREDITLOOP_DATABASE_URL="$url" \
    CREDITLOOP_LISTEN="127.0.0.1:$port" \
    CREDITLOOP_DATA_DIR="$work/$name" \
    CREDITLOOP_MAIL_DIR="$work/$name/mail" \
    CREDITLOOP_FRONTEND_DIR="$work/no-frontend" \
    CREDITLOOP_LOG_LEVEL=warn \
    CREDITLOOP_WORKERS="$workers" \
    CREDITLOOP_RATE_LIMIT_PER_IP_PER_MINUTE=0 \
    CREDITLOOP_RATE_LIMIT_PER_KEY_PER_MINUTE=0 \
    CREDITLOOP_IMPORT_ROWS_MAX=2000000 \
    CREDITLOOP_IMPORT_BYTES_MAX=268435456 \
    target/release/creditloop serve >"$work/$name.log" 2>&1 &
  started_pid=$!
  started_url="http://127.0.0.1:$port"
  if ! wait_for "$started_url/readyz" 120; then
    echo "the $name server did not start" >&2
    return 1
  fi
}

psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE \"$db\"" >/dev/null
created_db=1
pg_db="postgres://postgres@127.0.0.1:5432/$db"
echo "==> starting creditloop on PostgreSQL (database $db)"
start_server pg "$pg_db"
pg_pid=$started_pid
args=(--pg-url "$started_url" --pg-pid "$pg_pid" --pg-db "$pg_db" --pg-data-dir "$work/pg")

if [ "$sqlite" = 1 ]; then
  echo "==> starting creditloop on SQLite"
  sqlite_db="sqlite://$work/sqlite/creditloop.db?mode=rwc"
  start_server sqlite "$sqlite_db"
  sqlite_pid=$started_pid
  args+=(--sqlite-url "$started_url" --sqlite-pid "$sqlite_pid" --sqlite-db "$sqlite_db" --sqlite-data-dir "$work/sqlite")
fi

command="scripts/bench.sh"
[ "$quick" = 1 ] && { command+=" --quick"; args+=(--quick); }
[ "$sqlite" = 1 ] && command+=" --sqlite"
[ "$workers" = true ] && command+=" --workers"
if [ "$quick" = 1 ]; then markdown=bench/results/quick.md; else markdown=bench/results/latest.md; fi
revision="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD 2>/dev/null || revision+=" (with uncommitted changes)"

echo "==> measuring"
timeout --signal=TERM "${BENCH_TIMEOUT:-1800}" target/release/creditloop-bench \
  --server-bin target/release/creditloop "${args[@]}" \
  --markdown "$markdown" --revision "$revision, release build" --command "$command" \
  --server-settings "$server_settings" "${extra[@]}"
