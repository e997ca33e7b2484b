#!/bin/bash
# Brings both databases' schemas to this server's version (creating them on the
# first start), starts the Temporal server, and creates the namespace when missing.
set -euo pipefail
: "${TEMPORAL_DB_HOST:?TEMPORAL_DB_HOST: the PostgreSQL server}"
: "${TEMPORAL_DB_USER:?TEMPORAL_DB_USER: the PostgreSQL user}"
export TEMPORAL_BROADCAST_ADDRESS=${TEMPORAL_BROADCAST_ADDRESS:-$(hostname -i | awk '{ print $1 }')}
export SQL_PASSWORD=${TEMPORAL_DB_PASSWORD:-}
namespace=${TEMPORAL_NAMESPACE:-default}
retention=${TEMPORAL_NAMESPACE_RETENTION:-72h}
http=http://127.0.0.1:$((TEMPORAL_PORT + 10))/api/v1/namespaces
schema=/etc/temporal/schema/postgresql/v12
say() { echo "coflow-temporal: $*" >&2; }
# The namespace's retention as a protobuf duration, in seconds.
case $retention in
  *d) seconds=$(( ${retention%d} * 86400 )) ;;
  *h) seconds=$(( ${retention%h} * 3600 )) ;;
  *) say "TEMPORAL_NAMESPACE_RETENTION must be hours (72h) or days (3d), got \"$retention\""; exit 2 ;;
esac

sql() { # database, then the tool's command
  local db=$1; shift
  temporal-sql-tool --plugin postgres12 --ep "$TEMPORAL_DB_HOST" -p "$TEMPORAL_DB_PORT" -u "$TEMPORAL_DB_USER" --db "$db" "$@"
}

# PostgreSQL may still be starting: wait up to a minute for it to take connections.
for _ in $(seq 1 60); do
  out=$(sql "${TEMPORAL_DB:-temporal}" create-database 2>&1) && break
  grep -q 'already exists' <<<"$out" && break
  sleep 1
done
for db in "${TEMPORAL_DB:-temporal}:temporal" "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}:visibility"; do
  name=${db%%:*}; dir=$schema/${db##*:}/versioned
  out=$(sql "$name" create-database 2>&1) || grep -q 'already exists' <<<"$out" || { echo "$out" >&2; say "cannot create database $name"; exit 1; }
  sql "$name" setup-schema -v 0.0 >/dev/null 2>&1 || true   # refuses when the schema exists: fine
  out=$(sql "$name" update-schema -d "$dir" 2>&1) || { echo "$out" >&2; say "schema update of $name failed"; exit 1; }
done
say "schemas of ${TEMPORAL_DB:-temporal} and ${TEMPORAL_VISIBILITY_DB:-temporal_visibility} are current"

temporal-server --root /etc/temporal --config config --env coflow --allow-no-auth start &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' TERM INT

# The namespace, when missing.
until curl -fsS -o /dev/null "$http/$namespace" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || break
  if curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' \
      -d "{\"namespace\":\"$namespace\",\"workflowExecutionRetentionPeriod\":\"${seconds}s\"}" "$http" 2>/dev/null; then
    say "created namespace $namespace (retention $retention)"
  fi
  sleep 1 & wait $! || true
done
kill -0 "$pid" 2>/dev/null && say "serving on :$TEMPORAL_PORT (namespace $namespace)"
status=0
wait "$pid" || status=$?
exit "$status"
