#!/usr/bin/env bash
# Runs every test: Rust unit and API tests on SQLite and PostgreSQL, the web app's unit
# tests and browser tests against a real server, and the Helm chart checks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

export CREDITLOOP_TEST_RUN_ID="${CREDITLOOP_TEST_RUN_ID:-$(date +%s)$$}"
passed=0
failed=0
server_pid=""
work=$(mktemp -d)

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  # Drop every PostgreSQL database this run created (tests drop their own; this catches
  # the ones a failed test left behind).
  local prefix="cltest_${CREDITLOOP_TEST_RUN_ID//[^a-zA-Z0-9]/}"
  psql -h 127.0.0.1 -U postgres -d postgres -Atqc "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'" 2>/dev/null |
    while read -r db; do psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

step() {
  local name=$1; shift
  echo "==> $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name" >&2; fi
}

ensure_postgres

rust_tests() {
  # Tests that run the real server process need the binary first. Building the same target
  # set as the tests keeps cargo's feature resolution identical, so nothing compiles twice.
  cargo build --workspace --all-targets --quiet || return 1
  cargo test --workspace --all-targets --quiet --no-fail-fast 2>&1 | tee "$work/cargo.log" | grep -Ev '^\s*$' | grep -E 'test result|FAILED|panicked|error' || true
  # Compiler errors start a line with `error`; a failed test binary reports `test result: FAILED`.
  if grep -qE '^error(\[E[0-9]+\])?:|test result: FAILED' "$work/cargo.log"; then
    echo "--- what failed ---" >&2
    grep -E -A12 'panicked at|^error' "$work/cargo.log" | grep -vE '^\s+[0-9]+: |^\s+at ' | head -200 >&2
    return 1
  fi
  grep -q 'test result: ok' "$work/cargo.log"
}
step "Rust unit and API tests (SQLite and PostgreSQL)" rust_tests

# cargo-fuzz over the CSV readers, amount and phone parsing and GraphQL inputs (docs/fuzzing.md).
step "fuzzing (short run)" bash scripts/fuzz.sh short

if [ -f frontend/package.json ]; then
  web_unit() { frontend_deps && (cd frontend && npm test --silent); }
  step "web app unit tests" web_unit

  browser_tests() {
    frontend_build || return 1
    bash frontend/scripts/ensure-chromium.sh || return 1
    local port=18765
    CREDITLOOP_DATABASE_URL="sqlite://$work/e2e.db?mode=rwc" CREDITLOOP_DATA_DIR="$work" \
      CREDITLOOP_LISTEN="127.0.0.1:$port" CREDITLOOP_LOG_LEVEL=warn \
      target/debug/creditloop serve --demo >"$work/server.log" 2>&1 &
    server_pid=$!
    if ! wait_for "http://127.0.0.1:$port/readyz" 120; then
      echo "the server did not start; its log:" >&2
      cat "$work/server.log" >&2
      return 1
    fi
    local status=0
    (cd frontend && CREDITLOOP_URL="http://127.0.0.1:$port" npm run --silent e2e) || status=$?
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    return $status
  }
  step "browser tests (Chromium against a real server)" browser_tests
fi

if [ -f scripts/helm-check.sh ]; then
  step "Helm chart checks" bash scripts/helm-check.sh
fi

echo
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
