# Shared helpers for the run and test scripts. Sourced, not run.

# Installs the web app's npm packages when the lock file changed since the last install.
frontend_deps() {
  local stamp=frontend/node_modules/.creditloop-lock
  if [ ! -f "$stamp" ] || ! cmp -s frontend/package-lock.json "$stamp"; then
    echo "==> installing web app packages (npm ci)"
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
    cp frontend/package-lock.json "$stamp"
  fi
}

# Builds the web app into frontend/dist.
frontend_build() {
  frontend_deps
  echo "==> building the web app"
  (cd frontend && npm run --silent build >/dev/null)
}

# Makes sure the local PostgreSQL answers; starts the machine's cluster if it is down.
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    local version
    version=$(ls /etc/postgresql 2>/dev/null | head -n 1)
    [ -n "$version" ] && pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
    sleep 1
  done
  echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2
  return 1
}

# Waits until a URL answers, up to $2 seconds.
wait_for() {
  local url=$1 seconds=${2:-60}
  for _ in $(seq 1 "$seconds"); do
    curl -fsS "$url" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "timed out waiting for $url" >&2
  return 1
}
