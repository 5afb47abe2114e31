# syntax=docker/dockerfile:1.7
#
# creditloop container image.
#   docker build -t creditloop:dev .
#   docker run --rm -p 8080:8080 creditloop:dev          # SQLite in /app/data (ephemeral)
#   docker run --rm -e CREDITLOOP_DATABASE_URL=postgres://... creditloop:dev migrate
#
# Stages: frontend (Node 20: frontend/dist) | chef/planner/builder (Rust: release binary with
# dependencies cached by cargo-chef) | runtime (debian bookworm-slim, non-root uid 10001).
# Needs BuildKit (cache mounts); every Docker since 23.0 uses it by default.

ARG RUST_VERSION=1.95
ARG NODE_VERSION=20
ARG CARGO_CHEF_VERSION=0.1.77

# ----------------------------------------------------------------------------- web app
FROM node:${NODE_VERSION}-bookworm-slim AS frontend
WORKDIR /src/frontend
ENV CI=true NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY frontend/package.json frontend/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci
COPY frontend/ ./
RUN npm run build && test -f dist/index.html

# ----------------------------------------------------------------------------- rust toolchain + cargo-chef
FROM rust:${RUST_VERSION}-bookworm AS chef
ARG CARGO_CHEF_VERSION
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    cargo install cargo-chef --locked --version "${CARGO_CHEF_VERSION}"
WORKDIR /src

# Only what the Cargo workspace needs (keeps frontend/docs/helm edits from invalidating the
# Rust layers). A new top-level workspace member must be added to both COPY blocks below.
FROM chef AS planner
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
COPY migrations ./migrations
COPY tests ./tests
COPY bench/Cargo.toml ./bench/Cargo.toml
COPY bench/src ./bench/src
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /src/recipe.json recipe.json
# Dependencies only: this layer is reused until Cargo.toml/Cargo.lock change. (The lock file
# is enforced by `cargo build --locked` below.)
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    cargo chef cook --release -p creditloop-server --recipe-path recipe.json
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
COPY migrations ./migrations
COPY tests ./tests
COPY bench/Cargo.toml ./bench/Cargo.toml
COPY bench/src ./bench/src
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    cargo build --release --locked -p creditloop-server \
    && install -D -m 0755 target/release/creditloop /out/creditloop \
    && /out/creditloop --help >/dev/null

# ----------------------------------------------------------------------------- runtime
FROM debian:bookworm-slim AS runtime
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="creditloop" \
      org.opencontainers.image.description="Prepaid mobile credit management for companies" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

# ca-certificates: TLS to PostgreSQL, SMTP, the carrier gateway and the OTLP collector.
# Versions are left to the bookworm security archive on purpose (rebuild to patch).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 creditloop \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin creditloop \
    && mkdir -p /app/data \
    && chown 10001:10001 /app/data

COPY --from=builder /out/creditloop /usr/local/bin/creditloop
COPY --from=frontend /src/frontend/dist /app/frontend/dist

WORKDIR /app
ENV CREDITLOOP_LISTEN=0.0.0.0:8080 \
    CREDITLOOP_MODE=production \
    CREDITLOOP_LOG_FORMAT=json \
    CREDITLOOP_DATA_DIR=/app/data \
    CREDITLOOP_FRONTEND_DIR=/app/frontend/dist

# Numeric user so that Kubernetes runAsNonRoot can verify it.
USER 10001:10001
EXPOSE 8080
VOLUME ["/app/data"]

# `creditloop healthcheck` GETs http://127.0.0.1:8080/healthz and exits 0/1 (no curl in the image).
# Kubernetes ignores HEALTHCHECK and uses the chart's probes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["creditloop", "healthcheck"]

ENTRYPOINT ["creditloop"]
CMD ["serve"]
