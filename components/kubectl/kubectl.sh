#!/bin/sh
# library/kubectl: `apply` manifests, wait for a `rollout-status`, or `get` one
# value, with the kubeconfig given as a (secret) input.
set -eu
action=$(co-input action)
namespace=$(co-input namespace)
manifest=$(co-input manifest)
file=$(co-input file)
resource=$(co-input resource)
jsonpath=$(co-input jsonpath)
wait=$(co-input wait)
export KUBECONFIG=/tmp/kubeconfig
umask 077
co-input -r kubeconfig >"$KUBECONFIG"
set -- ${namespace:+--namespace "$namespace"}
root=${CO_WORKSPACE:-/workspace}

case "$action" in
  apply)
    if [ -n "$manifest" ] && [ -n "$file" ]; then echo "give either \"manifest\" or \"file\", not both" >&2; exit 64; fi
    if [ -n "$file" ]; then
      case "$file" in /*|..|../*|*/../*|*/..) echo "input \"file\" must be a path inside the workspace, got \"$file\"" >&2; exit 64 ;; esac
      src=$root/$file
      [ -e "$src" ] || { echo "no $src in the workspace" >&2; exit 1; }
    elif [ -n "$manifest" ]; then
      src=/tmp/manifest.yaml
      printf '%s\n' "$manifest" >"$src"
    else
      echo "apply needs \"manifest\" (YAML) or \"file\" (a path in the workspace)" >&2; exit 64
    fi
    # Not through a pipe: kubectl's exit code is the verdict.
    kubectl "$@" apply -f "$src" -o name >/tmp/applied
    cat /tmp/applied
    echo "[COUT] applied = $(tr '\n' ' ' </tmp/applied | sed 's/ $//')"
    ;;
  rollout-status)
    [ -n "$resource" ] || { echo "rollout-status needs \"resource\", e.g. deployment/web" >&2; exit 64; }
    kubectl "$@" rollout status "$resource" --timeout "${wait:-5m}"
    echo "[COUT] revision = $(kubectl "$@" get "$resource" -o 'jsonpath={.metadata.annotations.deployment\.kubernetes\.io/revision}' 2>/dev/null || true)"
    ;;
  get)
    [ -n "$resource" ] || { echo "get needs \"resource\", e.g. configmap/settings" >&2; exit 64; }
    [ -n "$jsonpath" ] || jsonpath='{.metadata.name}'
    value=$(kubectl "$@" get "$resource" -o "jsonpath=$jsonpath")
    printf '%s\n' "$value"
    echo "[COUT] value = $(printf '%s' "$value" | head -n 1)"
    ;;
  *) echo "input \"action\" must be apply, rollout-status or get, got \"$action\"" >&2; exit 64 ;;
esac
