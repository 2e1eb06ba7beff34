#!/usr/bin/env bash
# Image benchmarks of the generated Dockerfiles against the seed design, on the fixture workspace
# (test/fixtures/fraiseql-workspace: real crates.io dependencies), in one invocation. Prints a Markdown
# report on stdout; progress goes to stderr.
#
#   (a) image size: generated standard and hardened images vs the seed design (cycle 10.2 of
#       /work/shared/seed: debian-slim runtime with libpq5, curl and ca-certificates from apt, same source
#       and toolchain). Target: hardened <= 40% of the seed design.
#   (b) rebuild after a one-line source change vs a cold build. Target: generated <= 20%. The seed design
#       (no cache mounts: every dependency is downloaded and compiled again) is shown for comparison.
#
# Cold means: `docker builder prune -af` before each generated cold build (the cargo registry and target
# cache mounts and every cached layer are gone; images, the stand-ins included, are not touched), and
# `--no-cache` for the seed design's cold build. Pruning empties the whole BuildKit cache of this engine,
# so other builds on it start cold afterwards. Each cold/changed pair runs back to back, so load from
# other work on the machine hits both alike; the result is the median ratio over the pairs.
#
# Usage: scripts/bench-images.sh [--runs N] [--seed-runs N] [--rust-version X.Y.Z] [--keep]
#   --runs          cold + one-line-change pairs of the generated Dockerfile (default 3)
#   --seed-runs     the same for the seed design (default 1; about 4 minutes each)
#   --rust-version  Rust builder stand-in (rust:X.Y.Z-slim-trixie; default: `rustc --version`, as
#                   scripts/setup-docker.sh tags it)
#   --keep          keep the scratch directory (trees, seed Dockerfile, build logs) and the images
# Needs: docker with buildx, the stand-ins of scripts/setup-docker.sh, node, and a built CLI (npm run build).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
FIXTURE="$REPO/test/fixtures/fraiseql-workspace"
CLI="$REPO/bin/fraiseql-deploy.js"
PLATFORM=linux/amd64
REPOSITORY=localhost/fraiseql-bench
STANDARD="$REPOSITORY:bench"
HARDENED="$REPOSITORY:bench-hardened"
SEED="$REPOSITORY:bench-seed-design"
RUST_VERSION=""
RUNS=3
SEED_RUNS=1
KEEP=0
SCRATCH=""
START=$EPOCHREALTIME
LOAD_START=""

log() { printf '[bench-images %5.0fs] %s\n' "$(elapsed_since "$START")" "$*" >&2; }
die() { printf '[bench-images] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; }

# elapsed_since T0: seconds since the $EPOCHREALTIME value T0, one decimal.
elapsed_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
# percent A B: A/B as a percentage, one decimal.
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", 100 * a / b }'; }
mb() { awk -v a="$1" 'BEGIN { printf "%.1f", a / 1000000 }'; }
# meets VALUE LIMIT: "yes" when VALUE <= LIMIT.
meets() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "yes" : "**no**" }'; }
# median VALUES...: the median (mean of the middle two for an even count), one decimal.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m }'; }
# 1-minute load average (other work on the machine skews the timings).
load_average() { cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo "?"; }

