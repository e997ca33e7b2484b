#!/bin/bash
# Writes the upstream of the API servers from COFLOW_PROXY_UPSTREAMS, runs nginx,
# and follows the servers' addresses: nginx resolves names only when it loads its
# configuration, so a restarted API server (a new container address) would stay
# unreachable; every COFLOW_PROXY_RESOLVE_EVERY seconds the names are resolved
# again and nginx reloads when an address changed.
set -euo pipefail
upstreams=${COFLOW_PROXY_UPSTREAMS:-api-1:8080,api-2:8080}
every=${COFLOW_PROXY_RESOLVE_EVERY:-5}
dir=/etc/nginx/coflow

# The upstream block: each name's current IPv4 addresses; a name that does not
# resolve (its container is not there yet) is left out until it does.
render() {
  local hp host port ip servers=""
  local -a list
  IFS=, read -ra list <<<"$upstreams"
  for hp in "${list[@]}"; do
    hp=${hp//[[:space:]]/}
    [ -n "$hp" ] || continue
    host=${hp%:*}; port=${hp##*:}
    [ "$host" != "$hp" ] || port=8080
    for ip in $(getent ahostsv4 "$host" | awk '{ print $1 }' | sort -u); do
      servers+="  server $ip:$port max_fails=1 fail_timeout=5s; # $host"$'\n'
    done
  done
  # Nothing resolves yet: answer 502 until something does.
  [ -n "$servers" ] || servers="  server 127.0.0.1:9 down;"$'\n'
  # least_conn: SSE streams are long; spread the open ones, not the requests.
  printf 'upstream coflow_api {\n  least_conn;\n%s  keepalive 32;\n}\n' "$servers"
}

cat >"$dir/timeouts.conf" <<CONF
proxy_read_timeout ${COFLOW_PROXY_READ_TIMEOUT:-1h};
proxy_send_timeout ${COFLOW_PROXY_READ_TIMEOUT:-1h};
CONF
render >"$dir/upstream.conf"
nginx -t -q
nginx -g 'daemon off;' &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' TERM INT
trap 'kill -QUIT "$pid" 2>/dev/null || true' QUIT
while kill -0 "$pid" 2>/dev/null; do
  sleep "$every" & wait $! || true
  next=$(render)
  if [ "$next" != "$(cat "$dir/upstream.conf")" ] && kill -0 "$pid" 2>/dev/null; then
    printf '%s\n' "$next" >"$dir/upstream.conf"
    echo "coflow-proxy: the API servers' addresses changed, reloading" >&2
    nginx -s reload || true
  fi
done
status=0
wait "$pid" || status=$?
exit "$status"
