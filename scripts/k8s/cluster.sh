#!/usr/bin/env bash
# coflow's single-node Kubernetes cluster for tests and local trials.
#
#   scripts/k8s/cluster.sh build    build the binaries (once per version; cached)
#   scripts/k8s/cluster.sh prepare  build, and install the host packages (containerd, runc, CNI, apparmor, conntrack)
#   scripts/k8s/cluster.sh start    build if needed, install host packages, start
#                                   etcd, apiserver, controller-manager, scheduler,
#                                   containerd, kubelet and kube-proxy; apply the
#                                   add-ons (CoreDNS, the default StorageClass);
#                                   wait for the node and the cluster DNS
#   scripts/k8s/cluster.sh stop     stop everything started by `start`
#   scripts/k8s/cluster.sh status   print what runs and where the kubeconfig is
#   scripts/k8s/cluster.sh images   (re)import the pause and test images
#   scripts/k8s/cluster.sh env      print `export COFLOW_KUBECONFIG=…`
#
# Everything lives under $COFLOW_CACHE_DIR/k8s (outside the clone): the Go
# module and build caches, binaries keyed by version, certificates, etcd data,
# logs, pid files and the admin kubeconfig. See docs/kubernetes.md.
set -euo pipefail

K8S_VERSION=${COFLOW_K8S_VERSION:-v1.34.4}
ETCD_VERSION=${COFLOW_ETCD_VERSION:-v3.6.4}
COREDNS_VERSION=${COFLOW_COREDNS_VERSION:-v1.15.0}
COFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COFLOW_CACHE_DIR=${COFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coflow}
K8S_DIR=$COFLOW_CACHE_DIR/k8s
BIN=$K8S_DIR/$K8S_VERSION-etcd$ETCD_VERSION/bin
RUN=$K8S_DIR/run            # state of the running cluster (certs, data, logs, pids)
NODE_NAME=${COFLOW_K8S_NODE:-coflow-node}
API_PORT=${COFLOW_K8S_API_PORT:-6443}
ETCD_PORT=${COFLOW_K8S_ETCD_PORT:-2379}
KUBECONFIG_FILE=$K8S_DIR/admin.kubeconfig
COREDNS_BIN=$K8S_DIR/coredns-$COREDNS_VERSION/bin/coredns
COREDNS_IMAGE=coflow-k8s/coredns:$COREDNS_VERSION
# The Pod network is the bridge coflow0; its own address is the host as Pods see
# it, and the address the API server advertises (the `kubernetes` Service's endpoint).
POD_CIDR=10.244.0.0/24
BRIDGE=coflow0
HOST_ON_POD_NET=10.244.0.1
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1    # the `kubernetes` Service
CLUSTER_DNS=10.96.0.10      # the `kube-dns` Service (CoreDNS)

