#!/usr/bin/env bash
# Builds kubectl for the library/kubectl component with Go from the module proxy
# (once; cached) and prints its path. The version follows the test cluster's
# Kubernetes ($COFLOW_K8S_VERSION, default v1.34.4); the Go module and build
# caches are the cluster build's ($COFLOW_CACHE_DIR/k8s/go), so a machine that
# built the cluster compiles little. About 2-4 minutes cold on 2 cores.
set -euo pipefail
COFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COFLOW_CACHE_DIR=${COFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coflow}
K8S_VERSION=${COFLOW_K8S_VERSION:-v1.34.4}
dir=$COFLOW_CACHE_DIR/kubectl/$K8S_VERSION
die() { echo "coflow kubectl: $*" >&2; exit 1; }

[ -x "$dir/kubectl" ] && { echo "$dir/kubectl"; exit 0; }
command -v go >/dev/null || die "Go >= 1.24 is needed to build kubectl $K8S_VERSION for library/kubectl (https://go.dev/dl/)"
twin=v0.${K8S_VERSION#v1.}
src=$dir/src log=$dir/build.log
mkdir -p "$src"
export GOMODCACHE=$COFLOW_CACHE_DIR/k8s/go/mod GOCACHE=$COFLOW_CACHE_DIR/k8s/go/build GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
echo "coflow kubectl: building kubectl $K8S_VERSION with Go (once; log: $log)" >&2
{
  cp "$COFLOW_ROOT/components/kubectl/build/main.go" "$src/"
  printf 'module coflow.local/kubectl\n\ngo 1.24.0\n\nrequire (\n\tk8s.io/kubectl %s\n\tk8s.io/component-base %s\n)\n' "$twin" "$twin" >"$src/go.mod"
  (cd "$src" && go mod tidy)
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
  (cd "$src" && nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$src/kubectl" .)
  mv "$src/kubectl" "$dir/kubectl"
} >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "building kubectl failed (log: $log)"; }
echo "$dir/kubectl"
