#!/usr/bin/env bash
# A real Gitea for the forge round-trip tests: built once from the Go module
# proxy, run on loopback on the PostgreSQL of scripts/postgres.sh.
#
#   scripts/gitea.sh build          build the binary (once; cached)
#   scripts/gitea.sh start [PORT]   create the `gitea` role and database, write app.ini, migrate, start; prints the URL
#   scripts/gitea.sh stop [PORT]    SIGTERM, then SIGKILL after 20 s
#   scripts/gitea.sh status [PORT]  exit 0 when the API answers
#   scripts/gitea.sh url [PORT]     http://127.0.0.1:PORT
#   scripts/gitea.sh admin [PORT] … `gitea admin …` with this instance's configuration (as its user)
#
# Binary: $COFLOW_CACHE_DIR/gitea/<version>/bin/gitea. Data: $COFLOW_CACHE_DIR/gitea/run-<port>
# (default port $COFLOW_GITEA_PORT or 53000). The database is `gitea` on the server of
# scripts/postgres.sh ($COFLOW_PG_PORT or 55432), owned by a `gitea` role; `start` drops
# and recreates it, so every start begins with an empty forge.
# Gitea refuses to run as root: as root it runs as the system user `coflow-gitea`
# (created on first start), rather than with Gitea's I_AM_BEING_UNSAFE_RUNNING_AS_ROOT
# override — a forge that runs git hooks as root is what that guard exists to prevent.
set -euo pipefail

GITEA_VERSION=v1.26.0   # v1.27+ declares its module path as gitea.dev
COFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COFLOW_CACHE_DIR=${COFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coflow}
HOME_DIR=$COFLOW_CACHE_DIR/gitea/$GITEA_VERSION
BIN=$HOME_DIR/bin
RUN_USER=coflow-gitea
die() { echo "coflow gitea: $*" >&2; exit 1; }
say() { echo "coflow gitea: $*" >&2; }

