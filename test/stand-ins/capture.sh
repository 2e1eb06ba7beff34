#!/usr/bin/env bash
# Re-captures the real tools' output that the parser tests (test/unit/tools/*.test.ts) and the
# stand-ins (test/stand-ins/bin/*) replay. Run it after upgrading a tool in scripts/tools/versions.env,
# then review the diff of test/stand-ins/outputs/.
#
#   test/stand-ins/capture.sh [tool...]     (default: every tool that is installed)
#
# Inputs live in test/stand-ins/capture/input/ (a small repository with deliberate problems). Tools
# are run from that folder with relative paths, so reported paths are repository-relative; absolute
# paths that tools print anyway are rewritten to /ROOT (the input folder) and /HOME.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IN="$HERE/capture/input"
OUT="$HERE/outputs"
TOOLS_ROOT="${FRAISEQL_DEPLOY_TOOLS:-$HOME/.cache/fraiseql-deploy/tools}"
PATH="$TOOLS_ROOT/bin:$PATH"
SCHEMAS="${FRAISEQL_DEPLOY_KUBE_SCHEMAS:-$TOOLS_ROOT/kubernetes-json-schema}"
SCHEMA_LOCATION="$SCHEMAS/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
export TRIVY_SKIP_CHECK_UPDATE=true TRIVY_SKIP_VERSION_CHECK=true TRIVY_DISABLE_TELEMETRY=true TRIVY_NO_PROGRESS=true
export SYFT_CHECK_FOR_APP_UPDATE=false NO_COLOR=1
CHECKOV="${CHECKOV:-checkov}"

have() { command -v "$1" >/dev/null 2>&1; }
normalize() { sed -e "s#$IN#/ROOT#g" -e "s#$HOME#/HOME#g"; }
# save TOOL NAME STREAM... : runs the rest of the command line in $IN, saves stdout (and stderr) normalized.
save() {
  local tool="$1" name="$2"; shift 2
  mkdir -p "$OUT/$tool"
  (cd "$IN" && "$@") >"$OUT/$tool/$name.tmp" 2>"$OUT/$tool/$name.err.tmp"
  local rc=$?
  normalize <"$OUT/$tool/$name.tmp" >"$OUT/$tool/$name"
  if [ -s "$OUT/$tool/$name.err.tmp" ]; then normalize <"$OUT/$tool/$name.err.tmp" >"$OUT/$tool/$name.stderr"; else rm -f "$OUT/$tool/$name.stderr"; fi
  rm -f "$OUT/$tool/$name.tmp" "$OUT/$tool/$name.err.tmp"
  printf '%s\n' "$rc" >"$OUT/$tool/$name.exit"
  printf '  %-12s %-40s exit %s\n' "$tool" "$name" "$rc"
}

capture_helm() {
  local h="$1"
  have "$h" || { echo "skip $h (not installed)"; return; }
  for c in fraiseql broken-template broken-schema broken-yaml; do
    save "$h" "lint-$c.txt" "$h" lint --strict "deploy/kubernetes/helm/$c" --kube-version v1.31.0
  done
  save "$h" "lint-missing-chart.txt" "$h" lint --strict deploy/kubernetes/helm/absent --kube-version v1.31.0
  save "$h" "template-broken-schema.txt" "$h" template fraiseql deploy/kubernetes/helm/broken-schema --kube-version v1.31.0
  save "$h" "template-fraiseql.yaml" "$h" template fraiseql deploy/kubernetes/helm/fraiseql --kube-version v1.31.0
  "$h" version --short >"$OUT/$h/version.txt"
}

capture_kubeconform() {
  have kubeconform || { echo "skip kubeconform (not installed)"; return; }
  local k=(kubeconform -strict -summary -output json -kubernetes-version 1.31.0)
  save kubeconform invalid.json "${k[@]}" -schema-location "$SCHEMA_LOCATION" \
    deploy/kubernetes/invalid/deployment.yaml deploy/kubernetes/invalid/duplicate-key.yaml deploy/kubernetes/invalid/broken.yaml
  save kubeconform valid.json "${k[@]}" -schema-location "$SCHEMA_LOCATION" -skip monitoring.coreos.com/v1/ServiceMonitor deploy/kubernetes/clean/all.yaml
  save kubeconform skipped-crd.json "${k[@]}" -schema-location "$SCHEMA_LOCATION" -skip monitoring.coreos.com/v1/ServiceMonitor deploy/kubernetes/invalid/deployment.yaml
  # An unreachable schema server: what kubeconform prints offline without local schemas.
  save kubeconform download-failed.json "${k[@]}" -schema-location 'https://127.0.0.1:9/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json' deploy/kubernetes/clean/all.yaml
}

capture_kube_score() {
  have kube-score || { echo "skip kube-score (not installed)"; return; }
  save kube-score findings.json kube-score score -o json --kubernetes-version v1.31 deploy/kubernetes/deployment.yaml
  save kube-score clean.json kube-score score -o json --kubernetes-version v1.31 deploy/kubernetes/clean/all.yaml
  # A chart rendered with --output-dir: kube-score names the file after helm's "# Source:" comment.
  if have helm3; then
    local rendered; rendered="$(mktemp -d)"
    (cd "$IN" && helm3 template fraiseql deploy/kubernetes/helm/fraiseql --set replicaCount=1 --output-dir "$rendered" >/dev/null)
    save kube-score rendered-chart.json kube-score score -o json --kubernetes-version v1.31 "$rendered/fraiseql/templates/all.yaml"
    rm -rf "$rendered"
  fi
  kube-score version >"$OUT/kube-score/version.txt"
}

