#!/usr/bin/env bash
# The images of the production topology (docker-compose.yml), built from the
# project's own Dockerfiles under deploy/images/<name>/, all FROM debian:bookworm-slim.
#
#   scripts/images.sh base             make debian:bookworm-slim when missing: `docker pull`,
#                                      else debootstrap (minbase) from Debian's archive + `docker import`
#   scripts/images.sh build [NAME…]    build the images (default: all) whose inputs changed
#   scripts/images.sh list             each image with its size and inputs hash
#   scripts/images.sh tag NAME         print an image's name:tag
#
# Names: coflow, postgres, proxy, temporal-server, temporal-ui.
# The Docker Engine is the cache. Each image carries the label `org.coflow.inputs`:
# a hash of its Dockerfile, of every file of its build context and of the base
# image's id; an image whose label matches is not built again. The Temporal
# server and UI are Go binaries built on this host (scripts/temporal-server.sh build,
# and the UI server here; both once, cached in $COFLOW_CACHE_DIR) and copied in.
set -euo pipefail

COFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COFLOW_CACHE_DIR=${COFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coflow}
export COFLOW_CACHE_DIR
BASE=debian:bookworm-slim
DEBIAN_MIRROR=${COFLOW_DEBIAN_MIRROR:-http://deb.debian.org/debian}
TEMPORAL_VERSION=1.29.1
TEMPORAL_UI_VERSION=2.42.1   # the UI server the Temporal CLI v1.5.1 embeds: already in the Go module cache
VERSION=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$COFLOW_ROOT/package.json" | head -n 1)
ALL=(coflow postgres proxy temporal-server temporal-ui)

die() { echo "coflow images: $*" >&2; exit 1; }
say() { echo "coflow images: $*" >&2; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

tag_of() {
  case "$1" in
    coflow) echo "coflow/coflow:$VERSION" ;;
    postgres) echo "coflow/postgres:15" ;;
    proxy) echo "coflow/proxy:$VERSION" ;;
    temporal-server) echo "coflow/temporal-server:$TEMPORAL_VERSION" ;;
    temporal-ui) echo "coflow/temporal-ui:$TEMPORAL_UI_VERSION" ;;
    *) die "unknown image \"$1\" (known: ${ALL[*]})" ;;
  esac
}

# --- The base image ------------------------------------------------------------
# Where a registry answers, `docker pull` gives the real one. Here, debootstrap
# makes the same distribution from Debian's archive: minbase (essential packages
# and apt), with what the official slim image configures for containers — no
# documentation, man pages or translations, apt caches cleaned after installs,
# the security and updates suites — and its updates applied.
base() {
  have_image "$BASE" && return 0
  if docker pull -q "$BASE" >/dev/null 2>&1; then say "pulled $BASE"; return 0; fi
  command -v debootstrap >/dev/null || die "no registry answers and debootstrap is missing (Debian: apt-get install debootstrap)"
  [ "$(id -u)" = 0 ] || die "debootstrap needs root to make $BASE"
  say "no registry answers: making $BASE with debootstrap from $DEBIAN_MIRROR (once)"
  local root t0=$SECONDS; root=$(mktemp -d /var/tmp/coflow-bookworm.XXXXXX)
  chmod 0755 "$root"   # it becomes `/`: apt's sandbox user must traverse it
  # shellcheck disable=SC2064
  trap "umount -l '$root/proc' 2>/dev/null || true; rm -rf '$root'" EXIT
  debootstrap --variant=minbase bookworm "$root" "$DEBIAN_MIRROR" >"$root.log" 2>&1 \
    || { tail -n 20 "$root.log" >&2; die "debootstrap failed (log: $root.log)"; }
  rm -f "$root.log"
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d" "$root/etc/apt/apt.conf.d" "$root/etc/apt/sources.list.d"
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# As Debian's official slim images: no documentation, man pages or translations.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  echo 'APT::AutoRemove::SuggestsImportant "false";' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc"
  chroot "$root" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -y -qq upgrade' >"$root.log" 2>&1 \
    || { tail -n 20 "$root.log" >&2; die "updating the new root filesystem failed (log: $root.log)"; }
  rm -f "$root.log"
  umount -l "$root/proc"
  # What the packages left behind that an image must not carry.
  find "$root/usr/share/doc" -mindepth 2 ! -type d ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/[!l]* \
    "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old "$root"/var/log/*.log "$root"/var/log/apt/* \
    "$root"/tmp/* "$root"/root/.bash_history
  : >"$root/etc/resolv.conf"; : >"$root/etc/hostname"
  tar --numeric-owner --xattrs -C "$root" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . \
    | docker import -c 'CMD ["bash"]' -c 'LABEL org.coflow.base=debootstrap' - "$BASE" >/dev/null
  umount -l "$root/proc" 2>/dev/null || true
  rm -rf "$root"
  trap - EXIT
  say "made $BASE in $((SECONDS - t0)) s ($(size_of "$BASE"))"
}

