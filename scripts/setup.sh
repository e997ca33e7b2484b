#!/usr/bin/env bash
# Sets up everything coflow needs on this machine, idempotently:
#   Node 24 (the npm `node` package, into node_modules), the npm dependencies,
#   the Temporal CLI (a pinned release, built with Go when missing, cached
#   outside the clone), a running Docker Engine, and the local images.
# Source it (scripts/dev, scripts/test do) to get node_modules/.bin on PATH.
# A missing prerequisite ends with one message saying what to install.
set -euo pipefail

COFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COFLOW_CACHE_DIR=${COFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coflow}
TEMPORAL_CLI_VERSION=v1.5.1
export COFLOW_CACHE_DIR

die() { echo "coflow setup: $*" >&2; exit 1; }
say() { echo "coflow setup: $*" >&2; }
# `timed NAME CMD…` runs CMD and prints how long it took (CI reads these lines).
timed() {
  local name=$1 t0=$SECONDS status=0; shift
  "$@" || status=$?
  echo "coflow phase: $name $((SECONDS - t0)) s" >&2
  return "$status"
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi; }
apt_install() {
  command -v apt-get >/dev/null || return 1
  if [ -z "${COFLOW_APT_UPDATED:-}" ]; then as_root apt-get update -qq >/dev/null; COFLOW_APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- Node 24 and npm dependencies -------------------------------------------
command -v npm >/dev/null || die "npm is missing: install Node.js (any version with npm; coflow brings its own Node 24)"
cd "$COFLOW_ROOT"
lock_hash=$(sha256sum package-lock.json | cut -c1-16)
if [ "$(cat node_modules/.coflow-lock 2>/dev/null)" != "$lock_hash" ]; then
  say "installing npm dependencies (Node 24 included)"
  # `npm install`, not `npm ci`: a registry that lacks some other-platform optional
  # packages (as mirrors do) leaves them out of the lock, and `npm ci` then refuses.
  timed npm-install npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null
  echo "$lock_hash" > node_modules/.coflow-lock
fi
export PATH="$COFLOW_ROOT/node_modules/.bin:$PATH"
case "$(node --version)" in v24.*) ;; *) die "node_modules/.bin/node is $(node --version), not Node 24: delete node_modules and run again";; esac

# --- Temporal CLI ------------------------------------------------------------
if [ -n "${COFLOW_TEMPORAL_BIN:-}" ]; then
  [ -x "$COFLOW_TEMPORAL_BIN" ] || die "COFLOW_TEMPORAL_BIN=$COFLOW_TEMPORAL_BIN is not an executable"
elif ! command -v temporal >/dev/null && [ ! -x "$COFLOW_CACHE_DIR/bin/temporal" ]; then
  command -v go >/dev/null || die "the Temporal CLI is missing: install it (https://docs.temporal.io/cli) or install Go >= 1.25 and run this again"
  say "building the Temporal CLI $TEMPORAL_CLI_VERSION with Go (once; cached in $COFLOW_CACHE_DIR)"
  mkdir -p "$COFLOW_CACHE_DIR/bin"
  GOBIN="$COFLOW_CACHE_DIR/bin" CGO_ENABLED=0 timed temporal-cli go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" \
    || die "building the Temporal CLI failed (see above)"
fi

# --- Docker Engine -----------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null; then
    say "installing Docker Engine (Debian docker.io)"
    apt_install docker.io || die "Docker is missing: install Docker Engine and start it"
  fi
  if ! docker info >/dev/null 2>&1; then
    say "starting dockerd"
    mkdir -p "$COFLOW_CACHE_DIR"
    # In a session of its own (setsid), so that Ctrl-C on `scripts/dev` or the end of the
    # shell that ran the setup does not take dockerd with it, and without the caller's open
    # files beyond stdio (a lock the caller holds would otherwise stay held by dockerd).
    as_root setsid -f bash -c 'for fd in $(ls /proc/$$/fd); do if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi; done; exec dockerd' \
      </dev/null >>"$COFLOW_CACHE_DIR/dockerd.log" 2>&1
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || die "dockerd did not start: see $COFLOW_CACHE_DIR/dockerd.log"
  fi
fi

