#!/usr/bin/env bash
# Build and cache a Kubernetes cluster from source for the tests (`verify --cluster`, and a node that runs the
# generated chart): pinned, idempotent.
#
#   scripts/install-kube.sh                 build or install everything that is missing (the list below)
#   scripts/install-kube.sh --only kubectl  just these (comma-separated), e.g. --only etcd,kube-apiserver,kubectl
#   scripts/install-kube.sh --check         report installed/missing, exit 1 if something is missing
#   scripts/install-kube.sh --print-path    print the bin dir to prepend to PATH
#
# Components: etcd, kube-apiserver, kubectl (the control plane); node-packages (Debian's containerd, runc, CNI
# plugins, conntrack, ipset, gcc for the pause image), kubelet, kube-scheduler, kube-controller-manager,
# kube-proxy, coredns and kube-router (its NetworkPolicy firewall only) for the node.
#
# No container registry and no GitHub here, so kind's node images are out of reach. The Go module proxy
# serves k8s.io/kubernetes, whose go.mod points the k8s.io/* staging modules at local folders that are not in
# the module download: a small wrapper module requires k8s.io/kubernetes and replaces each staging module
# with its published v0.X.Y, then builds the commands. etcd comes from Debian (etcd-server).
#
# Layout: ~/.cache/fraiseql-deploy/kube/<version>/{module,bin}/ (bin holds the binaries), symlinked into
# the tools bin dir (scripts/install-tools.sh --print-path). Go caches are shared with install-tools.sh.
# A cold build of kube-apiserver takes ~30 minutes on a busy 2-core machine; it runs at low priority. The node's
# commands share most of its packages and take minutes after it.
#
# CoreDNS (cluster DNS: the chart's test pod calls the Service by name) comes from the module proxy too, as a
# small main package with the plugins a cluster's Corefile uses; the full plugin set pulls every cloud SDK.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=tools/versions.env disable=SC1091
. "$SCRIPT_DIR/tools/versions.env"

CACHE="$HOME/.cache/fraiseql-deploy"
KUBE_ROOT="$CACHE/kube/$KUBERNETES_VERSION"
MODULE="$KUBE_ROOT/module"
KUBE_BIN="$KUBE_ROOT/bin"
TOOLS_BIN="$("$SCRIPT_DIR/install-tools.sh" --print-path)"
LOGS="$CACHE/kube/logs"
ALL=(etcd kube-apiserver kubectl node-packages kubelet kube-scheduler kube-controller-manager kube-proxy coredns kube-router)
# gcc and libc6-dev build the pause image (a static binary) from Kubernetes' own pause.c; kube-router's
# NetworkPolicy firewall keeps its peer sets in ipset.
NODE_PACKAGES=(containerd runc containernetworking-plugins conntrack iptables ipset gcc libc6-dev)
COREDNS_ROOT="$CACHE/kube/coredns-$COREDNS_VERSION"
KUBE_ROUTER_ROOT="$CACHE/kube/kube-router-$KUBE_ROUTER_VERSION"

MODE=install
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) [ $# -ge 2 ] || { echo "--only needs a value" >&2; exit 2; }; ONLY="$2"; shift 2 ;;
    --only=*) ONLY="${1#--only=}"; shift ;;
    --check) MODE=check; shift ;;
    --print-path) printf '%s\n' "$TOOLS_BIN"; exit 0 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
SELECTED=("${ALL[@]}")
if [ -n "$ONLY" ]; then
  IFS=',' read -r -a SELECTED <<<"$ONLY"
  for name in "${SELECTED[@]}"; do
    case " ${ALL[*]} " in *" $name "*) ;; *) echo "unknown component: $name (known: ${ALL[*]})" >&2; exit 2 ;; esac
  done
fi

say() { printf '[install-kube] %s\n' "$*"; }

# The plugins of kubeadm's default Corefile; coremain already knows every directive's order.
coredns_main() {
  local plugin
  printf '%s\n' "package main" "" "import (" '	"github.com/coredns/coredns/coremain"' ""
  for plugin in cache errors forward health kubernetes log loop ready; do
    printf '\t_ "github.com/coredns/coredns/plugin/%s"\n' "$plugin"
  done
  printf '%s\n' ")" "" "func main() { coremain.Run() }"
}