# --- The images ------------------------------------------------------------------
# Each image's build context: the repository root for coflow (.dockerignore is its
# allow-list), its own folder for postgres and proxy, and for the Temporal images a
# folder assembled in the cache from the host-built binaries and their configuration.
STAGE=$COFLOW_CACHE_DIR/images

dockerfile_of() { echo "$COFLOW_ROOT/deploy/images/$1/Dockerfile"; }

# The Temporal web UI server, built with Go from the module proxy (once; cached).
ui_build() {
  local dir=$COFLOW_CACHE_DIR/temporal-ui/v$TEMPORAL_UI_VERSION
  [ -x "$dir/bin/temporal-ui-server" ] && [ -f "$dir/config/docker.yaml" ] && { echo "$dir"; return 0; }
  command -v go >/dev/null || die "Go >= 1.24 is needed to build the Temporal UI server v$TEMPORAL_UI_VERSION"
  say "building the Temporal UI server v$TEMPORAL_UI_VERSION with Go (once; cached in $dir)"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && GOBIN=$tmp CGO_ENABLED=0 GOFLAGS='' nice -n 10 go install -trimpath -ldflags "-s -w" \
    "github.com/temporalio/ui-server/v2/cmd/server@v$TEMPORAL_UI_VERSION") || die "building the Temporal UI server failed (see above)"
  local module; module=$(go env GOMODCACHE)/github.com/temporalio/ui-server/v2@v$TEMPORAL_UI_VERSION
  [ -f "$module/config/docker.yaml" ] || die "the UI server's configuration was not found in $module"
  rm -rf "$dir" && mkdir -p "$dir/bin" "$dir/config"
  cp "$module/config/base.yaml" "$module/config/docker.yaml" "$dir/config/" && chmod u+w "$dir/config/"*
  mv "$tmp/server" "$dir/bin/temporal-ui-server"
  rm -rf "$tmp"
  echo "$dir"
}

# Prints the build context of an image, assembling it first where needed.
context_of() {
  local name=$1 ctx
  case "$name" in
    coflow) echo "$COFLOW_ROOT" ;;
    postgres|proxy) echo "$COFLOW_ROOT/deploy/images/$name" ;;
    temporal-server)
      bash "$COFLOW_ROOT/scripts/temporal-server.sh" build >&2 || die "the Temporal server could not be built"
      local bin; bin=$(bash "$COFLOW_ROOT/scripts/temporal-server.sh" bin)
      ctx=$STAGE/$name; rm -rf "$ctx"; mkdir -p "$ctx/bin" "$ctx/config"
      cp "$COFLOW_ROOT/deploy/images/$name/"* "$ctx/"
      cp -l "$bin/temporal-server" "$bin/temporal-sql-tool" "$ctx/bin/" 2>/dev/null || cp "$bin/temporal-server" "$bin/temporal-sql-tool" "$ctx/bin/"
      cp -r "$bin/schema" "$ctx/schema"
      cp "$COFLOW_ROOT/deploy/temporal/config.yaml" "$ctx/config/coflow.yaml"
      cp "$COFLOW_ROOT/deploy/temporal/dynamicconfig.yaml" "$ctx/config/dynamicconfig.yaml"
      echo "$ctx" ;;
    temporal-ui)
      local ui; ui=$(ui_build)
      ctx=$STAGE/$name; rm -rf "$ctx"; mkdir -p "$ctx"
      cp "$COFLOW_ROOT/deploy/images/$name/"* "$ctx/"
      cp -rl "$ui/bin" "$ctx/bin" 2>/dev/null || cp -r "$ui/bin" "$ctx/bin"
      cp -r "$ui/config" "$ctx/config"
      echo "$ctx" ;;
  esac
}

