#!/usr/bin/env bash
# Deployment checks for the creditloop Helm chart (and the Dockerfile), offline:
#   helm lint --strict, helm template (several value sets), kubernetes-validate --strict,
#   yamllint, helm/tests/check_rendered.py, values.schema.json negative cases, hadolint, shellcheck.
# Tools come from scripts/install-helm.sh (.tools/). Last line: "helm: N passed, M failed".
# Exit status is non-zero when anything failed. VERBOSE=1 prints the output of passing steps too.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
CHART="helm/creditloop"
PROD_VALUES="$CHART/values-production.yaml"
# Oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and a current one.
K8S_VERSIONS=(1.25.0 1.35.0)

pass=0
fail=0
summary() {
  echo "helm: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}

if ! bash scripts/install-helm.sh; then
  echo "not ok - install tools (scripts/install-helm.sh)"
  fail=$((fail + 1))
  summary
  exit 1
fi
HELM="$ROOT/.tools/helm"
VENV="$ROOT/.tools/venv/bin"

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() {
  fail=$((fail + 1)); echo "not ok - $1"
  [ -n "${2:-}" ] && printf '%s\n' "$2" | tail -n 40 | sed 's/^/    /'
  return 0
}
# step NAME CMD...: passes when CMD exits 0.
step() {
  local name="$1"; shift
  local log
  if log="$("$@" 2>&1)"; then
    ok "$name"
    [ -n "${VERBOSE:-}" ] && [ -n "$log" ] && printf '%s\n' "$log" | sed 's/^/    /'
  else
    not_ok "$name" "$log"
  fi
  return 0
}
# must_fail NAME CMD...: passes when CMD exits non-zero (schema / template guards).
must_fail() {
  local name="$1"; shift
  local log
  if log="$("$@" 2>&1)"; then not_ok "$name (was accepted)" "$log"; else ok "$name"; fi
  return 0
}

# ------------------------------------------------------------------ lint
SEP_ARGS=(-f "$PROD_VALUES" --set workers.separate=true --set migrations.database.existingSecret=creditloop-migrate
          --set smtp.existingSecret=creditloop-secrets --set sessionKey.existingSecret=creditloop-secrets
          --set-string 'config.mailFrom=creditloop <no-reply@example.com>')
DEV_ARGS=(--set devSecret.create=true --set devSecret.databaseUrl=postgres://dev:dev@postgres:5432/creditloop
          --set devSecret.sessionKey=dev-only-session-key)
step "helm lint --strict (default values)" "$HELM" lint --strict "$CHART"
step "helm lint --strict (values-production.yaml)" "$HELM" lint --strict "$CHART" -f "$PROD_VALUES"
step "helm lint --strict (production + workers.separate)" "$HELM" lint --strict "$CHART" "${SEP_ARGS[@]}"
step "helm lint --strict (devSecret)" "$HELM" lint --strict "$CHART" "${DEV_ARGS[@]}"

# ------------------------------------------------------------------ render
render() { "$HELM" template creditloop "$CHART" --namespace creditloop "${@:2}" >"$OUT/$1.yaml"; }
step "helm template (default values)" render default
step "helm template (values-production.yaml)" render prod -f "$PROD_VALUES"
step "helm template (production + workers.separate)" render sep "${SEP_ARGS[@]}"
step "helm template (devSecret)" render dev "${DEV_ARGS[@]}"
# `helm template` skips NOTES.txt; a client-side dry-run install renders it (no cluster needed).
notes() { "$HELM" install creditloop "$CHART" --namespace creditloop --dry-run=client "$@" | grep -q '^NOTES:'; }
step "NOTES.txt renders (default values)" notes
step "NOTES.txt renders (production + workers.separate)" notes "${SEP_ARGS[@]}"
RENDERED=("$OUT/default.yaml" "$OUT/prod.yaml" "$OUT/sep.yaml" "$OUT/dev.yaml")

# ------------------------------------------------------------------ kubernetes schemas
# kubernetes-validate skips kinds it has no schema for with a warning. Only the Prometheus
# Operator CRDs (checked by check_rendered.py) may be skipped; anything else is a typo.
kval() {
  local log rc
  log="$("$VENV/kubernetes-validate" --strict --quiet -k "$1" "${RENDERED[@]}" 2>&1)"; rc=$?
  printf '%s\n' "$log"
  [ $rc -eq 0 ] || return 1
  if printf '%s\n' "$log" | grep "Couldn't find schema" | grep -v "monitoring.coreos.com/v1" >/dev/null; then
    echo "unexpected kind without schema"; return 1
  fi
}
for v in "${K8S_VERSIONS[@]}"; do
  step "kubernetes-validate --strict (Kubernetes $v)" kval "$v"
done

# ------------------------------------------------------------------ yaml style
# relaxed, plus: toYaml emits unindented sequences inside our indented ones; long lines are
# comments and annotations.
YAMLLINT_RENDERED='{extends: relaxed, rules: {line-length: disable, indentation: {spaces: consistent, indent-sequences: whatever}}}'
step "yamllint (rendered manifests, relaxed)" "$VENV/yamllint" -s -d "$YAMLLINT_RENDERED" "${RENDERED[@]}"
step "yamllint (Chart.yaml, values files)" "$VENV/yamllint" -s \
  -d '{extends: relaxed, rules: {line-length: {max: 120}}}' \
  "$CHART/Chart.yaml" "$CHART/values.yaml" "$PROD_VALUES"

# ------------------------------------------------------------------ assertions on the manifests
if checks="$("$VENV/python" helm/tests/check_rendered.py "$OUT" "$ROOT" 2>&1)"; then :; fi
printf '%s\n' "$checks"
n_ok=$(printf '%s\n' "$checks" | grep -c '^ok - ' || true)
n_bad=$(printf '%s\n' "$checks" | grep -c '^not ok - ' || true)
pass=$((pass + n_ok))
fail=$((fail + n_bad))
if [ "$n_ok" -eq 0 ] && [ "$n_bad" -eq 0 ]; then not_ok "check_rendered.py ran no check" "$checks"; fi

# ------------------------------------------------------------------ values guards (schema + fail)
tpl() { "$HELM" template t "$CHART" "$@"; }
must_fail "schema rejects unknown top-level value" tpl --set nosuchKey=1
must_fail "schema rejects unknown config key" tpl --set config.nosuch=1
must_fail "schema rejects readOnlyRootFilesystem=false" tpl --set securityContext.readOnlyRootFilesystem=false
must_fail "schema rejects running as root (runAsUser=0)" tpl --set podSecurityContext.runAsUser=0
must_fail "schema rejects config.mode outside development|production" tpl --set config.mode=prod
must_fail "schema rejects a secret env name in extraConfig" tpl --set extraConfig.CREDITLOOP_DATABASE_URL=x
must_fail "template refuses SQLite with several replicas" tpl --set replicaCount=3
must_fail "template refuses SQLite with separate workers" tpl --set workers.separate=true

# ------------------------------------------------------------------ scripts
step "shellcheck scripts/install-helm.sh scripts/helm-check.sh" \
  "$VENV/shellcheck" scripts/install-helm.sh scripts/helm-check.sh

# ------------------------------------------------------------------ Dockerfile
if [ -f Dockerfile ]; then
  step "hadolint Dockerfile" "$VENV/hadolint" Dockerfile
else
  not_ok "Dockerfile exists"
fi

summary
