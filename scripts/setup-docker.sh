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
#   postgres:18-trixie, postgres:18         (trixie only) Debian forky's postgresql-18
#                                           on debian:forky-slim (a forky minbase
#                                           rootfs); PGDATA and VOLUME as in the
#                                           official 18 image
#   busybox:1.37                            (trixie only) Debian trixie's busybox-static
#                                           FROM scratch: the chart's helm test pod
#   docker/dockerfile:1                     BuildKit Dockerfile frontend built from
#                                           source, so `# syntax=docker/dockerfile:1`
#                                           works offline
# See scripts/docker/README.md for details and limits.
#
# Idempotent: finished steps are detected and skipped (a warm run takes seconds).
#
# Usage: scripts/setup-docker.sh [--rust-version X.Y.Z] [--debian trixie|bookworm|all]
#                                [--force] [--no-images] [--no-host-ca] [--qemu]
#   --force       rebuild images (and the debootstrap tarballs) even if present
#   --no-images   only make sure the engine and buildx work
#   --no-host-ca  do not copy this machine's locally added CA certificates
#                 (/usr/local/share/ca-certificates/*.crt) into the Rust builder
#                 stand-ins. By default they are copied, because this machine
#                 reaches crates.io through a TLS-intercepting egress proxy whose
#                 CA only the host trusts; without it `cargo fetch` in a build
#                 step fails with "SSL certificate problem: self-signed
#                 certificate in certificate chain".
#   --qemu        also install qemu-user-static + binfmt-support and register
#                 qemu-aarch64 in binfmt_misc (mounting it if needed), so arm64
#                 binaries run here and the builder lists linux/arm64
# Env:   FRAISEQL_DEPLOY_CACHE (default ~/.cache/fraiseql-deploy), DEBIAN_MIRROR,
#        DOCKERD_TIMEOUT (seconds, default 90), FRAISEQL_DEPLOY_TOOLS.
set -euo pipefail

BUILDX_VERSION=v0.36.1
FRONTEND_BUILDKIT_VERSION=v0.32.2 # docker/dockerfile:1 stand-in is built from this buildkit
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
QEMU=0
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
            --qemu) QEMU=1; shift ;;
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
        apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    # The lock timeout: scripts/install-tools.sh may be installing packages at the same time (.ci/run runs both).
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >/dev/null
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

# ------------------------------------------------------------------ qemu ----

