#!/usr/bin/env bash
# A real Temporal server (not `start-dev`) on PostgreSQL, for the production
# topology on one host, its tests and its benchmarks.
#
#   scripts/temporal-server.sh build           build the server and its SQL tool (once; cached)
#   scripts/temporal-server.sh start [PORT]    set up the schema when missing, start, create the namespace
#   scripts/temporal-server.sh stop [PORT]     SIGTERM, then SIGKILL after 20 s
#   scripts/temporal-server.sh kill [PORT]     SIGKILL (a crash, for fault tests)
#   scripts/temporal-server.sh status [PORT]   exit 0 when the frontend answers
#   scripts/temporal-server.sh bin             print the directory of the binaries
#
# The database comes from TEMPORAL_DB_HOST, TEMPORAL_DB_PORT, TEMPORAL_DB_USER and
# TEMPORAL_DB_PASSWORD (default: the server of scripts/postgres.sh), the databases from
# TEMPORAL_DB and TEMPORAL_VISIBILITY_DB (default temporal, temporal_visibility). TEMPORAL_TLS_CERT,
# TEMPORAL_TLS_KEY (and TEMPORAL_TLS_CLIENT_CA for mutual TLS) serve the frontend over TLS. The frontend
# listens on PORT (default 7233) on TEMPORAL_BIND_IP (default 127.0.0.1); the other
# services take PORT+1, +2, +6 and membership ports PORT+20…26 (deploy/temporal/config.yaml).
set -euo pipefail

TEMPORAL_SERVER_VERSION=v1.29.1   # the server the Temporal CLI v1.5.1 embeds: one Go module cache for both
COFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COFLOW_CACHE_DIR=${COFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coflow}
HOME_DIR=$COFLOW_CACHE_DIR/temporal/$TEMPORAL_SERVER_VERSION
BIN=$HOME_DIR/bin
die() { echo "coflow temporal: $*" >&2; exit 1; }
say() { echo "coflow temporal: $*" >&2; }