cmd=${1:-}
[ $# -gt 0 ] && shift
PORT=${COFLOW_GITEA_PORT:-53000}
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then PORT=$1; shift; fi
PG_PORT=${COFLOW_PG_PORT:-55432}
RUN=$COFLOW_CACHE_DIR/gitea/run-$PORT
URL=http://127.0.0.1:$PORT

# The wrapper module: requires Gitea, copies its replace lines (version pins Go only
# honours in the main module) and blank-imports it so `go mod tidy` keeps its graph.
wrapper() { # dir
  local dir=$1 src=$2
  cat >"$dir/go.mod" <<EOF
module coflow.local/gitea-build

go 1.26

require code.gitea.io/gitea $GITEA_VERSION
EOF
  grep '^replace ' "$src/go.mod" | sed 's| //.*$||' >>"$dir/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "code.gitea.io/gitea"\n' >"$dir/tools.go"
}

build() {
  [ -x "$BIN/gitea" ] && [ -f "$HOME_DIR/static-root" ] && return 0
  command -v go >/dev/null || die "Go >= 1.26 is needed to build Gitea $GITEA_VERSION (https://go.dev/dl/)"
  say "building Gitea $GITEA_VERSION with Go (once, about 5 minutes; cached in $BIN)"
  mkdir -p "$BIN"
  local src tmp
  src=$(go mod download -json "code.gitea.io/gitea@$GITEA_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -f "$src/go.mod" ] || die "Gitea $GITEA_VERSION could not be downloaded from the Go module proxy"
  tmp=$(mktemp -d)
  wrapper "$tmp" "$src"
  (cd "$tmp" && go mod tidy >/dev/null 2>"$tmp/tidy.log") || { cat "$tmp/tidy.log" >&2; die "go mod tidy of the wrapper module failed"; }
  (cd "$tmp" && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "-s -w" -o "$tmp/gitea" code.gitea.io/gitea) \
    || die "building Gitea failed (see above)"
  mv "$tmp/gitea" "$BIN/gitea"
  # Locales and templates are not compiled in: Gitea reads them from its source folder.
  echo "$src" >"$HOME_DIR/static-root"
  rm -rf "$tmp"
}

# SQL as the superuser `coflow` of scripts/postgres.sh.
psql_() { PGOPTIONS='-c client_min_messages=warning' bash "$COFLOW_ROOT/scripts/postgres.sh" psql "$PG_PORT" -v ON_ERROR_STOP=1 -qtAc "$1"; }

# Runs a command as the user Gitea runs as.
# setpriv execs (no parent left behind), so the pid started in the background is Gitea's.
as_user() { if [ "$(id -u)" = 0 ]; then setpriv --reuid "$RUN_USER" --regid "$RUN_USER" --init-groups -- "$@"; else "$@"; fi; }
user() {
  [ "$(id -u)" = 0 ] || return 0
  id -u "$RUN_USER" >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$RUN_USER" \
    || die "could not create the system user $RUN_USER"
  # It must reach its data and the module source below root's home: traversal only (o+x).
  local d
  for d in "$RUN" "$(cat "$HOME_DIR/static-root")"; do
    while [ "$d" != / ]; do
      d=$(dirname "$d")
      if [ "$(stat -c %u "$d")" = 0 ] && ! runuser -u "$RUN_USER" -- test -x "$d"; then chmod o+x "$d"; fi
    done
  done
}

config() {
  cat >"$RUN/app.ini" <<EOF
APP_NAME = coflow test forge
RUN_MODE = prod
WORK_PATH = $RUN

[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = $PORT
ROOT_URL = $URL/
DOMAIN = 127.0.0.1
DISABLE_SSH = true
OFFLINE_MODE = true   # no CDN, no Gravatar (1.26 moved [picture] DISABLE_GRAVATAR to the admin panel)
STATIC_ROOT_PATH = $(cat "$HOME_DIR/static-root")
APP_DATA_PATH = $RUN/data
LFS_START_SERVER = false

[database]
DB_TYPE = postgres
HOST = 127.0.0.1:$PG_PORT
NAME = gitea
USER = gitea
PASSWD =
SSL_MODE = disable

[repository]
ROOT = $RUN/repositories

[security]
INSTALL_LOCK = true
SECRET_KEY = coflow-test-forge-secret-key-not-secret
INTERNAL_TOKEN = eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYmYiOjB9.coflow-test-forge-internal-token

[oauth2]
ENABLED = false
JWT_SECRET = coflow-test-forge-jwt-secret-not-secret-0123

[service]
DISABLE_REGISTRATION = true
REQUIRE_SIGNIN_VIEW = false
ENABLE_NOTIFY_MAIL = false

[mailer]
ENABLED = false

[cron.update_checker]
ENABLED = false

[webhook]
ALLOWED_HOST_LIST = loopback
DELIVER_TIMEOUT = 10

[actions]
ENABLED = false

[indexer]
ISSUE_INDEXER_TYPE = db
REPO_INDEXER_ENABLED = false

[queue]
TYPE = level
DATADIR = $RUN/queues

[session]
PROVIDER = memory

[cache]
ADAPTER = memory

[log]
MODE = file
LEVEL = Info
ROOT_PATH = $RUN/log
EOF
}

answers() { curl -sf -o /dev/null "$URL/api/v1/version"; }
pid() { local f=$RUN/gitea.pid; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }
gitea_() { as_user env HOME="$RUN" GITEA_WORK_DIR="$RUN" "$BIN/gitea" --config "$RUN/app.ini" --work-path "$RUN" "$@"; }

start() {
  build
  stop
  bash "$COFLOW_ROOT/scripts/postgres.sh" start "$PG_PORT" >/dev/null
  rm -rf "$RUN" && mkdir -p "$RUN/log" "$RUN/data" "$RUN/repositories"
  user
  config
  [ "$(id -u)" = 0 ] && chown -R "$RUN_USER:" "$RUN"
  psql_ "SELECT 1 FROM pg_roles WHERE rolname = 'gitea'" | grep -q 1 || psql_ "CREATE ROLE gitea LOGIN"
  psql_ "DROP DATABASE IF EXISTS gitea WITH (FORCE)"
  psql_ "CREATE DATABASE gitea OWNER gitea ENCODING 'UTF8'"
  gitea_ migrate >"$RUN/log/migrate.log" 2>&1 || { tail -n 20 "$RUN/log/migrate.log" >&2; die "gitea migrate failed"; }
  local runas=(); [ "$(id -u)" = 0 ] && runas=(setpriv --reuid "$RUN_USER" --regid "$RUN_USER" --init-groups --)
  setsid nohup "${runas[@]}" env HOME="$RUN" GITEA_WORK_DIR="$RUN" "$BIN/gitea" --config "$RUN/app.ini" --work-path "$RUN" web \
    >>"$RUN/log/stdout.log" 2>&1 </dev/null &
  echo $! >"$RUN/gitea.pid"
  local until=$((SECONDS + 60))
  until answers; do
    pid >/dev/null || { tail -n 20 "$RUN/log/stdout.log" >&2; die "Gitea exited (log: $RUN/log)"; }
    [ $SECONDS -lt $until ] || die "Gitea did not answer within 60 s (log: $RUN/log)"
    sleep 0.3
  done
  echo "$URL"
}

stop() {
  local p; p=$(pid) || return 0
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 80); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$p" 2>/dev/null || true
  rm -f "$RUN/gitea.pid"
}

case "$cmd" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  status) answers ;;
  url) echo "$URL" ;;
  admin) gitea_ admin "$@" ;;
  *) die "usage: $0 build|start|stop|status|url|admin [PORT] [ARGS…]" ;;
esac
