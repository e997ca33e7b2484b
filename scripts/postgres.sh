#!/usr/bin/env bash
# A PostgreSQL server for coflow's tests and local trials: Debian's
# `postgresql` package, on a loopback port, its data in the cache.
#
#   scripts/postgres.sh start [PORT]   initialise once, start, create the `coflow` database; prints its URL
#   scripts/postgres.sh stop [PORT]    fast shutdown
#   scripts/postgres.sh kill [PORT]    immediate shutdown (a crash, for fault tests)
#   scripts/postgres.sh status [PORT]  exit 0 when it answers
#   scripts/postgres.sh url [PORT]     postgres://coflow@127.0.0.1:PORT/coflow
#   scripts/postgres.sh psql [PORT] …  psql on the `coflow` database
#
# Data: $COFLOW_CACHE_DIR/postgres/<port> (default port $COFLOW_PG_PORT or 55432).
# PostgreSQL refuses to run as root: as root it runs as the `postgres` user.
set -euo pipefail

COFLOW_CACHE_DIR=${COFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coflow}
die() { echo "coflow postgres: $*" >&2; exit 1; }
say() { echo "coflow postgres: $*" >&2; }

cmd=${1:-}
[ $# -gt 0 ] && shift
PORT=${COFLOW_PG_PORT:-55432}
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then PORT=$1; shift; fi
DIR=$COFLOW_CACHE_DIR/postgres/$PORT
DATA=$DIR/data
URL=postgres://coflow@127.0.0.1:$PORT/coflow

pg_bin() {
  local v
  for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
    [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ] && { echo "/usr/lib/postgresql/$v/bin"; return 0; }
  done
  die "PostgreSQL is not installed: apt-get install postgresql (Debian), or point COFLOW_DATABASE_URL at a server of yours"
}

# Runs a server program as the user that owns the data: `postgres` when we are root.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# As root, the `postgres` user must be able to reach the data below $HOME: grant
# traversal (o+x, never listing) on the directories on the way that lack it.
reachable() {
  [ "$(id -u)" = 0 ] || return 0
  local d=$DIR
  while [ "$d" != / ]; do
    d=$(dirname "$d")
    if [ "$(stat -c %u "$d")" = 0 ] && ! runuser -u postgres -- test -x "$d"; then
      chmod o+x "$d"
      say "allowed the postgres user to traverse $d (o+x)"
    fi
  done
}

answers() { "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d coflow -U coflow; }

start() {
  local bin; bin=$(pg_bin)
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
  reachable
  if [ ! -f "$DATA/PG_VERSION" ]; then
    # C collation: text sorts by code point, the same order the embedded store gives.
    as_owner "$bin/initdb" -D "$DATA" -A trust -U coflow --encoding UTF8 --locale C >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  fi
  if ! answers; then
    as_owner "$bin/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w -t 60 \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
      || { tail -n 20 "$DIR/postgres.log" >&2; die "the server did not start (log: $DIR/postgres.log)"; }
  fi
  "$bin/psql" -h 127.0.0.1 -p "$PORT" -U coflow -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'coflow'" | grep -q 1 \
    || "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U coflow coflow
  echo "$URL"
}

stop() { # mode: fast | immediate
  [ -f "$DATA/postmaster.pid" ] || return 0
  as_owner "$(pg_bin)/pg_ctl" -D "$DATA" -m "$1" -w -t 60 stop >/dev/null 2>&1 || true
}

case "$cmd" in
  start) start ;;
  stop) stop fast ;;
  kill) stop immediate ;;
  status) answers ;;
  url) echo "$URL" ;;
  psql) exec "$(pg_bin)/psql" -h 127.0.0.1 -p "$PORT" -U coflow -d coflow "$@" ;;
  *) die "usage: $0 start|stop|kill|status|url|psql [PORT] [ARGS…]" ;;
esac