# --- Images ------------------------------------------------------------------
if ! docker image inspect coflow/busybox:1 >/dev/null 2>&1 && ! { command -v busybox >/dev/null && file -L "$(command -v busybox)" | grep -q 'statically linked'; }; then
  apt_install busybox-static file || true
fi
# The library's components are built on debian:bookworm-slim (scripts/images.sh base:
# `docker pull`, else debootstrap from Debian's archive) and library/kubectl on a kubectl
# built with Go (scripts/kubectl-build.sh); both once, then only what changed.
if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1 && ! command -v debootstrap >/dev/null; then
  apt_install debootstrap || true   # images.sh says what is missing if no registry answers either
fi
timed images bash "$COFLOW_ROOT/scripts/build-images.sh" || die "the component images could not be built (see above)"
# The web UI's browser build (esbuild, about a second), kept in $COFLOW_CACHE_DIR/web/<hash of
# its sources>: built only when web/ (or the shared code it uses) changed. The API rebuilds a
# stale one at start too, so a stale build is never served.
timed web node "$COFLOW_ROOT/web/build.ts" >/dev/null || die "the web UI could not be built (see above)"

# --- What only the tests need (scripts/test: COFLOW_SETUP_TEST=1) ------------------
# The pinned Kubernetes, etcd and CoreDNS, built once with Go (about 13 minutes on 2 cores;
# cached in $COFLOW_CACHE_DIR/k8s) with containerd & co: the kubernetes tests start the
# cluster themselves (about 12 s warm). PostgreSQL (Debian's) and the real Temporal server (built
# once with Go, about 4 minutes) for the production topology; its tests start them.
if [ "${COFLOW_SETUP_TEST:-}" = 1 ]; then
  timed k8s-prepare bash "$COFLOW_ROOT/scripts/k8s/cluster.sh" prepare || die "the Kubernetes test cluster could not be built (see above)"
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    say "installing PostgreSQL (Debian postgresql)"
    apt_install postgresql || die "PostgreSQL is missing: install Debian's postgresql (or your system's PostgreSQL >= 12 server)"
  fi
  timed temporal-server bash "$COFLOW_ROOT/scripts/temporal-server.sh" build || die "the Temporal server could not be built (see above)"
  # The image pull tests: the Distribution registry (built once with Go, about 2 minutes;
  # scripts/registry.sh) started on loopback, with bcrypt htpasswd files from apache2-utils.
  timed registry bash "$COFLOW_ROOT/scripts/registry.sh" build || die "the image registry of the pull tests could not be built (see above)"
  if ! command -v htpasswd >/dev/null; then
    apt_install apache2-utils || die "htpasswd is missing: install Debian's apache2-utils"
  fi
  # The forge tests: a real Gitea (built once with Go from the module proxy, about 5 minutes;
  # scripts/gitea.sh) on the production fixture's PostgreSQL; its tests start it.
  timed gitea bash "$COFLOW_ROOT/scripts/gitea.sh" build || die "Gitea for the forge tests could not be built (see above)"
  # The compose tests: Compose v2 (`docker compose`, else built once with Go by
  # scripts/compose.sh; Debian's docker-compose 1.29.2 if that fails) and the production
  # images (scripts/images.sh; debian:bookworm-slim by debootstrap when no registry
  # answers: a few minutes the first time, then only what changed).
  if ! docker compose version >/dev/null 2>&1 && ! timed compose bash "$COFLOW_ROOT/scripts/compose.sh" build; then
    if ! command -v docker-compose >/dev/null; then
      say "installing Debian's docker-compose instead"
      apt_install docker-compose || die "Compose is missing: install Compose v2 or Debian's docker-compose"
    fi
  fi
  timed images-production bash "$COFLOW_ROOT/scripts/images.sh" build || die "the production images could not be built (see above)"
  # The browser tests drive Debian's Chromium with playwright-core (Playwright's own browser
  # download needs hosts this network may not reach); COFLOW_CHROMIUM names another one.
  if [ -z "${COFLOW_CHROMIUM:-}" ] && ! command -v chromium >/dev/null; then
    say "installing Chromium (Debian chromium) for the browser tests"
    t0=$SECONDS
    apt_install chromium fonts-dejavu-core || die "Chromium is missing: install Debian's chromium (or set COFLOW_CHROMIUM to a Chromium executable)"
    echo "coflow phase: chromium $((SECONDS - t0)) s" >&2
  fi
fi