cmd=${1:-}
[ $# -gt 0 ] && shift
PORT=${1:-7233}
RUN=$COFLOW_CACHE_DIR/temporal/run-$PORT
export TEMPORAL_PORT=$PORT
export TEMPORAL_DB_HOST=${TEMPORAL_DB_HOST:-127.0.0.1}
export TEMPORAL_DB_PORT=${TEMPORAL_DB_PORT:-${COFLOW_PG_PORT:-55432}}
export TEMPORAL_DB_USER=${TEMPORAL_DB_USER:-coflow}
export TEMPORAL_DB_PASSWORD=${TEMPORAL_DB_PASSWORD:-}

build() {
  [ -x "$BIN/temporal-server" ] && [ -x "$BIN/temporal-sql-tool" ] && [ -d "$BIN/schema" ] && return 0
  command -v go >/dev/null || die "Go >= 1.25 is needed to build the Temporal server $TEMPORAL_SERVER_VERSION (https://go.dev/dl/)"
  mkdir -p "$BIN"
  say "building the Temporal server $TEMPORAL_SERVER_VERSION and its SQL tool with Go (once; cached in $BIN)"
  local tmp; tmp=$(mktemp -d)
  GOBIN=$tmp CGO_ENABLED=0 nice -n 10 go install -trimpath -ldflags "-s -w" \
    "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" \
    || die "building the Temporal server failed (see above)"
  # The schema's versioned SQL ships with the binaries (images and hosts without the module cache need it).
  local module; module=$(go list -m -f '{{.Dir}}' "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" 2>/dev/null || true)
  [ -d "$module/schema/postgresql/v12" ] || module=$(go env GOMODCACHE)/go.temporal.io/server@$TEMPORAL_SERVER_VERSION
  [ -d "$module/schema/postgresql/v12" ] || die "the server's schema files were not found in the Go module cache"
  rm -rf "$BIN/schema" && mkdir -p "$BIN/schema" && cp -r "$module/schema/postgresql" "$BIN/schema/"
  chmod -R u+w "$BIN/schema"
  mv "$tmp/server" "$BIN/temporal-server"
  mv "$tmp/sql" "$BIN/temporal-sql-tool"
  rm -rf "$tmp"
}

sql_tool() { # db args…
  local db=$1; shift
  "$BIN/temporal-sql-tool" --plugin postgres12 --ep "$TEMPORAL_DB_HOST" -p "$TEMPORAL_DB_PORT" \
    -u "$TEMPORAL_DB_USER" ${TEMPORAL_DB_PASSWORD:+--pw "$TEMPORAL_DB_PASSWORD"} --db "$db" "$@"
}

# Creates the two databases and brings their schemas to the binary's version (idempotent).
schema() {
  local db dir
  for db in "${TEMPORAL_DB:-temporal}" "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}"; do
    dir=$BIN/schema/postgresql/v12/$([ "$db" = "${TEMPORAL_DB:-temporal}" ] && echo temporal || echo visibility)/versioned
    sql_tool "$db" create-database >/dev/null 2>&1 || true
    sql_tool "$db" setup-schema -v 0.0 >/dev/null 2>&1 || true   # refuses when present: fine
    sql_tool "$db" update-schema -d "$dir" >"$RUN/schema-$db.log" 2>&1 || { tail -n 20 "$RUN/schema-$db.log" >&2; die "schema update of $db failed"; }
  done
}

# The Temporal CLI: on PATH, else the one scripts/setup.sh built.
cli() { if command -v temporal >/dev/null; then temporal "$@"; elif [ -x "$COFLOW_CACHE_DIR/bin/temporal" ]; then "$COFLOW_CACHE_DIR/bin/temporal" "$@"; else die "the Temporal CLI is missing: run scripts/setup.sh"; fi; }
# The CLI's TLS flags when the frontend serves TLS: the server's own certificate doubles as the client's.
tls_args() {
  [ -n "${TEMPORAL_TLS_CERT:-}" ] || return 0
  echo --tls --tls-cert-path "$TEMPORAL_TLS_CERT" --tls-key-path "$TEMPORAL_TLS_KEY" \
    --tls-ca-path "${TEMPORAL_TLS_CA:-${TEMPORAL_TLS_CLIENT_CA:-}}" --tls-server-name "${TEMPORAL_TLS_SERVER_NAME:-localhost}"
}
# shellcheck disable=SC2046 # the flags are words without spaces
answers() { cli operator namespace describe --namespace default --address "127.0.0.1:$PORT" $(tls_args) >/dev/null 2>&1; }
pid() { local f=$RUN/server.pid; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

start() {
  build
  mkdir -p "$RUN/config"
  cp "$COFLOW_ROOT/deploy/temporal/config.yaml" "$RUN/config/coflow.yaml"
  cp "$COFLOW_ROOT/deploy/temporal/dynamicconfig.yaml" "$RUN/config/dynamicconfig.yaml"
  export TEMPORAL_DYNAMIC_CONFIG=$RUN/config/dynamicconfig.yaml
  schema
  if ! pid >/dev/null; then
    setsid nohup "$BIN/temporal-server" --root "$RUN" --config config --env coflow --allow-no-auth start >>"$RUN/server.log" 2>&1 </dev/null &
    echo $! > "$RUN/server.pid"
  fi
  local until=$((SECONDS + 90))
  until answers; do
    pid >/dev/null || { tail -n 20 "$RUN/server.log" >&2; die "the server exited (log: $RUN/server.log)"; }
    # shellcheck disable=SC2046
    cli operator namespace create --namespace default --retention 72h --address "127.0.0.1:$PORT" $(tls_args) >/dev/null 2>&1 || true
    [ $SECONDS -lt $until ] || die "the server did not answer within 90 s (log: $RUN/server.log)"
    sleep 1
  done
  echo "127.0.0.1:$PORT"
}

stop() { # signal
  local p; p=$(pid) || return 0
  kill "-$1" "$p" 2>/dev/null || true
  for _ in $(seq 1 80); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$p" 2>/dev/null || true
  rm -f "$RUN/server.pid"
}

case "$cmd" in
  build) build ;;
  start) mkdir -p "$RUN"; start ;;
  stop) stop TERM ;;
  kill) stop KILL ;;
  status) answers ;;
  bin) echo "$BIN" ;;
  *) die "usage: $0 build|start|stop|kill|status|bin [PORT]" ;;
esac
