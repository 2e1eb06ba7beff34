#!/usr/bin/env bash
# Set up a local Docker engine, the buildx plugin and offline stand-ins for the
# base images that fraiseql-deploy's generated Dockerfiles and compose files use.
#
# This machine reaches package registries only (Debian apt, Go proxy, crates.io,
# ...), never a container registry, so every FROM image is built here:
#   debian:<rel>-slim                       debootstrap --variant=minbase, imported
#   rust:<v>-slim-<rel>, rust:<maj.min>-slim-<rel>
#                                           Debian + gcc/libc6-dev + this machine's
#                                           rustup toolchain (no docs)
#   fraiseql-test/rust-cross:<rel>          test-only: Debian rustc + arm64 std +
#                                           rustup stand-in (rustc version differs!)
#   gcr.io/distroless/cc-debian13:nonroot   (cc-debian12 for bookworm) distroless-like
#   postgres:17-trixie, postgres:17         (bookworm: postgres:15-bookworm, postgres:15)
# See scripts/docker/README.md for details and limits.
#
# Idempotent: finished steps are detected and skipped (a warm run takes seconds).
#
# Usage: scripts/setup-docker.sh [--rust-version X.Y.Z] [--debian trixie|bookworm|all]
#                                [--force] [--no-images] [--no-host-ca]
#   --force       rebuild images (and the debootstrap tarball) even if present
#   --no-images   only make sure the engine and buildx work
#   --no-host-ca  do not copy this machine's locally added CA certificates
#                 (/usr/local/share/ca-certificates/*.crt) into the Rust builder
#                 stand-ins. By default they are copied, because this machine
#                 reaches crates.io through a TLS-intercepting egress proxy whose
#                 CA only the host trusts; without it `cargo fetch` in a build
#                 step fails with "SSL certificate problem: self-signed
#                 certificate in certificate chain".
# Env:   FRAISEQL_DEPLOY_CACHE (default ~/.cache/fraiseql-deploy), DEBIAN_MIRROR,
#        DOCKERD_TIMEOUT (seconds, default 90), FRAISEQL_DEPLOY_TOOLS.
set -euo pipefail

BUILDX_VERSION=v0.36.1
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ASSETS="$SCRIPT_DIR/docker"
CACHE="${FRAISEQL_DEPLOY_CACHE:-$HOME/.cache/fraiseql-deploy}"
IMAGE_CACHE="$CACHE/images"
TOOLS_DIR="${FRAISEQL_DEPLOY_TOOLS:-$HOME/.cache/fraiseql-deploy/tools}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
DOCKERD_TIMEOUT="${DOCKERD_TIMEOUT:-90}"
DOCKERD_LOG=/tmp/dockerd.log
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

RUST_VERSION=""
RELEASES=(trixie)
FORCE=0
HOST_CA=1
BUILD_IMAGES=1
APT_UPDATED=0
ROOTFS_TAR=""
START_TIME=$SECONDS

log() { printf '[setup-docker %3ss] %s\n' "$((SECONDS - START_TIME))" "$*" >&2; }
die() { printf '[setup-docker] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}

parse_args() {
    while [ "$#" -gt 0 ]; do
        case "$1" in
            --rust-version) [ "$#" -ge 2 ] || die "--rust-version needs a value"; RUST_VERSION="$2"; shift 2 ;;
            --rust-version=*) RUST_VERSION="${1#*=}"; shift ;;
            --debian) [ "$#" -ge 2 ] || die "--debian needs a value"; set_releases "$2"; shift 2 ;;
            --debian=*) set_releases "${1#*=}"; shift ;;
            --force) FORCE=1; shift ;;
            --no-host-ca) HOST_CA=0; shift ;;
            --no-images) BUILD_IMAGES=0; shift ;;
            -h | --help) usage; exit 0 ;;
            *) die "unknown argument: $1 (see --help)" ;;
        esac
    done
    if [ -n "$RUST_VERSION" ] && ! [[ "$RUST_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
        die "--rust-version must look like 1.95.0, got '$RUST_VERSION'"
    fi
}

set_releases() {
    case "$1" in
        trixie | bookworm) RELEASES=("$1") ;;
        all) RELEASES=(trixie bookworm) ;;
        *) die "--debian must be trixie, bookworm or all (got '$1')" ;;
    esac
}