parse_args() {
    while [ "$#" -gt 0 ]; do
        case "$1" in
            --runs) [ "$#" -ge 2 ] || die "--runs needs a value"; RUNS="$2"; shift 2 ;;
            --seed-runs) [ "$#" -ge 2 ] || die "--seed-runs needs a value"; SEED_RUNS="$2"; shift 2 ;;
            --rust-version) [ "$#" -ge 2 ] || die "--rust-version needs a value"; RUST_VERSION="$2"; shift 2 ;;
            --rust-version=*) RUST_VERSION="${1#*=}"; shift ;;
            --keep) KEEP=1; shift ;;
            -h | --help) usage; exit 0 ;;
            *) die "unknown argument: $1 (see --help)" ;;
        esac
    done
    [[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, got '$RUNS'"
    [[ "$SEED_RUNS" =~ ^[1-9][0-9]*$ ]] || die "--seed-runs must be a positive integer, got '$SEED_RUNS'"
}

cleanup() {
    local status=$?
    if [ "$KEEP" = 1 ]; then
        [ -z "$SCRATCH" ] || log "kept $SCRATCH and the images $STANDARD, $HARDENED, $SEED"
    else
        docker image rm "$STANDARD" "$HARDENED" "$SEED" >/dev/null 2>&1 || true
        [ -z "$SCRATCH" ] || rm -rf "$SCRATCH"
    fi
    exit "$status"
}

preflight() {
    command -v docker >/dev/null 2>&1 || die "docker is not installed (scripts/setup-docker.sh)"
    docker info >/dev/null 2>&1 || die "the Docker engine is not reachable (scripts/setup-docker.sh starts it)"
    docker buildx version >/dev/null 2>&1 || die "docker buildx is missing (scripts/setup-docker.sh)"
    command -v node >/dev/null 2>&1 || die "node is not installed"
    [ -f "$REPO/dist/cli.js" ] || die "the CLI is not built: run npm run build"
    if [ -z "$RUST_VERSION" ]; then
        RUST_VERSION="$(rustc --version 2>/dev/null | awk '{print $2}')" || true
        [ -n "$RUST_VERSION" ] || die "cannot tell the Rust stand-in version; pass --rust-version"
    fi
    local image missing=()
    for image in "rust:$RUST_VERSION-slim-trixie" debian:trixie-slim gcr.io/distroless/cc-debian13:nonroot docker/dockerfile:1; do
        docker image inspect "$image" >/dev/null 2>&1 || missing+=("$image")
    done
    [ "${#missing[@]}" = 0 ] || die "stand-in image(s) missing: ${missing[*]} (scripts/setup-docker.sh)"
}

# one_line_change TREE MARK: edits one line of the server's source (a log message), so cargo must
# recompile the fraiseql-server crate (not its dependencies).
one_line_change() {
    local file="$1/crates/fraiseql-server/src/main.rs"
    sed -i -E "s/log\(\"INFO\", \"shutdown complete[^\"]*\"\);/log(\"INFO\", \"shutdown complete (bench edit $2)\");/" "$file"
    grep -qF "shutdown complete (bench edit $2)" "$file" || die "the one-line change did not apply to $file"
}

# timed NAME LOG CMD...: runs CMD with its output in LOG; sets SECONDS_TAKEN.
SECONDS_TAKEN=0
timed() {
    local name="$1" logfile="$2" t0
    shift 2
    log "$name (log: $logfile)"
    t0=$EPOCHREALTIME
    if ! "$@" >"$logfile" 2>&1; then
        tail -n 30 "$logfile" >&2
        die "$name failed (log: $logfile)"
    fi
    SECONDS_TAKEN="$(elapsed_since "$t0")"
    log "$name: ${SECONDS_TAKEN}s"
}

# step_seconds LOG PATTERN: total seconds of the build steps whose name matches PATTERN (plain progress:
# "#N [stage k/n] RUN ..." names step N, "#N DONE 12.3s" ends it; "-" if there was none or it was cached).
step_seconds() {
    awk -v pat="$2" '
        match($0, /^#[0-9]+ \[/) { id = substr($0, 1, RLENGTH - 2); if (!(id in name)) name[id] = $0 }
        /^#[0-9]+ DONE [0-9.]+s$/ { if (name[$1] ~ pat) { sum += substr($3, 1, length($3) - 1); found = 1 } }
        END { if (found) printf "%.1f", sum; else printf "-" }
    ' "$1"
}

# crate_lines LOG WORD: how many "Downloaded <crate>" / "Compiling <crate>" lines cargo printed, i.e.
# how much of the dependency graph a build really fetched or compiled.
crate_lines() { grep -cE "^#[0-9]+ [0-9.]+ +$2 [A-Za-z0-9_-]+ v[0-9]" "$1" || true; }

image_size() { docker image inspect --format '{{.Size}}' "$1"; }

# binary_size IMAGE PATH: size in bytes of PATH inside IMAGE (read without running the image).
binary_size() {
    local id size
    id="$(docker create "$1")"
    size="$(docker cp "$id:$2" - | tar -tv | awk 'NR == 1 { print $3 }')"
    docker rm "$id" >/dev/null
    printf '%s\n' "$size"
}

# The seed design (cycle 10.2 of /work/shared/seed/000_6783edd6d94791e8.txt, the main Dockerfile), minus
# what breaks its build. Each change is marked "bench:". Its runtime bugs stay (it is only built here):
# no FRAISEQL_BIND_ADDR (the server listens on 127.0.0.1:8000), no schema or server config, and a
# HEALTHCHECK on /health, port 8815.
write_seed_dockerfile() {
    cat >"$1" <<EOF
# syntax=docker/dockerfile:1
# bench: the seed pins docker/dockerfile:1.4, which no registry can serve here; :1 is the local stand-in.
# (A parser directive must be the first line: after any other comment it is ignored.)

# Build arguments for cross-compilation
ARG TARGETARCH
ARG TARGETVARIANT

# Stage 1: Builder - use rust image for target arch
# bench: rust:1.85-slim -> the same Rust stand-in as the generated Dockerfiles (trixie), for a fair comparison.
FROM --platform=\$BUILDPLATFORM rust:$RUST_VERSION-slim-trixie AS builder

ARG TARGETARCH
ARG TARGETVARIANT

# Set Rust target based on architecture
RUN case "\$TARGETARCH" in \\
      amd64) TARGET="x86_64-unknown-linux-gnu" ;; \\
      arm64) TARGET="aarch64-unknown-linux-gnu" ;; \\
      arm) TARGET="armv7-unknown-linux-gnueabihf" ;; \\
      ppc64le) TARGET="powerpc64le-unknown-linux-gnu" ;; \\
      *) echo "Unsupported architecture: \$TARGETARCH" && exit 1 ;; \\
    esac && \\
    echo "\$TARGET" > /tmp/rust_target.txt && \\
    rustup target add "\$TARGET"