capture_hadolint() {
  have hadolint || { echo "skip hadolint (not installed)"; return; }
  save hadolint findings.json hadolint -f json --no-fail Dockerfile deploy/docker/Dockerfile.hardened
  save hadolint clean.json hadolint -f json --no-fail deploy/docker/Dockerfile.hardened
  save hadolint parse-error.json hadolint -f json --no-fail deploy/docker/Dockerfile.broken
  hadolint --version >"$OUT/hadolint/version.txt"
}

capture_shellcheck() {
  have shellcheck || { echo "skip shellcheck (not installed)"; return; }
  save shellcheck findings.json shellcheck -f json1 -x tools/bad.sh tools/ok.sh tools/broken.sh
  save shellcheck clean.json shellcheck -f json1 -x tools/ok.sh
  shellcheck --version >"$OUT/shellcheck/version.txt"
}

capture_actionlint() {
  have actionlint || { echo "skip actionlint (not installed)"; return; }
  local sc; sc="$(command -v shellcheck || true)"
  save actionlint findings.json actionlint -format '{{json .}}' -shellcheck="$sc" -pyflakes= .github/workflows/bad.yml .github/workflows/ok.yml
  save actionlint clean.json actionlint -format '{{json .}}' -shellcheck="$sc" -pyflakes= .github/workflows/ok.yml
  save actionlint syntax-error.json actionlint -format '{{json .}}' -shellcheck="$sc" -pyflakes= .github/workflows/broken.yml
}

capture_yamllint() {
  have yamllint || { echo "skip yamllint (not installed)"; return; }
  save yamllint default.txt yamllint -f parsable yaml/bad.yaml yaml/broken.yaml yaml/ok.yaml
  save yamllint clean.txt yamllint -f parsable yaml/ok.yaml
}

capture_compose() {
  have docker-compose || { echo "skip docker-compose (not installed)"; return; }
  for f in bad prod broken dep version; do
    save docker-compose "config-$f.txt" docker-compose -f "compose/$f.yml" config -q
  done
  save docker-compose config-prod-with-env.txt env DATABASE_URL=postgres://verify@localhost/verify docker-compose -f compose/prod.yml config -q
  save docker-compose config-missing-file.txt docker-compose -f compose/absent.yml config -q
  docker-compose version --short >"$OUT/docker-compose/version.txt"
}

capture_trivy() {
  have trivy || { echo "skip trivy (not installed)"; return; }
  # shellcheck disable=SC2054 # HIGH,CRITICAL is one argument
  local t=(trivy config --severity HIGH,CRITICAL --exit-code 0 -f json --skip-check-update --quiet --helm-kube-version v1.31.0)
  save trivy config-findings.json "${t[@]}" --skip-dirs deploy/kubernetes/helm/broken-template --skip-dirs deploy/kubernetes/helm/broken-schema --skip-dirs deploy/kubernetes/helm/broken-yaml .
  save trivy config-clean.json "${t[@]}" deploy/kubernetes/clean
  # No vulnerability DB can be downloaded here: this captures trivy image's offline failure.
  local cache; cache="$(mktemp -d)"
  save trivy image-db-offline.txt trivy image --scanners vuln --severity HIGH,CRITICAL --ignore-unfixed --exit-code 0 -f json --quiet --cache-dir "$cache" alpine:3.20
  rm -rf "$cache"
  trivy --version >"$OUT/trivy/version.txt"
}

capture_syft() {
  have syft || { echo "skip syft (not installed)"; return; }
  mkdir -p "$OUT/syft"
  save syft scan.txt syft scan dir:rust -q -o "spdx-json=$OUT/syft/sbom.spdx.json" -o "cyclonedx-json=$OUT/syft/sbom.cdx.json"
  for f in sbom.spdx.json sbom.cdx.json; do normalize <"$OUT/syft/$f" >"$OUT/syft/$f.tmp" && mv "$OUT/syft/$f.tmp" "$OUT/syft/$f"; done
  syft version >"$OUT/syft/version.txt"
}

capture_checkov() {
  have "$CHECKOV" || { echo "skip checkov (not installed; set CHECKOV=/path/to/checkov)"; return; }
  save checkov findings.json "$CHECKOV" -d . --framework dockerfile,kubernetes,helm,github_actions --skip-download -o json --compact --quiet \
    --skip-path deploy/kubernetes/helm/broken-template --skip-path deploy/kubernetes/helm/broken-schema --skip-path deploy/kubernetes/helm/broken-yaml
  save checkov single-framework.json "$CHECKOV" -d deploy/docker --framework dockerfile --skip-download -o json --compact --quiet
  save checkov no-files.json "$CHECKOV" -d yaml --framework dockerfile --skip-download -o json --compact --quiet
  "$CHECKOV" --version >"$OUT/checkov/version.txt"
}

ALL=(helm3 helm4 kubeconform kube-score hadolint shellcheck actionlint yamllint docker-compose trivy syft checkov)
for tool in "${@:-${ALL[@]}}"; do
  case "$tool" in
    helm3|helm4) capture_helm "$tool" ;;
    kubeconform) capture_kubeconform ;;
    kube-score) capture_kube_score ;;
    hadolint) capture_hadolint ;;
    shellcheck) capture_shellcheck ;;
    actionlint) capture_actionlint ;;
    yamllint) capture_yamllint ;;
    docker-compose) capture_compose ;;
    trivy) capture_trivy ;;
    syft) capture_syft ;;
    checkov) capture_checkov ;;
    *) echo "unknown tool $tool" >&2; exit 2 ;;
  esac
done
