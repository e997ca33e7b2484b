#!/usr/bin/env bash
# coflow's single-node Kubernetes cluster for tests and local trials.
#
#   scripts/k8s/cluster.sh build    build the binaries (once per version; cached)
#   scripts/k8s/cluster.sh prepare  build, and install the host packages (containerd, runc, CNI, apparmor)
#   scripts/k8s/cluster.sh start    build if needed, install host packages, start
#                                   etcd, apiserver, controller-manager, scheduler,
#                                   containerd and kubelet; wait for the node
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
COFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COFLOW_CACHE_DIR=${COFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coflow}
K8S_DIR=$COFLOW_CACHE_DIR/k8s
BIN=$K8S_DIR/$K8S_VERSION-etcd$ETCD_VERSION/bin
RUN=$K8S_DIR/run            # state of the running cluster (certs, data, logs, pids)
NODE_NAME=${COFLOW_K8S_NODE:-coflow-node}
API_PORT=${COFLOW_K8S_API_PORT:-6443}
ETCD_PORT=${COFLOW_K8S_ETCD_PORT:-2379}
KUBECONFIG_FILE=$K8S_DIR/admin.kubeconfig

die() { echo "coflow k8s: $*" >&2; exit 1; }
say() { echo "coflow k8s: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi; }

# ---------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------
build() {
  if [ -f "$BIN/.complete" ]; then return 0; fi
  command -v go >/dev/null || die "Go >= 1.24 is needed to build Kubernetes $K8S_VERSION (https://go.dev/dl/)"
  local src=$K8S_DIR/$K8S_VERSION-etcd$ETCD_VERSION/src log=$K8S_DIR/build-$K8S_VERSION.log
  mkdir -p "$src" "$BIN"
  export GOMODCACHE=$K8S_DIR/go/mod GOCACHE=$K8S_DIR/go/build GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
  local started=$SECONDS
  say "building Kubernetes $K8S_VERSION and etcd $ETCD_VERSION (cold: 20-40 min on 2 cores; log: $log)"
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
    (cd "$src" && nice -n 19 go build -trimpath -ldflags "$ldflags" -o "$BIN/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubectl)
    (cd "$src" && nice -n 19 go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" ./etcd)
  } >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "build failed (full log: $log)"; }
  echo "$((SECONDS - started))" > "$BIN/.build-seconds"
  touch "$BIN/.complete"
  say "built in $((SECONDS - started)) s into $BIN"
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
  [ -f "$PKI/$name.crt" ] && return 0
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
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:$NODE_NAME,IP:127.0.0.1,IP:10.96.0.1"
  cert admin "/O=system:masters/CN=coflow-admin"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "DNS:$NODE_NAME,DNS:localhost,IP:127.0.0.1"
  cert controller-manager "/CN=system:kube-controller-manager"
  cert scheduler "/CN=system:kube-scheduler"
  if [ ! -f "$PKI/sa.key" ]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  chmod 600 "$PKI"/*.key
  kubeconfig "$KUBECONFIG_FILE" admin
  kubeconfig "$PKI/kubelet.kubeconfig" kubelet
  kubeconfig "$PKI/controller-manager.kubeconfig" controller-manager
  kubeconfig "$PKI/scheduler.kubeconfig" scheduler
}

# ---------------------------------------------------------------------------
# processes
# ---------------------------------------------------------------------------
CTR_SOCK=/run/coflow-k8s/containerd.sock
COMPONENTS="containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet"
pid_of() { local f=$RUN/pids/$1.pid; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }
launch() { # name command...
  local name=$1; shift
  if pid_of "$name" >/dev/null; then return 0; fi
  mkdir -p "$RUN/pids" "$RUN/logs"
  setsid nohup "$@" >"$RUN/logs/$name.log" 2>&1 < /dev/null &
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
healthy() { all_running && kctl get --raw=/readyz >/dev/null 2>&1 && node_ready; }
node_ready() { [ "$(kctl get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; }

start_containerd() {
  mkdir -p /run/coflow-k8s "$RUN/containerd" "$RUN/cni/net.d"
  cat > "$RUN/cni/net.d/10-coflow.conflist" <<CNI
{
  "cniVersion": "1.0.0",
  "name": "coflow",
  "plugins": [
    { "type": "bridge", "bridge": "coflow0", "isGateway": true, "ipMasq": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.244.0.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
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

# Imports images from the local Docker Engine into containerd's k8s.io
# namespace, once per image id.
import_images() {
  local pause_tag=registry.k8s.io/pause:3.6
  if ! docker image inspect "$pause_tag" >/dev/null 2>&1; then
    local root; root=$(mktemp -d)
    (cd "$COFLOW_ROOT/scripts/k8s/pause" && GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 \
      GOCACHE=$K8S_DIR/go/build go build -trimpath -ldflags "-s -w" -o "$root/pause" .)
    tar -C "$root" -c pause | docker import -c 'ENTRYPOINT ["/pause"]' - "$pause_tag" >/dev/null
    rm -rf "$root"
  fi
  local img id stamp_dir=$RUN/images todo=()
  mkdir -p "$stamp_dir"
  for img in "$pause_tag" "$@"; do
    id=$(docker image inspect -f '{{.Id}}' "$img" 2>/dev/null) || die "image $img is not in the local Docker Engine (run scripts/setup.sh)"
    local stamp=$stamp_dir/$(echo "$img" | tr '/:' '__')
    if [ "$(cat "$stamp" 2>/dev/null)" != "$id" ] || ! ctr --address "$CTR_SOCK" -n k8s.io images ls -q | grep -qx "$(normalise "$img")"; then
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
  build
  host_packages
  pki
  if [ -n "$(tail -n +2 /proc/swaps 2>/dev/null)" ]; then as_root swapoff -a; fi
  grep -qE "^127\.0\.0\.1[[:space:]].*\b$NODE_NAME\b" /etc/hosts || echo "127.0.0.1 $NODE_NAME" | as_root tee -a /etc/hosts >/dev/null
  modprobe br_netfilter 2>/dev/null || true
  sysctl -qw net.ipv4.ip_forward=1 2>/dev/null || true

  start_containerd

  if ! pid_of etcd >/dev/null; then rm -rf "$RUN/etcd"; fi
  launch etcd "$BIN/etcd" --name coflow --data-dir "$RUN/etcd" --unsafe-no-fsync \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "coflow=http://127.0.0.1:$((ETCD_PORT + 1))" --listen-metrics-urls "" --log-level warn

  launch kube-apiserver "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
    --endpoint-reconciler-type none --service-cluster-ip-range 10.96.0.0/16 \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" --client-ca-file "$PKI/ca.crt" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types Hostname \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction
  wait_for kube-apiserver 120 kctl get --raw=/readyz

  launch kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$PKI/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$PKI/controller-manager.kubeconfig" --authorization-kubeconfig "$PKI/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" --allocate-node-cidrs=false
  launch kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$PKI/scheduler.kubeconfig" \
    --authentication-kubeconfig "$PKI/scheduler.kubeconfig" --authorization-kubeconfig "$PKI/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false

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
resolvConf: /etc/resolv.conf
# The test images exist only locally: never garbage-collect them, never evict for disk.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1% }
serializeImagePulls: false
KUBELET
  launch kubelet "$BIN/kubelet" --config "$RUN/kubelet.yaml" --kubeconfig "$PKI/kubelet.kubeconfig" \
    --hostname-override "$NODE_NAME" --root-dir "$RUN/kubelet" --v 1

  import_images $(test_images)
  wait_for "node $NODE_NAME" 120 node_ready
  wait_for "the default service account" 60 kctl get serviceaccount default -n default
  say "running in $((SECONDS - started)) s; kubeconfig: $KUBECONFIG_FILE"
}

stop() {
  local name pid
  for name in kubelet kube-scheduler kube-controller-manager kube-apiserver etcd; do
    pid=$(pid_of "$name") && kill "$pid" 2>/dev/null || true
  done
  # Pods die with their sandboxes: stop them through containerd before containerd itself.
  if pid_of containerd >/dev/null; then
    local ids
    ids=$(ctr --address "$CTR_SOCK" -n k8s.io tasks ls -q 2>/dev/null || true)
    for id in $ids; do ctr --address "$CTR_SOCK" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    for id in $ids; do ctr --address "$CTR_SOCK" -n k8s.io tasks delete "$id" >/dev/null 2>&1 || true; done
    for id in $(ctr --address "$CTR_SOCK" -n k8s.io containers ls -q 2>/dev/null); do
      ctr --address "$CTR_SOCK" -n k8s.io containers delete "$id" >/dev/null 2>&1 || true
    done
    kill "$(pid_of containerd)" 2>/dev/null || true
  fi
  for name in $COMPONENTS; do
    for _ in $(seq 1 40); do pid_of "$name" >/dev/null || break; sleep 0.25; done
    pid=$(pid_of "$name") && kill -9 "$pid" 2>/dev/null || true
    rm -f "$RUN/pids/$name.pid"
  done
  # Volumes the kubelet mounted for pods (service account tokens) and sandbox netns.
  local m
  for m in $(awk -v a="$RUN/kubelet" -v b=/run/coflow-k8s 'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$RUN/etcd"
  say "stopped"
}

status() {
  local name
  for name in $COMPONENTS; do
    if pid=$(pid_of "$name"); then echo "$name: running (pid $pid)"; else echo "$name: stopped"; fi
  done
  if healthy; then echo "cluster: ready (kubeconfig $KUBECONFIG_FILE, binaries $BIN)"; else echo "cluster: not ready"; return 1; fi
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