ensure_qemu() {
    local fmt=qemu-aarch64
    [ "$(dpkg --print-architecture)" != arm64 ] || fmt=qemu-x86_64
    if [ -e "/proc/sys/fs/binfmt_misc/$fmt" ]; then
        log "qemu: $fmt registered in binfmt_misc"
        return
    fi
    if [ ! -x "/usr/libexec/qemu-binfmt/${fmt#qemu-}-binfmt-P" ] || ! command -v update-binfmts >/dev/null 2>&1; then
        apt_install qemu-user-static binfmt-support
    fi
    if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
            die "cannot mount binfmt_misc (needed to run foreign binaries through qemu)"
    fi
    update-binfmts --enable "$fmt" >/dev/null 2>&1 || true
    [ -e "/proc/sys/fs/binfmt_misc/$fmt" ] || die "qemu: $fmt is not registered in binfmt_misc"
    log "qemu: $fmt registered ($(sed -n 's/^flags: //p' "/proc/sys/fs/binfmt_misc/$fmt") flags)"
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

# docker/dockerfile:1 from source: without it a `# syntax=docker/dockerfile:1`
# line fails ("resolve image config for docker.io/docker/dockerfile:1 ... no such
# host"), and the engine's built-in frontend lacks heredocs and COPY --link.
image_dockerfile_frontend() {
    local tag="docker/dockerfile:1" dir="$CACHE/go/dockerfile-frontend-$FRONTEND_BUILDKIT_VERSION"
    local pkg=github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend
    if have_image "$tag"; then log "$tag: present"; return; fi
    if [ ! -x "$dir/ctx/dockerfile-frontend" ] || [ "$FORCE" = 1 ]; then
        command -v go >/dev/null 2>&1 || die "go is needed to build the dockerfile frontend"
        log "dockerfile frontend: go build $pkg@$FRONTEND_BUILDKIT_VERSION (a minute or two when cold)"
        mkdir -p "$dir/mod" "$dir/ctx"
        # a throw-away main module: buildkit's go.mod has exclude directives,
        # which `go install pkg@version` refuses
        (
            cd "$dir/mod"
            export GOPATH="$CACHE/go" GOCACHE="$CACHE/go/cache" GOFLAGS=-modcacherw CGO_ENABLED=0
            [ -f go.mod ] || go mod init fraiseql-deploy.local/dockerfile-frontend >/dev/null 2>&1
            go get "$pkg@$FRONTEND_BUILDKIT_VERSION" >/dev/null 2>&1
            go build -trimpath -ldflags '-s -w' -o "$dir/ctx/dockerfile-frontend" "$pkg"
        ) || die "building the dockerfile frontend failed"
    fi
    build_image dockerfile-frontend "$dir/ctx" "$ASSETS/dockerfile-frontend/Dockerfile" "$tag" -- \
        --label "dev.fraiseql-deploy.source=github.com/moby/buildkit@$FRONTEND_BUILDKIT_VERSION"
}

# Names of the host's locally added CA certificates ("none" if none or --no-host-ca).
host_ca_label() {
    local f names=()
    if [ "$HOST_CA" = 1 ]; then
        for f in /usr/local/share/ca-certificates/*.crt; do
            [ -f "$f" ] && names+=("$(basename "$f")")
        done
    fi
    if [ "${#names[@]}" -gt 0 ]; then printf '%s\n' "${names[*]}"; else printf 'none\n'; fi
}

# stage_host_ca CONTEXT: CONTEXT/host-ca gets the host's locally added CA
# certificates (stays empty with --no-host-ca or when there are none).
stage_host_ca() {
    local dir="$1/host-ca" f
    mkdir -p "$dir"
    [ "$HOST_CA" = 1 ] || return 0
    for f in /usr/local/share/ca-certificates/*.crt; do
        [ -f "$f" ] && cp "$f" "$dir/"
    done
    [ "$(host_ca_label)" = none ] || log "adding host CA certificates to the builder image: $(host_ca_label)"
}

# have_builder_image TAG: present and built with the same host CA set.
have_builder_image() {
    have_image "$1" &&
        [ "$(docker image inspect -f '{{index .Config.Labels "dev.fraiseql-deploy.host-ca"}}' "$1")" = "$(host_ca_label)" ]
}

# build_image LOGNAME CONTEXT DOCKERFILE TAG... -- BUILD-ARGS...
build_image() {
    local name="$1" context="$2" dockerfile="$3"
    shift 3
    local tags=() args=()
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do tags+=(-t "$1"); shift; done
    [ "$#" -gt 0 ] && shift
    args=("$@")
    local logf="$IMAGE_CACHE/build-$name.log" t0=$SECONDS old_ids=() i id
    for ((i = 1; i < ${#tags[@]}; i += 2)); do
        id="$(docker image inspect -f '{{.Id}}' "${tags[i]}" 2>/dev/null || true)"
        [ -z "$id" ] || old_ids+=("$id")
    done
    log "building $name (log: $logf)"
    if ! docker buildx build --builder default --progress=plain -f "$dockerfile" "${tags[@]}" "${args[@]}" "$context" >"$logf" 2>&1; then
        tail -n 30 "$logf" >&2
        die "building $name failed (full log: $logf)"
    fi
    log "built $name in $((SECONDS - t0))s"
    # drop the image this one replaced, if nothing else uses it (never forced)
    for id in "${old_ids[@]}"; do
        [ "$id" = "$(docker image inspect -f '{{.Id}}' "${tags[1]}")" ] || docker image rm "$id" >/dev/null 2>&1 || true
    done
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
    # forky (testing) is signed with the stable archive keys; it has no -stable key of its own yet
    [ -e "/usr/share/keyrings/debian-archive-$rel-stable.gpg" ] || [ "$rel" = bookworm ] || [ "$rel" = forky ] ||
        apt_install debian-archive-keyring
    # a debootstrap older than the release has no script for it: testing/unstable use sid's
    local script=()
    [ -e "/usr/share/debootstrap/scripts/$rel" ] || script=(/usr/share/debootstrap/scripts/sid)
    local root t0=$SECONDS
    root="$(mktemp -d "$IMAGE_CACHE/rootfs-$rel.XXXXXX")"
    log "debootstrap --variant=minbase $rel (from $DEBIAN_MIRROR)"
    if ! debootstrap --variant=minbase --arch="$arch" "$rel" "$root" "$DEBIAN_MIRROR" "${script[@]}" >"$IMAGE_CACHE/debootstrap-$rel.log" 2>&1; then
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
    # Testing's Release files expire a week after they are signed, and the
    # mirror this machine reaches can serve an older testing snapshot (forky's
    # was a month past its Valid-Until when this was added), so apt-get update
    # would fail with "Release file ... is expired". Signatures are still checked.
    if [ "$rel" = forky ]; then
        printf '# fraiseql-deploy stand-in: the local mirror may serve a stale testing snapshot\nAcquire::Check-Valid-Until "false";\n' \
            >"$root/etc/apt/apt.conf.d/docker-no-check-valid-until"
    fi

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

# Candidate RUSTUP_HOME directories: $RUSTUP_HOME, $HOME/.rustup and the
# account's real home (HOME may point to a scratch directory in tests).
rustup_homes() {
    local real_home
    real_home="$(getent passwd "$(id -u)" | cut -d: -f6)"
    printf '%s\n' "${RUSTUP_HOME:-}" "$HOME/.rustup" "$real_home/.rustup" | awk 'NF && !seen[$0]++'
}

# Directory of an installed rustup toolchain whose rustc reports version $1
# (stable-* toolchains first).
find_toolchain() {
    local want="$1" home dir real v
    while read -r home; do
        for dir in "$home"/toolchains/stable-* "$home"/toolchains/*; do
            real="$(readlink -f "$dir")" || continue
            [ -x "$real/bin/rustc" ] || continue
            v="$("$real/bin/rustc" --version 2>/dev/null | awk '{print $2}')"
            if [ "$v" = "$want" ]; then
                printf '%s\n' "$real"
                return 0
            fi
        done
    done < <(rustup_homes)
    return 1
}

# Version of the machine's stable Rust: `rustc --version`, or the first
# stable-* rustup toolchain when the rustup proxy cannot resolve one.
default_rust_version() {
    local v home dir
    v="$(rustc --version 2>/dev/null | awk '{print $2}')" || true
    if [ -z "$v" ]; then
        while read -r home; do
            for dir in "$home"/toolchains/stable-*; do
                [ -x "$dir/bin/rustc" ] || continue
                v="$("$dir/bin/rustc" --version | awk '{print $2}')"
                break 2
            done
        done < <(rustup_homes)
    fi
    [ -n "$v" ] || die "cannot find the machine's Rust version; pass --rust-version"
    printf '%s\n' "$v"
}

# The rustup binary (its proxies become cargo, rustc, ... in the image).
find_rustup_bin() {
    local home c
    for c in "$(command -v rustup || true)" "${CARGO_HOME:-$HOME/.cargo}/bin/rustup"; do
        [ -n "$c" ] && [ -x "$c" ] && { readlink -f "$c"; return 0; }
    done
    while read -r home; do
        c="$(dirname "$home")/.cargo/bin/rustup"
        [ -x "$c" ] && { readlink -f "$c"; return 0; }
    done < <(rustup_homes)
    return 1
}

image_rust() {
    local rel="$1" ver="$RUST_VERSION" mm tag
    mm="${ver%.*}"
    tag="rust:$ver-slim-$rel"
    local aliases=("rust:$mm-slim-$rel")
    # the official unsuffixed -slim tags follow Debian stable (trixie)
    [ "$rel" != trixie ] || aliases+=("rust:$ver-slim" "rust:$mm-slim")
    if have_builder_image "$tag"; then
        tag_alias "$tag" "${aliases[@]}"
        log "$tag: present"
        return
    fi
    local tc host ctx
    tc="$(find_toolchain "$ver")" ||
        die "no rustup toolchain with rustc $ver on this machine (rustup cannot download one offline); looked in: $(rustup_homes | tr '\n' ' ')"
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
    rustup_bin="$(find_rustup_bin)" || die "rustup binary not found"
    install -m 0755 "$rustup_bin" "$ctx/cargo/bin/rustup"
    local p
    for p in cargo cargo-clippy cargo-fmt clippy-driver rustc rustdoc rustfmt rust-gdb rust-gdbgui rust-lldb; do
        ln -s rustup "$ctx/cargo/bin/$p"
    done
    chmod -R a+w "$ctx/rustup" "$ctx/cargo"
    stage_host_ca "$ctx"
    build_image "rust-$ver-$rel" "$ctx" "$ASSETS/rust/Dockerfile" "$tag" "${aliases[@]}" -- \
        --build-arg "DEBIAN_RELEASE=$rel" --build-arg "RUST_VERSION=$ver" \
        --label "dev.fraiseql-deploy.host-ca=$(host_ca_label)"
    rm -rf "$ctx"
    # offline no-op check for the native target, as the generated Dockerfile runs it
    docker run --rm --network none "$tag" rustup target add "$host" >/dev/null 2>&1 ||
        die "$tag: 'rustup target add $host' is not an offline no-op"
}

image_rust_cross() {
    local rel="$1" tag="fraiseql-test/rust-cross:$1" cross_arch=arm64
    if [ "$rel" = bookworm ]; then
        log "$tag: skipped (Debian bookworm's rustc 1.63 cannot build edition-2024 workspaces; use fraiseql-test/rust-cross:trixie)"
        return
    fi
    [ "$(dpkg --print-architecture)" != arm64 ] || cross_arch=amd64
    if have_builder_image "$tag"; then log "$tag: present"; return; fi
    local ctx
    ctx="$(mktemp -d "$IMAGE_CACHE/rust-cross-ctx.XXXXXX")"
    cp "$ASSETS/rust-cross/rustup-standin.sh" "$ctx/"
    stage_host_ca "$ctx"
    build_image "rust-cross-$rel" "$ctx" "$ASSETS/rust-cross/Dockerfile" "$tag" -- \
        --build-arg "DEBIAN_RELEASE=$rel" --build-arg "CROSS_ARCH=$cross_arch" \
        --label "dev.fraiseql-deploy.host-ca=$(host_ca_label)"
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

# postgres:18: neither trixie nor bookworm packages PostgreSQL 18, so this
# stand-in takes postgresql-18 from Debian forky (testing) on a forky base
# image. It is tagged postgres:18-trixie, the official tag it stands in for.
# PGDATA and the VOLUME follow the official 18+ layout, which the entrypoint
# enforces like the real one (a mount at /var/lib/postgresql/data is refused).
image_postgres18() {
    local pg=18 base=forky tag="postgres:18-trixie"
    if have_image "$tag"; then
        tag_alias "$tag" "postgres:$pg"
        log "$tag: present"
        return
    fi
    image_debian "$base"
    build_image "postgres-$pg-$base" "$ASSETS/postgres" "$ASSETS/postgres/Dockerfile" "$tag" "postgres:$pg" -- \
        --build-arg "DEBIAN_RELEASE=$base" --build-arg "PG_MAJOR=$pg" \
        --build-arg "PGDATA=/var/lib/postgresql/$pg/docker" --build-arg "PG_VOLUME=/var/lib/postgresql" \
        --label "dev.fraiseql-deploy.debian-release=$base"
    log "$tag: $(docker run --rm --network none --entrypoint postgres "$tag" --version)"
}

# busybox:1.37 (docker.io/library/busybox:1.37): the generated chart's test pod image.
image_busybox() {
    local tag="busybox:1.37"
    if have_image "$tag"; then log "$tag: present"; return; fi
    build_image busybox "$ASSETS/busybox" "$ASSETS/busybox/Dockerfile" "$tag" -- --build-arg "DEBIAN_RELEASE=trixie"
}

summary() {
    log "stand-in images:"
    docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}\t{{.ID}}' |
        grep -E '^(debian:|rust:|fraiseql-test/rust-cross:|gcr.io/distroless/|postgres:|busybox:|docker/dockerfile:)' |
        sort | awk -F '\t' '{ printf "  %-40s %9s  %s\n", $1, $2, $3 }' >&2
}

main() {
    parse_args "$@"
    mkdir -p "$IMAGE_CACHE"
    ensure_engine
    [ "$QEMU" = 0 ] || ensure_qemu
    ensure_buildx
    [ "$BUILD_IMAGES" = 1 ] || { log "done (--no-images)"; return; }
    [ -n "$RUST_VERSION" ] || RUST_VERSION="$(default_rust_version)"
    image_dockerfile_frontend
    local rel
    for rel in "${RELEASES[@]}"; do
        image_debian "$rel"
        image_rust "$rel"
        image_rust_cross "$rel"
        image_distroless "$rel"
        image_postgres "$rel"
        [ "$rel" != trixie ] || image_postgres18
        [ "$rel" != trixie ] || image_busybox
    done
    summary
    log "done in $((SECONDS - START_TIME))s"
}

main "$@"
