#!/usr/bin/env bash
# Builds and starts creditloop on SQLite (./data) with the demo tenant, and serves the web
# app. Prints the demo logins. Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

if command -v npm >/dev/null 2>&1; then
  frontend_build
else
  echo "warning: npm not found; the API runs but the web app is not built" >&2
fi
echo "==> building the server (first build takes a few minutes)"
cargo build --quiet -p creditloop-server
export CREDITLOOP_LISTEN="${CREDITLOOP_LISTEN:-127.0.0.1:8080}"
exec target/debug/creditloop serve --demo