installed() {
  case "$1" in
    etcd) command -v etcd >/dev/null 2>&1 ;;
    node-packages) [ "$(dpkg-query -W -f='${Status}\n' "${NODE_PACKAGES[@]}" 2>/dev/null | grep -c '^install ok installed$')" \
                     = "${#NODE_PACKAGES[@]}" ] ;;
    # Rebuilt when the plugin list above changes.
    kube-router) [ -x "$KUBE_ROUTER_ROOT/bin/kube-router" ] && [ -x "$TOOLS_BIN/kube-router" ] ;;
    coredns) [ -x "$COREDNS_ROOT/bin/coredns" ] && [ -x "$TOOLS_BIN/coredns" ] \
               && [ "$(coredns_main)" = "$(cat "$COREDNS_ROOT/module/main.go" 2>/dev/null)" ] ;;
    *) [ -x "$KUBE_BIN/$1" ] && [ -x "$TOOLS_BIN/$1" ] ;;
  esac
}

if [ "$MODE" = check ]; then
  missing=0
  for name in "${SELECTED[@]}"; do
    if installed "$name"; then say "$name: installed"; else say "$name: MISSING"; missing=1; fi
  done
  exit "$missing"
fi

# ---------------------------------------------------------------- Debian packages
# apt_install LOG PACKAGE...: another apt run (install-tools, setup-docker) may hold the lock: wait for it.
apt_install() {
  local log="$1" sudo=""
  shift
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@" >"$log" 2>&1 \
    || { $sudo apt-get -o DPkg::Lock::Timeout=600 update >>"$log" 2>&1 \
         && $sudo apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@" >>"$log" 2>&1; }
}

# stop_service NAME: Debian starts some packages as services; the tests start their own on free ports/sockets.
stop_service() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  { $sudo systemctl disable --now "$1" || $sudo service "$1" stop || true; } >/dev/null 2>&1
}

install_etcd() {
  installed etcd && return 0
  say "etcd: apt-get install etcd-server"
  apt_install "$LOGS/etcd.log" etcd-server || { say "etcd: install failed (log: $LOGS/etcd.log)"; return 1; }
  stop_service etcd
}

install_node_packages() {
  installed node-packages && return 0
  say "node-packages: apt-get install ${NODE_PACKAGES[*]}"
  apt_install "$LOGS/node-packages.log" "${NODE_PACKAGES[@]}" \
    || { say "node-packages: install failed (log: $LOGS/node-packages.log)"; return 1; }
  # Docker's own containerd is started by dockerd with its own socket; the Debian service is not needed.
  stop_service containerd
}

# ---------------------------------------------------------------- the wrapper module
write_module() {
  mkdir -p "$MODULE"
  [ -f "$MODULE/go.mod" ] && grep -q "k8s.io/kubernetes $KUBERNETES_VERSION" "$MODULE/go.mod" && return 0
  local gomod staging minor
  gomod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
  [ -f "$gomod" ] || { say "cannot download k8s.io/kubernetes@$KUBERNETES_VERSION"; return 1; }
  # Staging modules are published as v0.<minor>.<patch> for kubernetes v1.<minor>.<patch>.
  minor="v0.${KUBERNETES_VERSION#v1.}"
  staging="$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$gomod" | sort -u)"
  {
    echo "// Generated by scripts/install-kube.sh: builds k8s.io/kubernetes commands from the module proxy."
    echo "module fraiseql-deploy.local/kube"
    echo
    echo "go $(sed -n 's/^go //p' "$gomod")"
    echo
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
    echo
    for module in $staging; do echo "replace $module => $module $minor"; done
  } >"$MODULE/go.mod"
}

