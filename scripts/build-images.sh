#!/usr/bin/env bash
# Builds the local images coflow needs; no registry is required.
#   coflow/busybox:1  - a busybox root filesystem (docker import of busybox-static)
#   coflow/<name>:<v> - one per bundled component under components/<name>/
# Images that already exist are kept (docker is the cache).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

if ! have_image coflow/busybox:1; then
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
    echo "coflow: cannot build the base image: install busybox-static (Debian: apt-get install busybox-static) or let docker pull busybox" >&2
    exit 1
  fi
  echo "built coflow/busybox:1"
fi

for dir in "$here"/components/*/; do
  [ -f "$dir/Dockerfile" ] || continue
  image=$(sed -n 's/^image: *//p' "$dir/component.yaml" | tr -d '"'"'")
  [ -n "$image" ] || continue
  if ! have_image "$image"; then
    docker build -q -t "$image" "$dir" >/dev/null
    echo "built $image"
  fi
done
