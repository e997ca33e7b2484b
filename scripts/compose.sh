#!/usr/bin/env bash
# The Compose tool for docker-compose.yml, preferring Compose v2:
#
#   scripts/compose.sh build   build Compose v2 with Go when no `docker compose` is installed (once; cached)
#   scripts/compose.sh which   print the command to use, one word per line: `docker compose`,
#                              else the cached build, else Debian's `docker-compose` (1.29.2)
#   scripts/compose.sh ARGS…   run that command with ARGS
#
# Debian 12 packages only the Python docker-compose 1.29.2, and no release binary can be
# downloaded here. github.com/docker/compose/v2 has `exclude` directives in its go.mod,
# which `go install pkg@version` refuses; a wrapper module that requires it, with the same
# excludes as its own (a dependency's are ignored), builds its cmd/ as usual.
set -euo pipefail

COMPOSE_VERSION=v2.40.3   # go 1.24.9; v5.x needs go >= 1.26.10
COFLOW_CACHE_DIR=${COFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coflow}
DIR=$COFLOW_CACHE_DIR/compose/$COMPOSE_VERSION
BIN=$DIR/docker-compose
MODULE=github.com/docker/compose/v2
die() { echo "coflow compose: $*" >&2; exit 1; }
say() { echo "coflow compose: $*" >&2; }

build() {
  [ -x "$BIN" ] && return 0
  command -v go >/dev/null || die "Go >= 1.24 is needed to build Compose $COMPOSE_VERSION"
  say "building Compose $COMPOSE_VERSION with Go (once; cached in $DIR)"
  local wrap; wrap=$(mktemp -d)
  # shellcheck disable=SC2064
  trap "rm -rf '$wrap'" EXIT
  local gomod; gomod=$(cd "$wrap" && GOFLAGS='' go mod download -json "$MODULE@$COMPOSE_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
  [ -f "$gomod" ] || die "could not download $MODULE@$COMPOSE_VERSION from the module proxy"
  {
    printf 'module coflow.local/compose\n\ngo 1.24.9\n\nrequire %s %s\n\n' "$MODULE" "$COMPOSE_VERSION"
    sed -n '/^exclude (/,/^)/p' "$gomod"
  } >"$wrap/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s/cmd"\n' "$MODULE" >"$wrap/tools.go"
  (cd "$wrap" && GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 \
    && CGO_ENABLED=0 GOFLAGS=-mod=mod nice -n 10 go build -trimpath \
      -ldflags "-s -w -X $MODULE/internal.Version=$COMPOSE_VERSION" -o "$wrap/docker-compose" "$MODULE/cmd") \
    || die "building Compose $COMPOSE_VERSION failed (see above)"
  mkdir -p "$DIR" && mv "$wrap/docker-compose" "$BIN"
}

which_compose() {
  if docker compose version >/dev/null 2>&1; then printf '%s\n' docker compose
  elif [ -x "$BIN" ]; then printf '%s\n' "$BIN"
  elif command -v docker-compose >/dev/null; then printf '%s\n' docker-compose
  else die "no Compose tool: run scripts/compose.sh build (needs Go), or install Debian's docker-compose"
  fi
}

case "${1:-}" in
  build) build ;;
  which) which_compose ;;
  '') die "usage: $0 build|which|ARGS…" ;;
  *) command=$(which_compose) || exit 1; mapfile -t cmd <<<"$command"; exec "${cmd[@]}" "$@" ;;
esac
