#!/bin/bash
# Initialises the data directory on the first start, then runs the server in the
# foreground (SIGINT, the image's stop signal, is PostgreSQL's fast shutdown).
set -euo pipefail
user=${POSTGRES_USER:-postgres}
auth=${POSTGRES_HOST_AUTH:-scram-sha-256}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ "$auth" != trust ] && [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "coflow-postgres: set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH=trust on a network you trust)" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  # C collation: text sorts by code point, as in coflow's embedded store.
  initdb -D "$PGDATA" -U "$user" --encoding UTF8 --locale C --auth-local trust --auth-host "$auth" \
    ${POSTGRES_PASSWORD:+--pwfile "$pwfile"} >/dev/null
  rm -f "$pwfile"
  # Clients come from the container network: every address, with the password.
  echo "host all all all $auth" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -k /var/run/postgresql" -w start >/dev/null
  IFS=, read -ra dbs <<<"${POSTGRES_DB:-}"
  for db in "${dbs[@]}"; do
    db=$(echo "$db" | tr -d '[:space:]')
    [ -n "$db" ] && createdb -h /var/run/postgresql -U "$user" "$db"
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "coflow-postgres: initialised $PGDATA (user $user${POSTGRES_DB:+, databases $POSTGRES_DB})"
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql \
  -c max_connections="${POSTGRES_MAX_CONNECTIONS:-200}" "$@"
