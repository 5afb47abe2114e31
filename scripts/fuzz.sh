#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer) over the CSV readers, amount and phone parsing and the
# GraphQL API. See docs/fuzzing.md for what each target checks.
#
#   scripts/fuzz.sh short                    every target for $FUZZ_SHORT_SECONDS (20) s: what test.sh runs
#   scripts/fuzz.sh long [seconds]           every target for [seconds] (600) each
#   scripts/fuzz.sh run <target> [seconds]   one target (600 s); seconds 0 runs until stopped
#   scripts/fuzz.sh build                    only build the targets
#   scripts/fuzz.sh list                     the target names
#
# cargo-fuzz is installed into .tools/cargo-fuzz (git-ignored) when missing. The targets are
# built with the nightly toolchain. `short` builds in dev mode without a sanitizer: the
# project's own code forbids `unsafe`, and a release or AddressSanitizer build of the whole
# dependency tree takes too long for CI on two cores. `long`, `run` and `build` build in
# release mode with AddressSanitizer. FUZZ_SANITIZER=address|none and FUZZ_PROFILE=dev|release
# override that. Without a nightly toolchain the stable one is used, sanitizer-free.
# FUZZ_TARGET_DIR builds somewhere other than fuzz/target.
#
# The working corpus is fuzz/corpus/<target> (git-ignored; seeded from the committed
# fuzz/seeds/<target>), so long runs build on earlier ones. A crash leaves its input in
# fuzz/artifacts/<target>/; the script then exits 1 and prints how to replay it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FUZZ_DIR="$ROOT/fuzz"
TARGETS=(csv_import amount phone graphql)
CARGO_FUZZ_VERSION=0.13.2
TOOLS="$ROOT/.tools/cargo-fuzz"

die() { echo "fuzz: $*" >&2; exit 2; }

mode=${1:-short}
case "$mode" in
  short) seconds=${FUZZ_SHORT_SECONDS:-20}; targets=("${TARGETS[@]}"); sanitizer=${FUZZ_SANITIZER:-none}; profile=${FUZZ_PROFILE:-dev} ;;
  long) seconds=${2:-600}; targets=("${TARGETS[@]}") ;;
  run)
    [ -n "${2:-}" ] || die "usage: scripts/fuzz.sh run <target> [seconds]"
    printf '%s\n' "${TARGETS[@]}" | grep -qx "$2" || die "unknown target $2; the targets are: ${TARGETS[*]}"
    targets=("$2"); seconds=${3:-600} ;;
  build) seconds=0; targets=() ;;
  list) printf '%s\n' "${TARGETS[@]}"; exit 0 ;;
  *) die "unknown mode $mode; use short, long [seconds], run <target> [seconds], build or list" ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || die "seconds must be a whole number, not $seconds"
sanitizer=${sanitizer:-${FUZZ_SANITIZER:-address}}
profile=${profile:-${FUZZ_PROFILE:-release}}
case "$sanitizer" in address | none) ;; *) die "FUZZ_SANITIZER must be address or none" ;; esac
case "$profile" in dev | release) ;; *) die "FUZZ_PROFILE must be dev or release" ;; esac

# The toolchain: nightly when rustup has it; otherwise stable, which cargo-fuzz supports only
# without a sanitizer.
toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
elif [ "$sanitizer" != none ]; then
  echo "fuzz: no nightly toolchain; building with the stable one and no sanitizer" >&2
  sanitizer=none
fi

# cargo-fuzz itself, project-local.
if [ ! -x "$TOOLS/bin/cargo-fuzz" ] || ! "$TOOLS/bin/cargo-fuzz" --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "==> installing cargo-fuzz $CARGO_FUZZ_VERSION into .tools/cargo-fuzz"
  started=$SECONDS
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root "$TOOLS" --quiet
  echo "    installed in $((SECONDS - started)) s"
fi
export PATH="$TOOLS/bin:$PATH"

# Both `build` and `run` get the same flags, so `run` never rebuilds.
build_flags=(--sanitizer "$sanitizer")
[ "$profile" = dev ] && build_flags+=(--dev)
[ -n "${FUZZ_TARGET_DIR:-}" ] && build_flags+=(--target-dir "$FUZZ_TARGET_DIR")

echo "==> building the fuzz targets ($profile, sanitizer: $sanitizer)"
started=$SECONDS
(cd "$FUZZ_DIR" && cargo "${toolchain[@]}" fuzz build "${build_flags[@]}")
echo "    built in $((SECONDS - started)) s"
[ "$mode" = build ] && exit 0

# The GraphQL target keeps its SQLite database here.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export CREDITLOOP_FUZZ_TMP="$scratch"

failed=()
summary=()
for target in "${targets[@]}"; do
  corpus="$FUZZ_DIR/corpus/$target"
  artifacts="$FUZZ_DIR/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  cp -n "$FUZZ_DIR/seeds/$target"/* "$corpus"/ 2>/dev/null || true
  log="$scratch/$target.log"
  args=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  [ -f "$FUZZ_DIR/dict/$target.dict" ] && args+=(-dict="$FUZZ_DIR/dict/$target.dict")
  [ "$target" = csv_import ] && args+=(-max_len=16384)
  echo "==> fuzzing $target for ${seconds} s"
  before=$(mktemp)
  ls -1 "$artifacts" >"$before"
  status=0
  (cd "$FUZZ_DIR" && cargo "${toolchain[@]}" fuzz run "${build_flags[@]}" "$target" "$corpus" -- "${args[@]}") >"$log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1 || true)
  if [ -z "$runs" ]; then
    # No final stats (a crash): the last progress line says how far it got.
    runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#' || true)
  fi
  rate=$(grep -o 'exec/s: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)
  units=$(ls -1 "$corpus" | wc -l)
  summary+=("$(printf '%-12s %10s runs  %7s exec/s  %6s corpus' "$target" "${runs:-?}" "${rate:-?}" "$units")")
  new=$(ls -1 "$artifacts" | grep -vxF -f "$before" || true)
  rm -f "$before"
  if [ "$status" -ne 0 ] || [ -n "$new" ]; then
    failed+=("$target")
    echo "FAILED: $target (exit $status); the end of its log:" >&2
    grep -vE '^#[0-9]+\s+(NEW|REDUCE|pulse|RELOAD)' "$log" | tail -n 60 >&2
    for file in $new; do
      echo "crashing input: fuzz/artifacts/$target/$file" >&2
      echo "replay with:    (cd fuzz && cargo ${toolchain[*]} fuzz run ${build_flags[*]} $target artifacts/$target/$file)" >&2
    done
  fi
done

echo
echo "fuzz: ${#targets[@]} targets, ${seconds} s each"
printf '  %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no crashes"