apt_install() {
    [ "$(id -u)" = 0 ] || die "need root to apt-get install $*"
    if [ "$APT_UPDATED" = 0 ]; then
        log "apt-get update"
        apt-get update -qq >/dev/null
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ---------------------------------------------------------------- engine ----

ensure_engine() {
    if ! command -v dockerd >/dev/null 2>&1; then
        apt_install docker.io
    fi
    if docker info >/dev/null 2>&1; then
        log "docker engine: running ($(docker info --format '{{.ServerVersion}} {{.Driver}}'))"
        return
    fi
    if pgrep -x dockerd >/dev/null 2>&1; then
        log "dockerd is running but not answering yet; waiting"
    else
        [ "$(id -u)" = 0 ] || die "docker engine not running and not root: cannot start dockerd"
        log "starting dockerd (log: $DOCKERD_LOG)"
        setsid nohup dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
    fi
    local waited=0
    until docker info >/dev/null 2>&1; do
        if [ "$waited" -ge "$DOCKERD_TIMEOUT" ]; then
            tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
            die "dockerd did not answer 'docker info' within ${DOCKERD_TIMEOUT}s (see $DOCKERD_LOG)"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    log "docker engine: up after ${waited}s ($(docker info --format '{{.ServerVersion}} {{.Driver}}'))"
}

# ---------------------------------------------------------------- buildx ----

ensure_buildx() {
    local plugin_dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
    if ! docker buildx version >/dev/null 2>&1; then
        local bin="" tools_bin="$TOOLS_DIR/buildx-$BUILDX_VERSION/buildx"
        local gobin="$CACHE/go/buildx-$BUILDX_VERSION"
        if [ -x "$tools_bin" ]; then
            bin="$tools_bin"
            log "buildx: reusing $bin"
        elif [ -x "$gobin/buildx" ]; then
            bin="$gobin/buildx"
            log "buildx: reusing $bin"
        else
            command -v go >/dev/null 2>&1 || die "go is needed to build buildx"
            log "buildx: go install github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION (a few minutes when cold)"
            mkdir -p "$gobin"
            (cd /tmp && GOPATH="$CACHE/go" GOCACHE="$CACHE/go/cache" GOFLAGS=-modcacherw GOBIN="$gobin" \
                go install -ldflags "-s -w -X github.com/docker/buildx/version.Version=$BUILDX_VERSION \
                    -X github.com/docker/buildx/version.Package=github.com/docker/buildx" \
                github.com/docker/buildx/cmd/buildx@"$BUILDX_VERSION") ||
                die "go install of buildx $BUILDX_VERSION failed"
            bin="$gobin/buildx"
        fi
        mkdir -p "$plugin_dir"
        install -m 0755 "$bin" "$plugin_dir/docker-buildx"
    fi
    log "buildx: $(docker buildx version)"

    # The docker driver (default builder) uses the engine's built-in BuildKit:
    # single native platform, no registry, images land in the engine directly.
    local driver
    driver="$(docker buildx inspect default 2>/dev/null | sed -n 's/^Driver: *//p' | head -n 1)"
    [ "$driver" = docker ] || die "buildx 'default' builder should use the docker driver, got '${driver:-none}'"
    local ctx
    ctx="$(mktemp -d)"
    printf 'ok\n' >"$ctx/hello"
    printf 'FROM scratch\nCOPY hello /hello\n' >"$ctx/Dockerfile"
    if ! docker buildx build --builder default --progress=quiet -t fraiseql-test/buildx-smoke:latest "$ctx" >/dev/null 2>"$ctx/err"; then
        cat "$ctx/err" >&2
        rm -rf "$ctx"
        die "'docker buildx build' with the docker driver does not work"
    fi
    docker image rm fraiseql-test/buildx-smoke:latest >/dev/null 2>&1 || true
    rm -rf "$ctx"
    log "buildx: 'docker buildx build' works (driver docker, platforms: $(docker buildx inspect default | sed -n 's/^Platforms: *//p' | head -n 1))"
}

# ---------------------------------------------------------------- images ----

have_image() {
    [ "$FORCE" = 0 ] && docker image inspect "$1" >/dev/null 2>&1
}

# tag_alias SRC DST...: add tags that are missing or point elsewhere.
tag_alias() {
    local src="$1" dst id
    shift
    id="$(docker image inspect -f '{{.Id}}' "$src")"
    for dst in "$@"; do
        if [ "$(docker image inspect -f '{{.Id}}' "$dst" 2>/dev/null || true)" != "$id" ]; then
            docker tag "$src" "$dst"
        fi
    done
}

# stage_host_ca CONTEXT: CONTEXT/host-ca gets the host's locally added CA
# certificates (empty when --no-host-ca or none); sets HOST_CA_LABEL.
HOST_CA_LABEL=none
stage_host_ca() {
    local dir="$1/host-ca" f names=()
    mkdir -p "$dir"
    if [ "$HOST_CA" = 1 ]; then
        for f in /usr/local/share/ca-certificates/*.crt; do
            [ -f "$f" ] || continue
            cp "$f" "$dir/"
            names+=("$(basename "$f")")
        done
    fi
    if [ "${#names[@]}" -gt 0 ]; then
        HOST_CA_LABEL="${names[*]}"
        log "adding host CA certificates to the builder image: $HOST_CA_LABEL"
    else
        HOST_CA_LABEL=none
    fi
}

# build_image LOGNAME CONTEXT DOCKERFILE TAG... -- BUILD-ARGS...
build_image() {
    local name="$1" context="$2" dockerfile="$3"
    shift 3
    local tags=() args=()
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do tags+=(-t "$1"); shift; done
    [ "$#" -gt 0 ] && shift
    args=("$@")
    local logf="$IMAGE_CACHE/build-$name.log" t0=$SECONDS
    log "building $name (log: $logf)"
    if ! docker buildx build --builder default --progress=plain -f "$dockerfile" "${tags[@]}" "${args[@]}" "$context" >"$logf" 2>&1; then
        tail -n 30 "$logf" >&2
        die "building $name failed (full log: $logf)"
    fi
    log "built $name in $((SECONDS - t0))s"
}

# Sets ROOTFS_TAR to a cached, slimmed debootstrap rootfs tarball for $1.
debian_rootfs_tar() {
    local rel="$1" arch tar
    arch="$(dpkg --print-architecture)"
    tar="$IMAGE_CACHE/debian-$rel-minbase-$arch.tar"
    ROOTFS_TAR="$tar"
    if [ -s "$tar" ] && [ "$FORCE" = 0 ]; then
        log "debian $rel rootfs: cached ($tar)"
        return
    fi
    command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
    [ -e "/usr/share/keyrings/debian-archive-$rel-stable.gpg" ] || [ "$rel" = bookworm ] ||
        apt_install debian-archive-keyring
    local root t0=$SECONDS
    root="$(mktemp -d "$IMAGE_CACHE/rootfs-$rel.XXXXXX")"
    log "debootstrap --variant=minbase $rel (from $DEBIAN_MIRROR)"
    if ! debootstrap --variant=minbase --arch="$arch" "$rel" "$root" "$DEBIAN_MIRROR" >"$IMAGE_CACHE/debootstrap-$rel.log" 2>&1; then
        tail -n 20 "$IMAGE_CACHE/debootstrap-$rel.log" >&2
        rm -rf "$root"
        die "debootstrap $rel failed (log: $IMAGE_CACHE/debootstrap-$rel.log)"
    fi
    slim_rootfs "$rel" "$root"
    tar --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
        -C "$root" -cf "$tar.tmp" .
    mv "$tar.tmp" "$tar"
    rm -rf "$root"
    log "debian $rel rootfs: $(du -h "$tar" | cut -f1) in $((SECONDS - t0))s ($tar)"
}

# Make the debootstrap tree look like the official debian:<rel>-slim image.
slim_rootfs() {
    local rel="$1" root="$2"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
        "$root"/var/lib/apt/lists/* "$root"/var/log/apt/* "$root"/var/log/*.log \
        "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
        "$root"/usr/share/groff/* "$root"/usr/share/lintian/overrides/*
    mkdir -p "$root/var/lib/apt/lists/partial"
    find "$root/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
    find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
    : >"$root/etc/resolv.conf"
    [ ! -e "$root/etc/machine-id" ] || : >"$root/etc/machine-id"
    printf '%s\n' localhost >"$root/etc/hostname"

    cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# slim image: keep only copyright files from documentation
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
    cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
# as in the official debian image (remove this file to use a cache mount on /var/cache/apt)
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    printf 'Acquire::Languages "none";\n' >"$root/etc/apt/apt.conf.d/docker-no-languages"
    printf 'Apt::AutoRemove::SuggestsImportant "false";\n' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"

    rm -f "$root/etc/apt/sources.list"
    cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $rel $rel-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $DEBIAN_SECURITY_MIRROR
Suites: $rel-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

image_debian() {
    local rel="$1" tag="debian:$1-slim" t0=$SECONDS
    if have_image "$tag"; then log "$tag: present"; return; fi
    debian_rootfs_tar "$rel"
    docker import --platform "linux/$(dpkg --print-architecture)" \
        -c "ENV PATH=$BASE_PATH" -c 'CMD ["bash"]' \
        -c "LABEL dev.fraiseql-deploy.standin=$tag" \
        -m "fraiseql-deploy stand-in for $tag (debootstrap --variant=minbase)" \
        "$ROOTFS_TAR" "$tag" >/dev/null
    log "$tag: imported in $((SECONDS - t0))s"
}

# Directory of an installed rustup toolchain whose rustc reports version $1.
find_toolchain() {
    local want="$1" home="${RUSTUP_HOME:-$HOME/.rustup}" dir real v
    for dir in "$home"/toolchains/*; do
        real="$(readlink -f "$dir")"
        [ -x "$real/bin/rustc" ] || continue
        v="$("$real/bin/rustc" --version 2>/dev/null | awk '{print $2}')"
        if [ "$v" = "$want" ]; then
            printf '%s\n' "$real"
            return 0
        fi
    done
    return 1
}

image_rust() {
    local rel="$1" ver="$RUST_VERSION" mm tag
    mm="${ver%.*}"
    tag="rust:$ver-slim-$rel"
    local aliases=("rust:$mm-slim-$rel")
    # the official unsuffixed -slim tags follow Debian stable (trixie)
    [ "$rel" != trixie ] || aliases+=("rust:$ver-slim" "rust:$mm-slim")
    if have_image "$tag"; then
        tag_alias "$tag" "${aliases[@]}"
        log "$tag: present"
        return
    fi
    local tc host ctx
    tc="$(find_toolchain "$ver")" ||
        die "no rustup toolchain with rustc $ver on this machine (rustup cannot download one offline); see ${RUSTUP_HOME:-$HOME/.rustup}/toolchains"
    host="$("$tc/bin/rustc" -vV | sed -n 's/^host: //p')"
    ctx="$(mktemp -d "$IMAGE_CACHE/rust-ctx.XXXXXX")"
    log "rust $ver: staging toolchain $tc (without docs)"
    local dst="$ctx/rustup/toolchains/$ver-$host"
    mkdir -p "$dst" "$ctx/cargo/bin"
    tar -C "$tc" --exclude=./share/doc -cf - . | tar -C "$dst" -xf -
    # drop the rust-docs component from rustup's bookkeeping, like --profile minimal
    local rustlib="$dst/lib/rustlib"
    rm -f "$rustlib/manifest-rust-docs-$host"
    grep -v '^rust-docs-' "$rustlib/components" >"$rustlib/components.new" || true
    mv "$rustlib/components.new" "$rustlib/components"
    awk 'BEGIN { RS=""; ORS="\n\n" } !/pkg = "rust-docs"/' "$rustlib/multirust-config.toml" >"$rustlib/multirust-config.new"
    mv "$rustlib/multirust-config.new" "$rustlib/multirust-config.toml"
    printf 'version = "12"\ndefault_toolchain = "%s"\nprofile = "minimal"\n' "$ver-$host" >"$ctx/rustup/settings.toml"
    local rustup_bin
    rustup_bin="$(command -v rustup || true)"
    [ -n "$rustup_bin" ] || rustup_bin="${CARGO_HOME:-$HOME/.cargo}/bin/rustup"
    [ -x "$rustup_bin" ] || die "rustup binary not found"
    install -m 0755 "$(readlink -f "$rustup_bin")" "$ctx/cargo/bin/rustup"
    local p
    for p in cargo cargo-clippy cargo-fmt clippy-driver rustc rustdoc rustfmt rust-gdb rust-gdbgui rust-lldb; do
        ln -s rustup "$ctx/cargo/bin/$p"
    done
    chmod -R a+w "$ctx/rustup" "$ctx/cargo"
    stage_host_ca "$ctx"
    build_image "rust-$ver-$rel" "$ctx" "$ASSETS/rust/Dockerfile" "$tag" "${aliases[@]}" -- \
        --build-arg "DEBIAN_RELEASE=$rel" --build-arg "RUST_VERSION=$ver" \
        --label "dev.fraiseql-deploy.host-ca=$HOST_CA_LABEL"
    rm -rf "$ctx"
    # offline no-op check for the native target, as the generated Dockerfile runs it
    docker run --rm --network none "$tag" rustup target add "$host" >/dev/null 2>&1 ||
        die "$tag: 'rustup target add $host' is not an offline no-op"
}

image_rust_cross() {
    local rel="$1" tag="fraiseql-test/rust-cross:$1" cross_arch=arm64
    [ "$(dpkg --print-architecture)" != arm64 ] || cross_arch=amd64
    if have_image "$tag"; then log "$tag: present"; return; fi
    local ctx
    ctx="$(mktemp -d "$IMAGE_CACHE/rust-cross-ctx.XXXXXX")"
    cp "$ASSETS/rust-cross/rustup-standin.sh" "$ctx/"
    stage_host_ca "$ctx"
    build_image "rust-cross-$rel" "$ctx" "$ASSETS/rust-cross/Dockerfile" "$tag" -- \
        --build-arg "DEBIAN_RELEASE=$rel" --build-arg "CROSS_ARCH=$cross_arch" \
        --label "dev.fraiseql-deploy.host-ca=$HOST_CA_LABEL"
    rm -rf "$ctx"
}

image_distroless() {
    local rel="$1" n tag
    case "$rel" in trixie) n=13 ;; bookworm) n=12 ;; esac
    tag="gcr.io/distroless/cc-debian$n:nonroot"
    if have_image "$tag"; then log "$tag: present"; return; fi
    build_image "distroless-cc-debian$n" "$ASSETS/distroless-cc" "$ASSETS/distroless-cc/Dockerfile" "$tag" -- \
        --build-arg "DEBIAN_RELEASE=$rel"
}

image_postgres() {
    local rel="$1" pg tag
    case "$rel" in trixie) pg=17 ;; bookworm) pg=15 ;; esac # Debian's own major version
    tag="postgres:$pg-$rel"
    if have_image "$tag"; then
        tag_alias "$tag" "postgres:$pg"
        log "$tag: present"
        return
    fi
    build_image "postgres-$pg-$rel" "$ASSETS/postgres" "$ASSETS/postgres/Dockerfile" "$tag" "postgres:$pg" -- \
        --build-arg "DEBIAN_RELEASE=$rel" --build-arg "PG_MAJOR=$pg"
}

summary() {
    log "stand-in images:"
    docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}\t{{.ID}}' |
        grep -E '^(debian:|rust:|fraiseql-test/rust-cross:|gcr.io/distroless/|postgres:)' |
        sort | column -t -s "$(printf '\t')" >&2
}

main() {
    parse_args "$@"
    mkdir -p "$IMAGE_CACHE"
    ensure_engine
    ensure_buildx
    [ "$BUILD_IMAGES" = 1 ] || { log "done (--no-images)"; return; }
    if [ -z "$RUST_VERSION" ]; then
        command -v rustc >/dev/null 2>&1 || die "rustc not found; pass --rust-version"
        RUST_VERSION="$(rustc --version | awk '{print $2}')"
    fi
    local rel
    for rel in "${RELEASES[@]}"; do
        image_debian "$rel"
        image_rust "$rel"
        image_rust_cross "$rel"
        image_distroless "$rel"
        image_postgres "$rel"
    done
    summary
    log "done in $((SECONDS - START_TIME))s"
}

main "$@"
