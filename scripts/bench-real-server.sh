#!/usr/bin/env bash
# Image benchmarks of the published fraiseql-server, built by the generated Dockerfiles for an application
# repository (test/fixtures/fraiseql-app: schema.json, SQL, no Rust; its committed Cargo.lock pins the build),
# in one invocation. Prints a Markdown report on stdout; progress goes to stderr.
#
#   (a) cold build of the standard image: fraiseql-server and fraiseql-cli compiled from crates.io.
#   (b) rebuild after a schema edit (schema.json gains a query): only the schema stage and one COPY re-run.
#       Target: <= 5% of (a).
#   (c) rebuild after a server.toml edit: one COPY re-runs. Target: <= 5% of (a).
#   (d) the hardened image right after (shares every build stage), and both image sizes.
#
# Cold means `docker builder prune -af` first: the cargo registry and target cache mounts and every cached
# layer are gone (images, the stand-ins included, stay). That empties the whole BuildKit cache of this engine,
# so the next builds of other trees start cold too. Expect 20-40 minutes on two cores.
#
# Usage: scripts/bench-real-server.sh [--keep]
# Needs: docker with buildx, the stand-ins of scripts/setup-docker.sh, node, and a built CLI (npm run build).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
FIXTURE="$REPO/test/fixtures/fraiseql-app"
CLI="$REPO/bin/fraiseql-deploy.js"
REPOSITORY=localhost/fraiseql-bench-real
STANDARD="$REPOSITORY:bench"
HARDENED="$REPOSITORY:bench-hardened"
KEEP=0
SCRATCH=""
START=$EPOCHREALTIME

log() { printf '[bench-real-server %5.0fs] %s\n' "$(elapsed_since "$START")" "$*" >&2; }
die() { printf '[bench-real-server] ERROR: %s\n' "$*" >&2; exit 1; }
elapsed_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", 100 * a / b }'; }
mb() { awk -v a="$1" 'BEGIN { printf "%.1f", a / 1000000 }'; }
meets() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "yes" : "**no**" }'; }

case "${1:-}" in
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; exit 0 ;;
    "") ;;
    *) die "unknown argument: $1 (see --help)" ;;
esac

cleanup() {
    local status=$?
    if [ "$KEEP" = 1 ]; then
        [ -z "$SCRATCH" ] || log "kept $SCRATCH and the images $STANDARD, $HARDENED"
    else
        docker image rm "$STANDARD" "$HARDENED" >/dev/null 2>&1 || true
        [ -z "$SCRATCH" ] || rm -rf "$SCRATCH"
    fi
    exit "$status"
}

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

command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 || die "the Docker engine is not reachable (scripts/setup-docker.sh)"
[ -f "$REPO/dist/cli.js" ] || die "the CLI is not built: run npm run build"
trap cleanup EXIT
SCRATCH="$(mktemp -d /tmp/fraiseql-bench-real.XXXXXX)"
TREE="$SCRATCH/app"
cp -r "$FIXTURE" "$TREE"
node "$CLI" init --yes "$TREE" --set app.name=bench-real --set "image.repository=$REPOSITORY" --set image.tag=bench \
    --set build.platforms=linux/amd64 >"$SCRATCH/init.log" 2>&1 || die "init failed: $(tail -5 "$SCRATCH/init.log")"
build() { node "$CLI" build "$TREE" --load --platforms linux/amd64 "$@"; }
LOAD_START="$(cut -d ' ' -f 1 /proc/loadavg)"

log "docker builder prune -af (cold)"
docker builder prune -af >/dev/null
timed "cold build (standard)" "$SCRATCH/cold.log" build
COLD=$SECONDS_TAKEN

# A schema edit: one more query, as a team adds one (re-exported schema.json).
node -e '
  const fs = require("fs"); const file = process.argv[1]; const s = JSON.parse(fs.readFileSync(file, "utf8"));
  s.queries.push({ ...s.queries[0], name: "itemsAgain", description: "bench edit" });
  fs.writeFileSync(file, JSON.stringify(s, null, 2) + "\n");' "$TREE/schema.json"
timed "rebuild after a schema edit" "$SCRATCH/schema.log" build
SCHEMA=$SECONDS_TAKEN

printf 'request_timeout_secs = 29\n' >>"$TREE/deploy/fraiseql/server.toml"
sed -i '0,/^request_timeout_secs = 30$/{/^request_timeout_secs = 30$/d}' "$TREE/deploy/fraiseql/server.toml"
timed "rebuild after a server.toml edit" "$SCRATCH/toml.log" build
TOML=$SECONDS_TAKEN

timed "hardened build after the standard one" "$SCRATCH/hardened.log" build --hardened
HARD=$SECONDS_TAKEN
STANDARD_SIZE="$(docker image inspect --format '{{.Size}}' "$STANDARD")"
HARDENED_SIZE="$(docker image inspect --format '{{.Size}}' "$HARDENED")"
VERSION="$(docker run --rm "$STANDARD" --version)"

cat <<REPORT
## Published fraiseql-server images ($VERSION, linux/amd64, load average at start $LOAD_START, end $(cut -d ' ' -f 1 /proc/loadavg))

| build | time | vs cold | target |
| --- | ---: | ---: | --- |
| cold (fraiseql-server + fraiseql-cli from crates.io, empty BuildKit cache) | ${COLD} s | 100% | |
| after a schema edit (schema.json) | ${SCHEMA} s | $(percent "$SCHEMA" "$COLD")% | <= 5%: $(meets "$(percent "$SCHEMA" "$COLD")" 5) |
| after a server.toml edit | ${TOML} s | $(percent "$TOML" "$COLD")% | <= 5%: $(meets "$(percent "$TOML" "$COLD")" 5) |
| hardened image right after | ${HARD} s | $(percent "$HARD" "$COLD")% | |

| image | size |
| --- | ---: |
| standard (\`Dockerfile\`, debian trixie-slim) | $(mb "$STANDARD_SIZE") MB |
| hardened (\`deploy/docker/Dockerfile.hardened\`, distroless) | $(mb "$HARDENED_SIZE") MB |
REPORT