# The files docker sends of a context, relative to it. For the repository root
# that is .dockerignore's allow-list (`!path` lines) less its other patterns
# (`**/GLOB` matches a file name, anything else a path).
context_files() {
  local name=$1 ctx=$2
  if [ "$name" != coflow ]; then (cd "$ctx" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort); return; fi
  local -a allow=() deny=()
  local line f p skip
  while IFS= read -r line; do
    case "$line" in ''|'#'*|'*') ;; '!'*) allow+=("${line#!}") ;; *) deny+=("$line") ;; esac
  done <"$ctx/.dockerignore"
  (cd "$ctx" && git ls-files -co --exclude-standard -- "${allow[@]}") | LC_ALL=C sort -u | while IFS= read -r f; do
    [ -f "$ctx/$f" ] || continue
    skip=
    for p in "${deny[@]}"; do
      # shellcheck disable=SC2053
      if [[ $p == '**/'* ]]; then [[ ${f##*/} == ${p#'**/'} ]] && skip=1; else [[ $f == $p ]] && skip=1; fi
    done
    [ -n "$skip" ] || echo "$f"
  done
}

# What an image is made of: the base image, its Dockerfile, every file of its
# context (name, mode, content).
inputs_hash() {
  local name=$1 ctx=$2
  {
    echo "base $(docker image inspect -f '{{.Id}}' "$BASE")"
    sha256sum <"$(dockerfile_of "$name")"
    context_files "$name" "$ctx" | (cd "$ctx" && while IFS= read -r f; do printf '%s %s\n' "$(stat -L -c %a "$f")" "$f"; done)
    context_files "$name" "$ctx" | (cd "$ctx" && xargs -r -d '\n' sha256sum)
  } | sha256sum | cut -c1-32
}

build_one() {
  local name=$1 tag ctx hash have log t0=$SECONDS
  tag=$(tag_of "$name")
  ctx=$(context_of "$name")
  hash=$(inputs_hash "$name" "$ctx")
  have=$(docker image inspect -f '{{ index .Config.Labels "org.coflow.inputs" }}' "$tag" 2>/dev/null || true)
  if [ "$have" = "$hash" ]; then say "$tag is current"; return 0; fi
  say "building $tag"
  log=$STAGE/$name.build.log; mkdir -p "$STAGE"
  local -a args=()
  # The host's own certificate authorities (a TLS-inspecting proxy in front of the npm
  # registry): the builds that fetch over HTTPS trust them too; no image keeps them.
  if grep -q '^ARG BUILD_CA_CERTS' "$(dockerfile_of "$name")" && compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    args+=(--build-arg "BUILD_CA_CERTS=$(cat /usr/local/share/ca-certificates/*.crt)")
  fi
  docker build "${args[@]}" -f "$(dockerfile_of "$name")" -t "$tag" --label "org.coflow.image=$name" --label "org.coflow.inputs=$hash" "$ctx" >"$log" 2>&1 \
    || { tail -n 40 "$log" >&2; die "building $tag failed (log: $log)"; }
  # The image this one replaces, now untagged, and the build stages of earlier builds
  # (labelled org.coflow.stage=build; the newest stays as the next build's cache).
  docker image prune -f --filter "label=org.coflow.image=$name" >/dev/null 2>&1 || true
  docker images -q -f dangling=true -f label=org.coflow.stage=build | tail -n +2 | xargs -r docker rmi >/dev/null 2>&1 || true
  say "built $tag in $((SECONDS - t0)) s ($(size_of "$tag"))"
}

size_of() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1e6 }'; }

build() {
  local names=("$@") name
  [ ${#names[@]} -gt 0 ] || names=("${ALL[@]}")
  for name in "${names[@]}"; do tag_of "$name" >/dev/null; done
  base
  for name in "${names[@]}"; do build_one "$name"; done
}

list() {
  local name tag
  for name in "${ALL[@]}"; do
    tag=$(tag_of "$name")
    if have_image "$tag"; then
      printf '%-32s %8s  inputs %s\n' "$tag" "$(size_of "$tag")" "$(docker image inspect -f '{{ index .Config.Labels "org.coflow.inputs" }}' "$tag")"
    else
      printf '%-32s %8s\n' "$tag" "missing"
    fi
  done
}

case "${1:-}" in
  base) base ;;
  build) shift; build "$@" ;;
  list) list ;;
  tag) tag_of "${2:?usage: $0 tag NAME}" ;;
  *) die "usage: $0 base|build [NAME…]|list|tag NAME" ;;
esac
