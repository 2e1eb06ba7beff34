/**
 * A corpus of deliberately broken trees: each mutation of the default tree
 * must make `verify` exit 1 with the expected check id, naming the file.
 * Tool-backed cases need the real tool: locally they are skipped with a note
 * when it is missing; in CI (CI=true) a missing tool fails them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { repoRoot, runCli, tempDir, toolsRequired } from "../helpers.js";
import { discoverTools } from "../../src/tools/registry.js";
import { exec } from "../../src/tools/exec.js";

interface Case {
  name: string;
  check: string;
  file: string;
  tool?: string;
  mutate: (text: string) => string;
  /** Extra answers for the base tree. */
  sets?: string[];
}

const replaceOnce = (from: string | RegExp, to: string) => (text: string): string => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`mutation did not apply: ${String(from)}`);
  return next;
};

const cases: Case[] = [
  { name: "a privileged container", check: "pod-security", file: "deploy/kubernetes/deployment.yaml", mutate: replaceOnce("privileged: false", "privileged: true") },
  { name: "privilege escalation allowed in the hardened manifest", check: "pod-security", file: "deploy/kubernetes/fraiseql-hardened.yaml", mutate: replaceOnce("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true") },
  { name: "a misspelt field (strict schema of the target version)", check: "k8s-schema", file: "deploy/kubernetes/service.yaml", mutate: replaceOnce(/^ {2}selector:/m, "  selecter:") },
  { name: "a removed API version", check: "k8s-schema", file: "deploy/kubernetes/hpa.yaml", mutate: replaceOnce("autoscaling/v2", "autoscaling/v2beta2") },
  { name: "a selector mismatch", check: "consistency", file: "deploy/kubernetes/service.yaml", mutate: replaceOnce(/(selector:\n(?:.*\n)*?\s+app\.kubernetes\.io\/instance: )"acme-api"/, '$1"other"') },
  { name: "/health as the liveness probe", check: "consistency", file: "deploy/kubernetes/deployment.yaml", mutate: replaceOnce(/(livenessProbe:\n\s+httpGet:\n\s+path: )\/live/, "$1/health") },
  { name: "a missing bind address", check: "consistency", file: "deploy/kubernetes/deployment.yaml", mutate: replaceOnce(/\s+- name: FRAISEQL_BIND_ADDR\n\s+value: "0\.0\.0\.0:8815"/, "") },
  { name: "an env var the server never reads", check: "consistency", file: "deploy/kubernetes/deployment.yaml", mutate: replaceOnce("- name: FRAISEQL_BIND_ADDR", '- name: PORT\n              value: "8815"\n            - name: FRAISEQL_BIND_ADDR') },
  { name: "a Dockerfile without the bind address", check: "runtime-contract", file: "Dockerfile", mutate: replaceOnce(/FRAISEQL_BIND_ADDR="0\.0\.0\.0:8815" \\\n\s+/, "") },
  { name: "the seed's SECURITY_OPT line", check: "runtime-contract", file: "deploy/docker/Dockerfile.hardened", mutate: (t) => `${t}\nSECURITY_OPT seccomp=unconfined\n` },
  { name: "a named USER", check: "runtime-contract", file: "Dockerfile", mutate: replaceOnce("USER 65532:65532", "USER nonroot") },
  { name: "an unpinned action", check: "workflow-pins", file: ".github/workflows/build-docker.yml", mutate: replaceOnce(/actions\/checkout@[0-9a-f]{40}/, "actions/checkout@v4") },
  { name: "values that break the chart's schema", check: "values-schema", file: "deploy/kubernetes/helm/fraiseql/values.yaml", mutate: replaceOnce(/^replicaCount: .*$/m, 'replicaCount: "three"') },
  { name: "an obsolete compose version key", check: "compose-structure", file: "docker-compose.yml", mutate: (t) => `version: "3.8"\n${t}` },
  { name: "broken YAML", check: "syntax", file: "deploy/kubernetes/service.yaml", mutate: (t) => `${t}\n  bad: [unclosed\n` },
  { name: "a shell syntax error", check: "syntax", file: "tools/generate-sbom.sh", mutate: (t) => `${t}\nif then fi\n` },
  { name: "CORS on without origins in the ConfigMap (production refuses it)", check: "server-boot", file: "deploy/kubernetes/configmap.yaml", mutate: replaceOnce("cors_enabled = false", "cors_enabled = true") },
  { name: "a wildcard CORS origin in the hardened manifest's config", check: "server-boot", file: "deploy/kubernetes/fraiseql-hardened.yaml", mutate: replaceOnce("cors_enabled = false", 'cors_enabled = true\n    cors_origins = ["*"]') },
  { name: "an admin token under 32 characters in server.toml", check: "server-boot", file: "deploy/fraiseql/server.toml", mutate: (t) => `${t}admin_token = "short-admin-token"\n` },
  { name: "an unknown key in server.toml", check: "server-boot", file: "deploy/fraiseql/server.toml", mutate: (t) => `${t}port = 8815\n` },
  { name: "a boolean the server cannot parse in compose", check: "server-boot", file: "docker-compose.yml", mutate: replaceOnce('FRAISEQL_METRICS_ENABLED: "true"', 'FRAISEQL_METRICS_ENABLED: "enabled"') },
  { name: "a schema path nothing provides", check: "server-boot", file: "deploy/kubernetes/deployment.yaml", mutate: replaceOnce('value: "/etc/fraiseql/schema/schema.compiled.json"', 'value: "/srv/schema.compiled.json"') },
  { name: "a NetworkPolicy without DNS egress", check: "server-boot", file: "deploy/kubernetes/network-policy.yaml", mutate: replaceOnce(/ {4}# DNS\.[^\n]*\n(?: {6}.*\n| {4}- to:\n)+?(?= {4}# )/, "") },
  { name: "a bind address the server cannot parse in the hardened image", check: "server-boot", file: "deploy/docker/Dockerfile.hardened", mutate: replaceOnce('FRAISEQL_BIND_ADDR="0.0.0.0:8815"', 'FRAISEQL_BIND_ADDR="0.0.0.0"') },
  { name: "an image whose schema path is not where it copies the schema", check: "server-boot", file: "Dockerfile", mutate: replaceOnce('FRAISEQL_SCHEMA_PATH="/etc/fraiseql/schema/schema.compiled.json"', 'FRAISEQL_SCHEMA_PATH="/srv/schema.compiled.json"') },
  { name: "npm in the builder (the server's build.rs would run npm ci)", check: "build-context", file: "Dockerfile", mutate: replaceOnce("    rustup target add \"$triple\"; \\\n", "    rustup target add \"$triple\"; \\\n    apt-get update && apt-get install -y --no-install-recommends nodejs npm; \\\n") },
  { name: "a Dockerfile copying a schema that is not there", check: "build-context", file: "Dockerfile", mutate: replaceOnce('COPY --link ["schema.json", "/schema/schema.json"]', 'COPY --link ["api/schema.json", "/schema/schema.json"]') },
  { name: "a lock file pinning another fraiseql-server", check: "build-context", file: "deploy/fraiseql/server/Cargo.lock", mutate: replaceOnce(/(name = "fraiseql-server"\nversion = )"2\.19\.0"/, '$1"2.18.0"') },
  { name: "a Helm template that does not render", check: "helm-lint", tool: "helm3", file: "deploy/kubernetes/helm/fraiseql/templates/service.yaml", mutate: (t) => `${t}\n{{ .Values.nope.deeper.still }}\n` },
  { name: "a Helm template helm 4 cannot render", check: "helm4-lint", tool: "helm4", file: "deploy/kubernetes/helm/fraiseql/templates/service.yaml", mutate: (t) => `${t}\n{{ include "no-such-template" . }}\n` },
  { name: "an unknown field in a chart template", check: "helm-kubeconform", tool: "helm3", file: "deploy/kubernetes/helm/fraiseql/templates/service.yaml", mutate: replaceOnce(/^spec:\n/m, "spec:\n  bogusField: true\n") },
  { name: "a chart config with CORS on and no origins", check: "helm-server-boot", tool: "helm3", file: "deploy/kubernetes/helm/fraiseql/templates/configmap.yaml", mutate: replaceOnce("    cors_enabled = false\n", "    cors_enabled = true\n") },
  { name: "an unknown field in a manifest", check: "kubeconform", tool: "kubeconform", file: "deploy/kubernetes/service.yaml", mutate: replaceOnce(/^spec:\n/m, "spec:\n  bogusField: true\n") },
  { name: "missing resource limits", check: "kube-score", tool: "kube-score", file: "deploy/kubernetes/deployment.yaml", mutate: replaceOnce(/\s+limits:\n\s+cpu: "1000m"\n\s+memory: "1Gi"\n\s+ephemeral-storage: 256Mi/, "") },
  { name: "a compose error", check: "compose-config", tool: "docker-compose", file: "docker-compose.yml", mutate: replaceOnce(/^services:\n/m, "services:\n  broken:\n    image: alpine:3\n    ports: 12\n") },
  { name: "a shell bug", check: "shellcheck", tool: "shellcheck", file: "tools/generate-sbom.sh", mutate: (t) => `${t}\nrm -rf $UNSET_DIR/*\n` },
  { name: "an invalid workflow expression", check: "actionlint", tool: "actionlint", file: ".github/workflows/test-k8s.yml", mutate: replaceOnce(/^jobs:\n/m, "jobs:\n  broken:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.no_such_context.x }}\n") },
  { name: "the image running as root", check: "hadolint", tool: "hadolint", file: "Dockerfile", mutate: replaceOnce("USER 65532:65532", "USER root") },
  { name: "a privileged container (trivy)", check: "trivy-config", tool: "trivy", file: "deploy/kubernetes/deployment.yaml", mutate: replaceOnce("privileged: false", "privileged: true") },
];

const appFixture = path.join(repoRoot, "test", "fixtures", "fraiseql-app");
let base: string;
let available: Set<string>;

beforeAll(async () => {
  base = await tempDir("fd-corpus-base-");
  // An application repository as FraiseQL's getting-started guide makes it: schema.json, no Rust; plus the
  // lock file `fraiseql-deploy lock` writes (a fixture copy: the corpus needs no network).
  await cp(appFixture, base, { recursive: true });
  const init = runCli(["init", "--yes", "--set", "app.name=acme-api", "--set", "autoscaling.enabled=false", base]);
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  available = new Set((await discoverTools(exec)).keys());
}, 120_000);

describe("verify catches broken trees", () => {
  it.each(cases)("$name -> $check", async (c) => {
    if (c.tool && !available.has(c.tool)) {
      if (toolsRequired) throw new Error(`${c.tool} is required in CI but is not installed`);
      console.warn(`skipped "${c.name}": ${c.tool} is not installed`);
      return;
    }
    const dir = await tempDir("fd-corpus-");
    await cp(base, dir, { recursive: true });
    const file = path.join(dir, c.file);
    await writeFile(file, c.mutate(await readFile(file, "utf8")));
    const result = runCli(["verify", "--only", c.check, "--format", "json", dir]);
    expect(result.code, result.stderr + result.stdout).toBe(1);
    const report = JSON.parse(result.stdout) as { checks: { id: string; status: string; findings: { file?: string; message: string; severity: string }[] }[] };
    const check = report.checks.find((r) => r.id === c.check);
    expect(check?.status).toBe("failed");
    const errors = check?.findings.filter((f) => f.severity === "error") ?? [];
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((f) => f.file === c.file || f.message.includes(c.file)), JSON.stringify(errors, null, 2)).toBe(true);
  }, 180_000);
});