RUN apt-get update && apt-get install -y --no-install-recommends \\
    libpq-dev \\
    pkg-config \\
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates

RUN TARGET=\$(cat /tmp/rust_target.txt) && \\
    cargo build --release --target "\$TARGET" -p fraiseql-server

# Stage 2: Runtime
# bench: debian:bookworm-slim -> trixie-slim: the builder above is trixie, and its binary needs trixie's glibc.
FROM debian:trixie-slim

LABEL org.opencontainers.image.version="2.1.0" \\
      org.opencontainers.image.vendor="FraiseQL" \\
      org.opencontainers.image.licenses="MIT" \\
      org.opencontainers.image.description="FraiseQL GraphQL execution engine" \\
      org.opencontainers.image.documentation="https://github.com/fraiseql/fraiseql" \\
      security.compliance="production" \\
      security.hardenings="non-root,readonly-capable,capabilities-dropped"

# Security updates
RUN apt-get update && apt-get upgrade -y && apt-get install -y --no-install-recommends \\
    libpq5 \\
    ca-certificates \\
    curl \\
    && rm -rf /var/lib/apt/lists/*

# Non-root user (UID 65532 for distroless compatibility)
RUN groupadd -g 65532 fraiseql && \\
    useradd -r -u 65532 -g fraiseql -s /sbin/nologin -d /app fraiseql

# Create app directory with minimal permissions
RUN mkdir -p /app && chown -R fraiseql:fraiseql /app

WORKDIR /app

# Copy binary from builder (auto-detects target arch from build stage)
COPY --from=builder --chown=fraiseql:fraiseql /build/target/*/release/fraiseql-server .

