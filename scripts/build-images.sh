#!/usr/bin/env bash
# Builds the local images coflow needs; no registry is required.
#   coflow/busybox:1        - a busybox root filesystem (docker import of busybox-static)
#   coflow/library-base:1   - debian:bookworm-slim (scripts/images.sh base) + CA certificates, jq,
#                             co-input: the base of the library's Debian components (components/base/)
#   coflow/<name>:<v>       - one per bundled component under components/<name>/ (its component.yaml's image)
#
#   scripts/build-images.sh          build what is missing or changed, print each image's build time
#   scripts/build-images.sh list     each component image with its size
#
# The Docker Engine is the cache: each image carries the label `org.coflow.inputs`,
# a hash of its Dockerfile, its build context and its base image's id; an image
# whose label matches is kept. A changed base rebuilds the images on it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
COFLOW_CACHE_DIR=${COFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coflow}
export COFLOW_CACHE_DIR
LIBRARY_BASE=coflow/library-base:1

die() { echo "coflow images: $*" >&2; exit 1; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
size_of() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1e6 }'; }
image_of() { sed -n 's/^image: *//p' "$1/component.yaml" | tr -d '"'"'"; }

busybox_image() {
  have_image coflow/busybox:1 && return 0
  bb=$(command -v busybox || true)
  if [ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
    root=$(mktemp -d)
    mkdir -p "$root/bin" "$root/tmp" "$root/workspace"
    cp "$bb" "$root/bin/busybox"
    for cmd in $("$bb" --list); do [ "$cmd" = busybox ] || ln -sf busybox "$root/bin/$cmd"; done
    mkdir -p "$root/usr" && ln -s ../bin "$root/usr/bin"
    tar -C "$root" -c . | docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - coflow/busybox:1 >/dev/null
    rm -rf "$root"
  elif docker pull busybox:1.36 >/dev/null 2>&1; then
    docker tag busybox:1.36 coflow/busybox:1
  else
    die "cannot build the base image: install busybox-static (Debian: apt-get install busybox-static) or let docker pull busybox"
  fi
  echo "built coflow/busybox:1"
}

# The build context of a component: its folder, plus what is built on the host
# (kubectl, for library/kubectl), assembled in the cache.
context_of() {
  local dir=$1 name ctx
  name=$(basename "$dir")
  case "$name" in
    kubectl)
      local bin; bin=$(bash "$here/scripts/kubectl-build.sh") || die "kubectl could not be built for library/kubectl (see above)"
      ctx=$COFLOW_CACHE_DIR/components/$name; rm -rf "$ctx"; mkdir -p "$ctx"
      (cd "$dir" && find . -maxdepth 1 -type f -exec cp -p {} "$ctx/" \;)
      cp -lp "$bin" "$ctx/kubectl" 2>/dev/null || cp -p "$bin" "$ctx/kubectl"
      echo "$ctx" ;;
    *) echo "$dir" ;;
  esac
}

# What an image is made of: its base image's id, and every file of its context (name, mode,
# content) but the catalog entry and the README, which no image carries.
inputs_hash() {
  local ctx=$1 from
  from=$(sed -n 's/^FROM  *\([^ ]*\).*/\1/p' "$ctx/Dockerfile" | head -n 1)
  {
    echo "base $(docker image inspect -f '{{.Id}}' "$from" 2>/dev/null || echo none)"
    (cd "$ctx" && find . -type f ! -path './build/*' ! -name README.md ! -name component.yaml | LC_ALL=C sort | while IFS= read -r f; do printf '%s %s %s\n' "$(stat -L -c %a "$f")" "$f" "$(sha256sum <"$f" | cut -c1-64)"; done)
  } | sha256sum | cut -c1-32
}

# Builds IMAGE from the folder DIR unless the image's inputs label matches.
build_one() {
  local image=$1 dir=$2 ctx hash have t0=$SECONDS log
  ctx=$(context_of "$dir")
  hash=$(inputs_hash "$ctx")
  have=$(docker image inspect -f '{{ index .Config.Labels "org.coflow.inputs" }}' "$image" 2>/dev/null || true)
  [ "$have" = "$hash" ] && return 0
  log=$COFLOW_CACHE_DIR/components/$(basename "$dir").build.log
  mkdir -p "$(dirname "$log")"
  docker build -t "$image" --label "org.coflow.inputs=$hash" --label "org.coflow.component=$(basename "$dir")" "$ctx" >"$log" 2>&1 \
    || { tail -n 30 "$log" >&2; die "building $image failed (log: $log)"; }
  # The image this one replaced, now untagged.
  docker image prune -f --filter "label=org.coflow.component=$(basename "$dir")" >/dev/null 2>&1 || true
  echo "built $image in $((SECONDS - t0)) s ($(size_of "$image"))"
}

build() {
  busybox_image
  local dir image needs_debian=
  for dir in "$here"/components/*/; do
    [ -f "$dir/Dockerfile" ] && grep -q "^FROM $LIBRARY_BASE" "$dir/Dockerfile" && needs_debian=1
  done
  if [ -n "$needs_debian" ]; then
    bash "$here/scripts/images.sh" base || die "the Debian base image could not be made (see above)"
    build_one "$LIBRARY_BASE" "$here/components/base"
  fi
  for dir in "$here"/components/*/; do
    dir=${dir%/}
    [ -f "$dir/Dockerfile" ] && [ -f "$dir/component.yaml" ] || continue
    image=$(image_of "$dir")
    [ -n "$image" ] || continue
    build_one "$image" "$dir"
  done
}

list() {
  local dir image
  for dir in "$here"/components/*/; do
    [ -f "$dir/component.yaml" ] || continue
    image=$(image_of "$dir")
    if have_image "$image"; then printf '%-28s %8s\n' "$image" "$(size_of "$image")"; else printf '%-28s %8s\n' "$image" missing; fi
  done
}

case "${1:-build}" in
  build) build ;;
  list) list ;;
  *) die "usage: $0 [build|list]" ;;
esac