build_command() {
  local name="$1" build_date
  installed "$name" && return 0
  write_module
  build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  local flags="-s -w"
  # Without these the binaries report v0.0.0-master, which clients (kubectl, helm) take for an old server.
  local minor="${KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags="$flags -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags="$flags -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
  done
  say "$name: building k8s.io/kubernetes/cmd/$name@$KUBERNETES_VERSION (log: $LOGS/$name.log)"
  local started=$SECONDS
  mkdir -p "$KUBE_BIN"
  if ! (cd "$MODULE" && CGO_ENABLED=0 GOFLAGS="-mod=mod -modcacherw" nice -n 10 \
        go build -trimpath -ldflags "$flags" -o "$KUBE_BIN/$name.tmp" "k8s.io/kubernetes/cmd/$name") >"$LOGS/$name.log" 2>&1; then
    say "$name: build failed (log: $LOGS/$name.log)"
    return 1
  fi
  mv "$KUBE_BIN/$name.tmp" "$KUBE_BIN/$name"
  mkdir -p "$TOOLS_BIN"
  ln -sf "$KUBE_BIN/$name" "$TOOLS_BIN/$name"
  say "$name: built in $((SECONDS - started)) s"
}

# ---------------------------------------------------------------- CoreDNS
build_coredns() {
  installed coredns && return 0
  local module="$COREDNS_ROOT/module" started=$SECONDS
  mkdir -p "$module" "$COREDNS_ROOT/bin"
  if [ ! -f "$module/go.mod" ]; then
    printf '%s\n' "// Generated by scripts/install-kube.sh: CoreDNS with the plugins of a cluster's Corefile." \
      "module fraiseql-deploy.local/coredns" "" "go 1.24" "" "require github.com/coredns/coredns $COREDNS_VERSION" \
      >"$module/go.mod"
  fi
  coredns_main >"$module/main.go"
  say "coredns: building github.com/coredns/coredns@$COREDNS_VERSION (log: $LOGS/coredns.log)"
  if ! (cd "$module" && CGO_ENABLED=0 GOFLAGS="-mod=mod -modcacherw" nice -n 10 \
        go build -trimpath -ldflags "-s -w" -o "$COREDNS_ROOT/bin/coredns.tmp" .) >"$LOGS/coredns.log" 2>&1; then
    say "coredns: build failed (log: $LOGS/coredns.log)"
    return 1
  fi
  mv "$COREDNS_ROOT/bin/coredns.tmp" "$COREDNS_ROOT/bin/coredns"
  mkdir -p "$TOOLS_BIN"
  ln -sf "$COREDNS_ROOT/bin/coredns" "$TOOLS_BIN/coredns"
  say "coredns: built in $((SECONDS - started)) s"
}

# ---------------------------------------------------------------- kube-router
# Only its NetworkPolicy firewall runs (the bridge plugin has none); its own go.mod resolves its dependencies.
build_kube_router() {
  installed kube-router && return 0
  local started=$SECONDS
  mkdir -p "$KUBE_ROUTER_ROOT/bin" "$TOOLS_BIN"
  say "kube-router: building github.com/cloudnativelabs/kube-router/v2@$KUBE_ROUTER_VERSION (log: $LOGS/kube-router.log)"
  if ! CGO_ENABLED=0 GOBIN="$KUBE_ROUTER_ROOT/bin" GOFLAGS="-modcacherw" nice -n 10 go install -trimpath \
      -ldflags "-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$KUBE_ROUTER_VERSION" \
      "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTER_VERSION" >"$LOGS/kube-router.log" 2>&1; then
    say "kube-router: build failed (log: $LOGS/kube-router.log)"
    return 1
  fi
  ln -sf "$KUBE_ROUTER_ROOT/bin/kube-router" "$TOOLS_BIN/kube-router"
  say "kube-router: built in $((SECONDS - started)) s"
}

mkdir -p "$LOGS"
export GOPATH="$CACHE/go" GOMODCACHE="$CACHE/go/pkg/mod" GOCACHE="$CACHE/go/cache" GOTOOLCHAIN=local
failed=0
for name in "${SELECTED[@]}"; do
  case "$name" in
    etcd) install_etcd || failed=1 ;;
    node-packages) install_node_packages || failed=1 ;;
    coredns) build_coredns || failed=1 ;;
    kube-router) build_kube_router || failed=1 ;;
    *) build_command "$name" || failed=1 ;;
  esac
done
exit "$failed"