USER fraiseql
EXPOSE 8815

ENV RUST_LOG=info

# Health check
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\
    CMD curl -f http://localhost:8815/health || exit 1

CMD ["./fraiseql-server"]
EOF
}


# measure_pair KIND N: cold build, one-line change, rebuild. Appends a Markdown row to ROWS and the
# ratio to RATIOS. KIND "generated": fraiseql-deploy build after docker builder prune -af; "seed":
# docker buildx build of the seed design, --no-cache for the cold build.
ROWS=""
RATIOS=()
measure_pair() {
    local kind="$1" n="$2" tree cold rebuild load ratio
    local cold_log="$SCRATCH/$1-cold-$2.log" re_log="$SCRATCH/$1-rebuild-$2.log" build=()
    load="$(load_average)"
    if [ "$kind" = generated ]; then
        tree="$SCRATCH/app"
        build=(node "$CLI" build "$tree" --load --platforms "$PLATFORM")
        log "docker builder prune -af: empties the BuildKit cache (cache mounts and layers; no image is removed)"
        docker builder prune -af >/dev/null
        timed "generated standard, cold, run $n" "$cold_log" "${build[@]}"
    else
        tree="$SCRATCH/seed-app"
        build=(docker buildx build --progress=plain --file "$SCRATCH/seed/Dockerfile" --platform "$PLATFORM" --tag "$SEED" --load)
        timed "seed design, cold (--no-cache), run $n" "$cold_log" "${build[@]}" --no-cache "$tree"
        build+=("$tree")
    fi
    cold=$SECONDS_TAKEN
    one_line_change "$tree" "$kind $n"
    timed "$kind, one-line change, run $n" "$re_log" "${build[@]}"
    rebuild=$SECONDS_TAKEN
    ratio="$(percent "$rebuild" "$cold")"
    RATIOS+=("$ratio")
    ROWS+="| $kind, run $n | ${cold} s | ${rebuild} s | ${ratio}% | $(step_seconds "$cold_log" "cargo fetch") / $(step_seconds "$re_log" "cargo fetch") | $(step_seconds "$cold_log" "cargo build") / $(step_seconds "$re_log" "cargo build") | $(crate_lines "$cold_log" Downloaded) / $(crate_lines "$re_log" Downloaded) | $(crate_lines "$cold_log" Compiling) / $(crate_lines "$re_log" Compiling) | $load |
"
}

