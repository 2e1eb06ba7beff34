#!/usr/bin/env bash
# Fills BuildKit's cache with the expensive stages of the published fraiseql-server image (the crates
# downloaded, fraiseql-cli and fraiseql-server compiled) for the application fixture, exactly as the
# real-server end-to-end suite builds them. .ci/run starts it in the background as soon as the Docker engine
# is up, so the ~470-crate compile overlaps the tool installation and the other test suites; the suite's
# own `fraiseql-deploy build` then finds those stages cached (or waits for the cache mounts this build holds).
#
# Usage: scripts/warm-real-server.sh   (needs a built CLI, Docker with buildx and the stand-ins)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="$(mktemp -d /tmp/fraiseql-warm.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT
START=$SECONDS

cp -r "$REPO/test/fixtures/fraiseql-app" "$SCRATCH/app"
# Only the answers that reach the build stages matter (the runtime stage is cheap): the default server
# version, features and Debian release, one platform.
node "$REPO/bin/fraiseql-deploy.js" init --yes "$SCRATCH/app" --set app.name=fraiseql-warm \
    --set image.repository=localhost/fraiseql-warm --set image.tag=warm --set build.platforms=linux/amd64
node "$REPO/bin/fraiseql-deploy.js" build "$SCRATCH/app" --platforms linux/amd64
echo "[warm-real-server] build stages cached in $((SECONDS - START)) s"
