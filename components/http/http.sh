#!/bin/sh
# library/http: one HTTP request; reports the status and a digest of the body,
# and fails unless the status matches `expect`.
set -eu
url=$(co-input -r url)
method=$(co-input method)
body=$(co-input body)
headers=$(co-input headers)
expect=$(co-input expect)
save=$(co-input save)

out=$(mktemp)
set -- -sS -X "${method:-GET}" -o "$out" -w '%{http_code}' --max-redirs 5 -L
# One header per line, "Name: value" (JSON inputs keep the line breaks).
if [ -n "$headers" ]; then
  while IFS= read -r line; do [ -z "$line" ] || set -- "$@" -H "$line"; done <<HEADERS
$headers
HEADERS
fi
if [ -n "$body" ]; then set -- "$@" --data-binary @-; fi
# Credentials may sit in the URL's user part: never print them.
shown=$(printf '%s' "$url" | sed -E 's#^([a-z]+://)[^/@]*@#\1***@#')
echo "${method:-GET} $shown"
status=$(printf '%s' "$body" | curl "$@" -- "$url") || { code=$?; echo "the request failed (curl exit code $code)" >&2; exit 1; }
digest=sha256:$(sha256sum "$out" | cut -d' ' -f1)
size=$(wc -c <"$out" | tr -d ' ')
echo "status $status, $size bytes, $digest"
echo "[COUT] status = $status"
echo "[COUT] digest = $digest"
echo "[COUT] size = $size"
if [ -n "$save" ]; then
  case "$save" in /*|..|../*|*/../*|*/..) echo "input \"save\" must be a path inside the workspace, got \"$save\"" >&2; exit 64 ;; esac
  dest=${CO_WORKSPACE:-/workspace}/$save
  mkdir -p "$(dirname "$dest")" && cp "$out" "$dest" && echo "body saved to $dest"
fi
rm -f "$out"

# `expect`: comma-separated statuses or classes (2xx); empty accepts any status.
[ -n "$expect" ] || exit 0
for want in $(printf '%s' "$expect" | tr ',' ' '); do
  case "$want" in
    [1-5]xx) [ "${status%??}" = "${want%xx}" ] && exit 0 ;;
    *) [ "$status" = "$want" ] && exit 0 ;;
  esac
done
echo "status $status is not what was expected ($expect)" >&2
echo "[COUT] CO_RESULT = false"