main() {
    parse_args "$@"
    preflight
    trap cleanup EXIT
    SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/fd-bench-images.XXXXXX")"
    local app="$SCRATCH/app" i
    cp -a "$FIXTURE" "$app"
    rm -rf "$app/target"
    LOAD_START="$(load_average)"
    log "scratch dir $SCRATCH; Rust stand-in rust:$RUST_VERSION-slim-trixie; $(nproc) cores; $RUNS generated and $SEED_RUNS seed-design run(s)"
    node "$CLI" init --yes "$app" --set app.name=fraiseql-bench --set "image.repository=$REPOSITORY" \
        --set image.tag=bench --set "build.rustVersion=$RUST_VERSION" --set "build.platforms=$PLATFORM" \
        >"$SCRATCH/init.log" 2>&1 || { cat "$SCRATCH/init.log" >&2; die "init failed"; }
    # The seed design builds its own copy of the same source (its edits do not touch the generated tree).
    cp -a "$app" "$SCRATCH/seed-app"
    mkdir -p "$SCRATCH/seed"
    write_seed_dockerfile "$SCRATCH/seed/Dockerfile"
    docker image rm "$STANDARD" "$HARDENED" "$SEED" >/dev/null 2>&1 || true

    for ((i = 1; i <= RUNS; i++)); do measure_pair generated "$i"; done
    local gen_ratios=("${RATIOS[@]}") gen_rows="$ROWS"
    timed "generated hardened (right after the standard image)" "$SCRATCH/generated-hardened.log" \
        node "$CLI" build "$app" --load --platforms "$PLATFORM" --hardened
    local gen_hardened=$SECONDS_TAKEN
    RATIOS=()
    ROWS=""
    for ((i = 1; i <= SEED_RUNS; i++)); do measure_pair seed "$i"; done
    local seed_ratios=("${RATIOS[@]}") seed_rows="$ROWS"

    local size_std size_hard size_seed bin_std bin_seed gen_median seed_median hard_pct
    size_std="$(image_size "$STANDARD")"
    size_hard="$(image_size "$HARDENED")"
    size_seed="$(image_size "$SEED")"
    bin_std="$(binary_size "$STANDARD" /usr/local/bin/fraiseql-server)"
    bin_seed="$(binary_size "$SEED" /app/fraiseql-server)"
    gen_median="$(median "${gen_ratios[@]}")"
    seed_median="$(median "${seed_ratios[@]}")"
    hard_pct="$(percent "$size_hard" "$size_seed")"

    cat <<EOF
## Image benchmarks (scripts/bench-images.sh)

Fixture workspace (test/fixtures/fraiseql-workspace), $PLATFORM, $(nproc) cores, Docker $(docker info --format '{{.ServerVersion}}'), buildx $(docker buildx version | awk '{print $2}') (driver of the current builder: $(docker buildx inspect | sed -n 's/^Driver: *//p' | head -n 1)), builder rust:$RUST_VERSION-slim-trixie (local stand-in), $(date -u '+%Y-%m-%d %H:%M UTC'). One invocation; 1-minute load average $LOAD_START at the start, $(load_average) at the end.

### (a) Image size (\`docker image inspect .Size\`)

| image | runtime base | size | vs seed design | target |
| --- | --- | ---: | ---: | --- |
| seed design (cycle 10.2) | debian:trixie-slim + apt upgrade, libpq5, ca-certificates, curl | $(mb "$size_seed") MB | 100% | |
| generated \`Dockerfile\` (standard) | debian:trixie-slim, no apt in the runtime stage | $(mb "$size_std") MB | $(percent "$size_std" "$size_seed")% | |
| generated \`deploy/docker/Dockerfile.hardened\` | gcr.io/distroless/cc-debian13:nonroot (stand-in) | $(mb "$size_hard") MB | ${hard_pct}% | <= 40%: $(meets "$hard_pct" 40) |

The server binary is built from the same source with the same toolchain in both designs: $(mb "$bin_std") MB in the generated images, $(mb "$bin_seed") MB in the seed design's.

### (b) Rebuild after a one-line source change vs a cold build

| Dockerfile | rebuild / cold (median) | target |
| --- | ---: | --- |
| generated standard (cargo registry and target dir in cache mounts), $RUNS run(s) | ${gen_median}% | <= 20%: $(meets "$gen_median" 20) |
| seed design (no cache mounts), $SEED_RUNS run(s) | ${seed_median}% | (comparison) |

| run | cold build | after a one-line change | ratio | cargo fetch s (cold / changed) | cargo build s (cold / changed) | crates downloaded (cold / changed) | crates compiled (cold / changed) | load avg at start |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${gen_rows}${seed_rows}
- The change: one log message in crates/fraiseql-server/src/main.rs; its dependencies are untouched.
- Cold: \`docker builder prune -af\` before each generated run (the cache mounts are emptied: every crate is
  downloaded and compiled again), \`--no-cache\` for the seed design, which has no cache mounts. Times are the
  wall clock of \`fraiseql-deploy build --load\` (its preflight included) or of \`docker buildx build --load\`.
  The seed design's cargo build downloads its crates itself (it has no fetch step: "-").
- The hardened image, built right after the standard one, took ${gen_hardened} s: the two Dockerfiles share
  their builder stages.
EOF
    log "done in $(elapsed_since "$START")s"
}

main "$@"
