#!/usr/bin/env bash
# The image registry of the pull tests: the CNCF Distribution registry, built once
# with Go from the module proxy (its go.mod has no `replace` or `exclude`).
#
#   scripts/registry.sh build   build the pinned registry into the cache (once)
#   scripts/registry.sh bin     print the path of the binary (exit 1 when not built)
#
# The tests start it themselves on a loopback port (test/support/registry.ts).
set -euo pipefail

REGISTRY_VERSION=v3.1.2   # go 1.26.0
COFLOW_CACHE_DIR=${COFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coflow}
BIN=$COFLOW_CACHE_DIR/bin/registry-$REGISTRY_VERSION
die() { echo "coflow registry: $*" >&2; exit 1; }
say() { echo "coflow registry: $*" >&2; }

build() {
  [ -x "$BIN" ] && return 0
  command -v go >/dev/null || die "Go >= 1.26 is needed to build the registry $REGISTRY_VERSION (https://go.dev/dl/)"
  mkdir -p "$(dirname "$BIN")"
  say "building the Distribution registry $REGISTRY_VERSION with Go (once; cached in $BIN)"
  local tmp; tmp=$(mktemp -d)
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  GOBIN=$tmp CGO_ENABLED=0 nice -n 10 go install -trimpath -ldflags "-s -w" \
    "github.com/distribution/distribution/v3/cmd/registry@$REGISTRY_VERSION" \
    || die "building the registry failed (see above)"
  mv "$tmp/registry" "$BIN"
}

case "${1:-}" in
  build) build ;;
  bin) [ -x "$BIN" ] || die "the registry is not built: run scripts/registry.sh build"; echo "$BIN" ;;
  *) die "usage: scripts/registry.sh build|bin" ;;
esac
