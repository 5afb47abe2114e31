#!/usr/bin/env bash
# Runs the deterministic simulation over many seeds (docs/simulation.md).
#
#   scripts/sim.sh [seeds] [first seed]      e.g. scripts/sim.sh 5000, scripts/sim.sh 2000 100000
#
# Seeds run in parallel on every core (CREDITLOOP_SIM_THREADS to change that), each with
# CREDITLOOP_SIM_STEPS random steps (default 60). Every failing seed is printed with the
# command that replays it; the run fails if any seed failed.
set -euo pipefail
cd "$(dirname "$0")/.."

export CREDITLOOP_SIM_SEEDS="${1:-5000}"
export CREDITLOOP_SIM_START="${2:-${CREDITLOOP_SIM_START:-0}}"
echo "==> simulating $CREDITLOOP_SIM_SEEDS seeds from $CREDITLOOP_SIM_START (${CREDITLOOP_SIM_STEPS:-60} steps each)"
cargo test -p creditloop-tests --test api --quiet -- sim::many --exact --nocapture