die() { echo "coflow k8s: $*" >&2; exit 1; }
say() { echo "coflow k8s: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi; }

# ---------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------
KUBE_COMMANDS="kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl"
go_env() { export GOMODCACHE=$K8S_DIR/go/mod GOCACHE=$K8S_DIR/go/build GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0; }
build() { build_kubernetes; build_coredns; }

# Builds whichever of the Kubernetes commands and etcd are missing from $BIN
# (a cache from before a command was added builds just that one).
build_kubernetes() {
  local c missing=()
  for c in $KUBE_COMMANDS etcd; do [ -x "$BIN/$c" ] || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v go >/dev/null || die "Go >= 1.24 is needed to build Kubernetes $K8S_VERSION (https://go.dev/dl/)"
  local src=$K8S_DIR/$K8S_VERSION-etcd$ETCD_VERSION/src log=$K8S_DIR/build-$K8S_VERSION.log
  mkdir -p "$src" "$BIN"
  go_env
  local started=$SECONDS
  say "building ${missing[*]} (Kubernetes $K8S_VERSION, etcd $ETCD_VERSION; all of them cold: 10-20 min on 2 cores; log: $log)"
  {
    cp "$COFLOW_ROOT/scripts/k8s/build/tools.go" "$src/"
    mkdir -p "$src/etcd" && cp "$COFLOW_ROOT/scripts/k8s/build/etcd/main.go" "$src/etcd/"
    # The staging modules k8s.io/<m> are `replace`d by relative paths in
    # k8s.io/kubernetes' own go.mod, which `go install` refuses; replace each
    # one by its published twin v0.<minor>.<patch>.
    local gomod twin
    gomod=$(cd "$src" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
    [ -f "$gomod" ] || die "could not download k8s.io/kubernetes@$K8S_VERSION"
    twin=v0.${K8S_VERSION#v1.}
    {
      echo "module coflow.local/k8s-build"
      echo
      echo "go 1.24.0"
      echo
      echo "require ("
      echo "	k8s.io/kubernetes $K8S_VERSION"
      echo "	go.etcd.io/etcd/server/v3 $ETCD_VERSION"
      echo ")"
      echo
      echo "replace ("
      sed -n 's#^[[:space:]]*\(k8s.io/[A-Za-z0-9._-]*\) => ./staging/src/.*$#\1#p' "$gomod" | sort -u |
        while read -r m; do echo "	$m => $m $twin"; done
      echo ")"
    } > "$src/go.mod"
    (cd "$src" && go mod tidy)
    local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z"
    # Into a scratch folder first, then moved: a binary in $BIN is always a whole one.
    local out=$src/out pkgs=()
    rm -rf "$out" && mkdir -p "$out"
    for c in "${missing[@]}"; do [ "$c" = etcd ] || pkgs+=("k8s.io/kubernetes/cmd/$c"); done
    if [ ${#pkgs[@]} -gt 0 ]; then (cd "$src" && nice -n 19 go build -trimpath -ldflags "$ldflags" -o "$out/" "${pkgs[@]}"); fi
    if [ ! -x "$BIN/etcd" ]; then (cd "$src" && nice -n 19 go build -trimpath -ldflags "-s -w" -o "$out/etcd" ./etcd); fi
    mv "$out"/* "$BIN/"
  } >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "build failed (full log: $log)"; }
  say "built ${missing[*]} in $((SECONDS - started)) s into $BIN"
}

# CoreDNS from the module proxy, in a wrapper module whose main links only the
# plugins the cluster's Corefile uses (scripts/k8s/build/coredns).
build_coredns() {
  [ -x "$COREDNS_BIN" ] && return 0
  command -v go >/dev/null || die "Go >= 1.26 is needed to build CoreDNS $COREDNS_VERSION (https://go.dev/dl/)"
  local dir; dir=$(dirname "$(dirname "$COREDNS_BIN")")
  local src=$dir/src log=$K8S_DIR/build-coredns-$COREDNS_VERSION.log
  mkdir -p "$src" "$dir/bin"
  go_env
  local started=$SECONDS
  say "building CoreDNS $COREDNS_VERSION (cold: about 3 min on 2 cores; log: $log)"
  {
    cp "$COFLOW_ROOT/scripts/k8s/build/coredns/main.go" "$src/main.go"
    printf 'module coflow.local/coredns-build\n\ngo 1.26.0\n\nrequire github.com/coredns/coredns %s\n' "$COREDNS_VERSION" > "$src/go.mod"
    (cd "$src" && go mod tidy)
    (cd "$src" && nice -n 19 go build -trimpath -ldflags "-s -w" -o "$src/coredns" .)
    mv "$src/coredns" "$COREDNS_BIN"
  } >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "CoreDNS build failed (full log: $log)"; }
  say "built CoreDNS in $((SECONDS - started)) s into $COREDNS_BIN"
}

# ---------------------------------------------------------------------------
# host packages
# ---------------------------------------------------------------------------
host_packages() {
  local missing=""
  command -v containerd >/dev/null || missing="$missing containerd"
  command -v runc >/dev/null || missing="$missing runc"
  [ -x /usr/lib/cni/bridge ] || [ -x /opt/cni/bin/bridge ] || missing="$missing containernetworking-plugins"
  command -v apparmor_parser >/dev/null || missing="$missing apparmor"
  command -v openssl >/dev/null || missing="$missing openssl"
  command -v iptables >/dev/null || missing="$missing iptables"
  command -v conntrack >/dev/null || missing="$missing conntrack"
  command -v docker >/dev/null || missing="$missing docker.io"
  [ -z "$missing" ] && return 0
  command -v apt-get >/dev/null || die "missing:$missing (install them; this script installs them itself only on Debian-like systems)"
  say "installing$missing"
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}

cni_dir() { if [ -x /usr/lib/cni/bridge ]; then echo /usr/lib/cni; else echo /opt/cni/bin; fi; }

# ---------------------------------------------------------------------------
# certificates (a private CA; kept across restarts)
# ---------------------------------------------------------------------------
PKI=$K8S_DIR/pki
cert() { # name subject [sans]
  local name=$1 subj=$2 sans=${3:-}
  [ -f "$PKI/$name.crt" ] && names_all "$PKI/$name.crt" "$sans" && return 0
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  local ext=$PKI/$name.ext
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    [ -n "$sans" ] && echo "subjectAltName=$sans"
  } > "$ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
}
# Whether a certificate names every one of the SANs ("DNS:a,IP:b"): a kept
# certificate issued before a name was added here gets re-issued.
names_all() { # crt sans
  local have want
  have=$(openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr -d ' ' | tr ',' '\n' | sed 's/^IPAddress:/IP:/')
  for want in ${2//,/ }; do grep -qxF "$want" <<<"$have" || return 1; done
}
kubeconfig() { # file user
  local file=$1 user=$2
  cat > "$file" <<KC
apiVersion: v1
kind: Config
clusters:
- name: coflow
  cluster:
    certificate-authority: $PKI/ca.crt
    server: https://127.0.0.1:$API_PORT
users:
- name: $user
  user:
    client-certificate: $PKI/$user.crt
    client-key: $PKI/$user.key
contexts:
- name: coflow
  context: { cluster: coflow, user: $user }
current-context: coflow
KC
}
pki() {
  mkdir -p "$PKI"
  if [ ! -f "$PKI/ca.crt" ]; then
    openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=coflow-test-ca" -days 3650 -out "$PKI/ca.crt" 2>/dev/null
  fi
  cert apiserver "/CN=kube-apiserver" \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:$NODE_NAME,IP:127.0.0.1,IP:$API_SERVICE_IP,IP:$HOST_ON_POD_NET"
  cert admin "/O=system:masters/CN=coflow-admin"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "DNS:$NODE_NAME,DNS:localhost,IP:127.0.0.1"
  cert controller-manager "/CN=system:kube-controller-manager"
  cert scheduler "/CN=system:kube-scheduler"
  cert kube-proxy "/CN=system:kube-proxy"
  if [ ! -f "$PKI/sa.key" ]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  chmod 600 "$PKI"/*.key
  kubeconfig "$KUBECONFIG_FILE" admin
  kubeconfig "$PKI/kubelet.kubeconfig" kubelet
  kubeconfig "$PKI/controller-manager.kubeconfig" controller-manager
  kubeconfig "$PKI/scheduler.kubeconfig" scheduler
  kubeconfig "$PKI/kube-proxy.kubeconfig" kube-proxy
}

# ---------------------------------------------------------------------------
# processes
# ---------------------------------------------------------------------------
CTR_SOCK=/run/coflow-k8s/containerd.sock
IPAM_DIR=/run/coflow-k8s/ipam   # the Pods' IP leases (host-local); they die with the Pods at stop
COMPONENTS="containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy"
pid_of() { local f=$RUN/pids/$1.pid; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }
launch() { # name command...
  local name=$1; shift
  if pid_of "$name" >/dev/null; then return 0; fi
  mkdir -p "$RUN/pids" "$RUN/logs"
  # Without the caller's open files beyond stdio: a daemon that inherits one keeps
  # it open for good (a `flock` of /work/bin/test-lock would then never be released).
  (
    for fd in $(ls /proc/$BASHPID/fd); do if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi; done
    exec setsid nohup "$@" >"$RUN/logs/$name.log" 2>&1 < /dev/null
  ) &
  echo $! > "$RUN/pids/$name.pid"
}
wait_for() { # what seconds command...
  local what=$1 secs=$2; shift 2
  local until=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $until ] || die "$what did not come up in ${secs}s (logs: $RUN/logs)"
    sleep 0.5
  done
}
kctl() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
all_running() { local c; for c in $COMPONENTS; do pid_of "$c" >/dev/null || return 1; done; }
# Waits up to N seconds for a component to exit (whether it did or not).
wait_exit() { local _; for _ in $(seq 1 $(($2 * 4))); do pid_of "$1" >/dev/null || return 0; sleep 0.25; done; } # name seconds
any_running() { local c; for c in $COMPONENTS; do pid_of "$c" >/dev/null && return 0; done; return 1; }
# A ready CoreDNS Pod behind the kube-dns Service.
dns_ready() { [ -n "$(kctl get endpointslices -n kube-system -l kubernetes.io/service-name=kube-dns -o 'jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[0]}' 2>/dev/null)" ]; }
healthy() { all_running && kctl get --raw=/readyz >/dev/null 2>&1 && node_ready; }
node_ready() { [ "$(kctl get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; }

# The Pod network: the bridge exists before any Pod (the CNI bridge plugin
# takes it as it is), so that its address, the API server's for Pods, is
# there from the start. Docker sets the FORWARD policy to DROP: Pod traffic
# through the host is accepted here. The API server listens on every address;
# only the host and the Pods may reach its port.
pod_network() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip -4 addr show dev "$BRIDGE" | grep -qF " $HOST_ON_POD_NET/" || ip addr add "$HOST_ON_POD_NET/${POD_CIDR#*/}" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  modprobe br_netfilter 2>/dev/null || true
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
  local ipt
  for ipt in iptables ip6tables; do
    [ "$ipt" = iptables ] || "$ipt" -w -S INPUT >/dev/null 2>&1 || continue # a host without IPv6
    "$ipt" -w -N COFLOW-K8S-INPUT 2>/dev/null || "$ipt" -w -F COFLOW-K8S-INPUT
    "$ipt" -w -A COFLOW-K8S-INPUT -i lo -j RETURN
    [ "$ipt" = ip6tables ] || "$ipt" -w -A COFLOW-K8S-INPUT -i "$BRIDGE" -j RETURN
    "$ipt" -w -A COFLOW-K8S-INPUT -j DROP
    "$ipt" -w -C INPUT -p tcp --dport "$API_PORT" -j COFLOW-K8S-INPUT 2>/dev/null ||
      "$ipt" -w -I INPUT 1 -p tcp --dport "$API_PORT" -j COFLOW-K8S-INPUT
  done
  iptables -w -N COFLOW-K8S-FORWARD 2>/dev/null || iptables -w -F COFLOW-K8S-FORWARD
  iptables -w -A COFLOW-K8S-FORWARD -s "$POD_CIDR" -j ACCEPT
  iptables -w -A COFLOW-K8S-FORWARD -d "$POD_CIDR" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
  iptables -w -C FORWARD -j COFLOW-K8S-FORWARD 2>/dev/null || iptables -w -I FORWARD 1 -j COFLOW-K8S-FORWARD
}

# Removes what pod_network, the kubelet, kube-proxy and the CNI plugins left in
# the host's network: our chains, the KUBE-* chains, the bridge plugin's
# masquerade chains of this network (Pods killed through containerd never got
# their CNI DEL), the conntrack entries, the IP leases, the bridge. One
# iptables-restore per table.
clean_network() {
  local ipt table rules ours
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || continue
    for table in filter nat mangle raw; do
      rules=$("$ipt" -w -t "$table" -S 2>/dev/null) || continue
      ours=$(awk '/^-N (KUBE-|COFLOW-K8S-)/ { print $2 }
                  /^-A / && /name: \\"coflow\\" id:/ && $NF ~ /^CNI-/ { print $NF }' <<<"$rules" | sort -u)
      [ -n "$ours" ] || continue
      # The jumps into our chains from the others, then our chains, emptied and removed.
      {
        echo "*$table"
        awk -v ours="$ours" 'BEGIN { n = split(ours, a, "\n"); for (i = 1; i <= n; i++) o[a[i]] = 1 }
          /^-A / { t = ""; for (i = 3; i < NF; i++) if ($i == "-j") t = $(i + 1)
                   if ((t in o) && !($2 in o)) { sub(/^-A /, "-D "); print } }' <<<"$rules"
        sed 's/^/-F /' <<<"$ours"
        sed 's/^/-X /' <<<"$ours"
        echo COMMIT
      } | "$ipt-restore" -w --noflush || say "could not remove every rule of the cluster from $ipt ($table)"
    done
  done
  # Connections of the Pods and to the Services (NATed ones would outlive the
  # cluster for days: established TCP entries last 5 days).
  if command -v conntrack >/dev/null; then
    conntrack -D -s "$POD_CIDR" >/dev/null 2>&1 || true
    conntrack -D -d "$POD_CIDR" >/dev/null 2>&1 || true
    conntrack -D -d "$SERVICE_CIDR" >/dev/null 2>&1 || true
  fi
  rm -rf "$IPAM_DIR" /var/lib/cni/results/coflow-*
  ip link del "$BRIDGE" 2>/dev/null || true
}

start_containerd() {
  mkdir -p /run/coflow-k8s "$RUN/containerd" "$RUN/cni/net.d"
  cat > "$RUN/cni/net.d/10-coflow.conflist" <<CNI
{
  "cniVersion": "1.0.0",
  "name": "coflow",
  "plugins": [
    { "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "$IPAM_DIR", "ranges": [[{ "subnet": "$POD_CIDR", "gateway": "$HOST_ON_POD_NET" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
    { "type": "loopback" }
  ]
}
CNI
  cat > "$RUN/containerd/config.toml" <<TOML
version = 2
root = "$RUN/containerd/root"
state = "/run/coflow-k8s/containerd-state"
[grpc]
  address = "$CTR_SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.6"
  # Lowering oom_score_adj below ours needs CAP_SYS_RESOURCE, which sandboxed
  # machines (CI runners, containers) may lack: clamp instead of failing every Pod.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$(cni_dir)"
    conf_dir = "$RUN/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
TOML
  launch containerd containerd --config "$RUN/containerd/config.toml"
  wait_for containerd 30 ctr --address "$CTR_SOCK" version
}

# A Docker image of one static binary (its entrypoint), unless it exists.
binary_image() { # tag binary
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  [ -x "$2" ] || die "$2 is missing (scripts/k8s/cluster.sh build makes it)"
  local root; root=$(mktemp -d)
  cp "$2" "$root/"
  tar -C "$root" -c "$(basename "$2")" | docker import -c "ENTRYPOINT [\"/$(basename "$2")\"]" - "$1" >/dev/null
  rm -rf "$root"
}

# Imports images from the local Docker Engine into containerd's k8s.io
# namespace, once per image id: the sandbox's pause, CoreDNS, and the arguments.
import_images() {
  local pause_tag=registry.k8s.io/pause:3.6
  if ! docker image inspect "$pause_tag" >/dev/null 2>&1; then
    local root; root=$(mktemp -d)
    (cd "$COFLOW_ROOT/scripts/k8s/pause" && GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 \
      GOCACHE=$K8S_DIR/go/build go build -trimpath -ldflags "-s -w" -o "$root/pause" .)
    binary_image "$pause_tag" "$root/pause"
    rm -rf "$root"
  fi
  binary_image "$COREDNS_IMAGE" "$COREDNS_BIN"
  local img id stamp_dir=$RUN/images todo=() have
  mkdir -p "$stamp_dir"
  # Read once: `ctr … | grep -q` fails under pipefail when grep stops reading early.
  have=$(ctr --address "$CTR_SOCK" -n k8s.io images ls -q)
  for img in "$pause_tag" "$COREDNS_IMAGE" "$@"; do
    id=$(docker image inspect -f '{{.Id}}' "$img" 2>/dev/null) || die "image $img is not in the local Docker Engine (run scripts/setup.sh)"
    local stamp=$stamp_dir/$(echo "$img" | tr '/:' '__')
    if [ "$(cat "$stamp" 2>/dev/null)" != "$id" ] || ! grep -qxF "$(normalise "$img")" <<<"$have"; then
      todo+=("$img")
    fi
  done
  [ ${#todo[@]} -eq 0 ] && return 0
  say "importing ${todo[*]} into containerd (k8s.io)"
  docker save "${todo[@]}" | ctr --address "$CTR_SOCK" -n k8s.io images import - >/dev/null
  for img in "${todo[@]}"; do
    docker image inspect -f '{{.Id}}' "$img" > "$stamp_dir/$(echo "$img" | tr '/:' '__')"
  done
}
# The images coflow's tests and the tour use, when the Docker Engine has them; plus $COFLOW_K8S_IMAGES.
test_images() { local i; for i in coflow/shell:1.0.0 coflow-test/component:1 ${COFLOW_K8S_IMAGES:-}; do docker image inspect "$i" >/dev/null 2>&1 && echo "$i"; done; return 0; }
normalise() { case "$1" in */*/*|*.*/*|localhost/*) echo "$1";; */*) echo "docker.io/$1";; *) echo "docker.io/library/$1";; esac; }

start() {
  local started=$SECONDS
  if healthy; then import_images $(test_images); say "already running (kubeconfig: $KUBECONFIG_FILE)"; return 0; fi
  # A part of a cluster (a crashed component, or one started by an older version
  # of this script with other flags) is replaced by a whole new one.
  if any_running; then say "restarting a cluster that is not whole"; stop; fi
  build
  host_packages
  pki
  if [ -n "$(tail -n +2 /proc/swaps 2>/dev/null)" ]; then as_root swapoff -a; fi
  grep -qE "^127\.0\.0\.1[[:space:]].*\b$NODE_NAME\b" /etc/hosts || echo "127.0.0.1 $NODE_NAME" | as_root tee -a /etc/hosts >/dev/null

  pod_network
  start_containerd

  rm -rf "$RUN/etcd"
  launch etcd "$BIN/etcd" --name coflow --data-dir "$RUN/etcd" --unsafe-no-fsync \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "coflow=http://127.0.0.1:$((ETCD_PORT + 1))" --listen-metrics-urls "" --log-level warn

  # Every address (kubeconfigs use 127.0.0.1, Pods the bridge's address through
  # the `kubernetes` Service, whose endpoint the lease reconciler keeps).
  launch kube-apiserver "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 0.0.0.0 --advertise-address "$HOST_ON_POD_NET" --secure-port "$API_PORT" \
    --endpoint-reconciler-type lease --service-cluster-ip-range "$SERVICE_CIDR" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" --client-ca-file "$PKI/ca.crt" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types Hostname \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction
  wait_for kube-apiserver 120 kctl get --raw=/readyz

  # --enable-hostpath-provisioner: the built-in provisioner of the default
  # StorageClass (kubernetes.io/host-path: folders under /tmp/hostpath_pv).
  launch kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$PKI/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$PKI/controller-manager.kubeconfig" --authorization-kubeconfig "$PKI/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" --allocate-node-cidrs=false \
    --enable-hostpath-provisioner
  launch kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$PKI/scheduler.kubeconfig" \
    --authentication-kubeconfig "$PKI/scheduler.kubeconfig" --authorization-kubeconfig "$PKI/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false

  # Hosts with systemd-resolved: its stub (127.0.0.53) is unreachable from Pods.
  local resolv=/etc/resolv.conf
  [ -f /run/systemd/resolve/resolv.conf ] && resolv=/run/systemd/resolve/resolv.conf
  mkdir -p "$RUN/kubelet"
  cat > "$RUN/kubelet.yaml" <<KUBELET
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
readOnlyPort: 0
cgroupDriver: cgroupfs
failSwapOn: true
containerRuntimeEndpoint: unix://$CTR_SOCK
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $PKI/ca.crt }
authorization: { mode: Webhook }
clusterDomain: cluster.local
clusterDNS: [$CLUSTER_DNS]
resolvConf: $resolv
# The test images exist only locally: never garbage-collect them, never evict for disk.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1% }
serializeImagePulls: false
KUBELET
  launch kubelet "$BIN/kubelet" --config "$RUN/kubelet.yaml" --kubeconfig "$PKI/kubelet.kubeconfig" \
    --hostname-override "$NODE_NAME" --root-dir "$RUN/kubelet" --v 1

  cat > "$RUN/kube-proxy.yaml" <<PROXY
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $PKI/kube-proxy.kubeconfig }
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: [primary]
# Leave the host's conntrack table size and timeouts alone.
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
# NodePorts on 127.0.0.1 would need route_localnet=1 on the host.
iptables: { localhostNodePorts: false }
PROXY
  launch kube-proxy "$BIN/kube-proxy" --config "$RUN/kube-proxy.yaml" --v 1

  # The images before the add-ons: a Pod whose image is missing (pull policy
  # Never) would wait out the kubelet's back-off.
  import_images $(test_images)
  wait_for "the namespace kube-system" 30 kctl get namespace kube-system
  sed -e "s#\${COREDNS_IMAGE}#$COREDNS_IMAGE#g" -e "s#\${CLUSTER_DNS}#$CLUSTER_DNS#g" "$COFLOW_ROOT/scripts/k8s/addons.yaml" |
    kctl apply -f - >/dev/null
  wait_for "node $NODE_NAME" 120 node_ready
  wait_for "the cluster DNS (CoreDNS)" 120 dns_ready
  wait_for "the default service account" 60 kctl get serviceaccount default -n default
  say "running in $((SECONDS - started)) s; kubeconfig: $KUBECONFIG_FILE"
}

stop() {
  local name pid
  for name in kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver; do
    pid=$(pid_of "$name") && kill "$pid" 2>/dev/null || true
  done
  # Pods die with their sandboxes: stop them through containerd before containerd itself.
  local sandboxes="" netns="" id ns
  if pid_of containerd >/dev/null; then
    local ids
    # The sandboxes' network namespaces (/var/run/netns/cni-…, pinned by
    # containerd) outlive their Pods when these never get their CNI DEL.
    for id in $(ctr --address "$CTR_SOCK" -n k8s.io containers ls -q 2>/dev/null); do
      ns=$(ctr --address "$CTR_SOCK" -n k8s.io containers info "$id" 2>/dev/null | sed -n 's#^ *"path": "\(/var/run/netns/[^"]*\)".*#\1#p')
      if [ -n "$ns" ]; then sandboxes="$sandboxes $id"; netns="$netns $ns"; fi
    done
    ids=$(ctr --address "$CTR_SOCK" -n k8s.io tasks ls -q 2>/dev/null || true)
    for id in $ids; do ctr --address "$CTR_SOCK" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    for id in $ids; do ctr --address "$CTR_SOCK" -n k8s.io tasks delete "$id" >/dev/null 2>&1 || true; done
    for id in $(ctr --address "$CTR_SOCK" -n k8s.io containers ls -q 2>/dev/null); do
      ctr --address "$CTR_SOCK" -n k8s.io containers delete "$id" >/dev/null 2>&1 || true
    done
    kill "$(pid_of containerd)" 2>/dev/null || true
  fi
  # etcd last: the API server's shutdown removes its address from the
  # `kubernetes` endpoints, and retries for about 15 s when etcd is gone.
  wait_exit kube-apiserver 10
  pid=$(pid_of etcd) && kill "$pid" 2>/dev/null || true
  for name in $COMPONENTS; do
    wait_exit "$name" 10
    pid=$(pid_of "$name") && kill -9 "$pid" 2>/dev/null || true
    rm -f "$RUN/pids/$name.pid"
  done
  # Volumes the kubelet mounted for pods (service account tokens) and sandbox netns.
  local m
  for m in $(awk -v a="$RUN/kubelet" -v b=/run/coflow-k8s 'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  for ns in $netns; do umount "$ns" 2>/dev/null || true; rm -f "$ns"; done
  for id in $sandboxes; do rm -f /var/lib/cni/results/*-"$id"-*; done
  clean_network
  # The provisioned volumes' folders: their PersistentVolumes went with etcd's data.
  rm -rf "$RUN/etcd" /tmp/hostpath_pv
  say "stopped"
}

status() {
  local name pid
  for name in $COMPONENTS; do
    if pid=$(pid_of "$name"); then echo "$name: running (pid $pid)"; else echo "$name: stopped"; fi
  done
  if ! healthy; then echo "cluster: not ready"; return 1; fi
  local api_endpoints dns_pods sc
  api_endpoints=$(kctl get endpointslices -n default -l kubernetes.io/service-name=kubernetes -o 'jsonpath={range .items[*]}{.endpoints[*].addresses[0]}:{.ports[0].port}{end}' 2>/dev/null)
  dns_pods=$(kctl get endpointslices -n kube-system -l kubernetes.io/service-name=kube-dns -o 'jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[0]}' 2>/dev/null)
  sc=$(kctl get storageclass -o 'jsonpath={range .items[?(@.metadata.annotations.storageclass\.kubernetes\.io/is-default-class=="true")]}{.metadata.name} ({.provisioner}){end}' 2>/dev/null)
  echo "api for Pods: https://$API_SERVICE_IP:443 (Service kubernetes) -> ${api_endpoints:-no endpoint}"
  echo "cluster DNS: $CLUSTER_DNS (Service kube-system/kube-dns) -> ${dns_pods:-no ready CoreDNS Pod}"
  echo "default StorageClass: ${sc:-none}"
  echo "cluster: ready (kubeconfig $KUBECONFIG_FILE, binaries $BIN)"
}

case "${1:-}" in
  build) build ;;
  prepare) build; host_packages ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  images) shift; start_containerd; import_images "$@" ;;
  env) echo "export COFLOW_KUBECONFIG=$KUBECONFIG_FILE"; echo "export PATH=$BIN:\$PATH" ;;
  kubectl) shift; kctl "$@" ;;
  *) die "usage: $0 build|prepare|start|stop|status|images [IMAGE…]|env|kubectl ARGS…" ;;
esac
