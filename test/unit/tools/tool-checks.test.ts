/**
 * The tool-backed checks end to end against the stand-ins in test/stand-ins/bin
 * (real processes, canned output), plus a fake exec for the arguments and
 * environment a check passes.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runChecks } from "../../../src/checks/runner.js";
import { VALUES_MATRIX, createToolChecks, repoRelative, toolChecks } from "../../../src/checks/tool-checks.js";
import type { Check, ToolInfo, VerifyContext } from "../../../src/checks/types.js";
import { exec, type Exec, type ExecOptions } from "../../../src/tools/exec.js";
import { discoverTools, toolSpecs } from "../../../src/tools/registry.js";
import { answersWith, treeWith } from "../../helpers.js";
import { captured, outputFile, standInBin } from "../../stand-ins/outputs.js";

const CHART = "deploy/kubernetes/helm/fraiseql";

/** A small generated tree: one file of each kind the tool checks look at. */
const files: Record<string, string> = {
  [`${CHART}/Chart.yaml`]: "apiVersion: v2\nname: fraiseql\nversion: 0.1.0\n",
  [`${CHART}/values.yaml`]: "replicaCount: 2\n",
  [`${CHART}/templates/deployment.yaml`]: "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
  "deploy/kubernetes/kustomization.yaml": "resources:\n  - deployment.yaml\n  - service.yaml\n",
  "deploy/kubernetes/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n",
  "deploy/kubernetes/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n",
  "deploy/kubernetes/fraiseql-hardened.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: api\n",
  Dockerfile: "FROM scratch\n",
  "deploy/docker/Dockerfile.hardened": "FROM scratch\n",
  "docker-compose.yml": "services: {}\n",
  "docker-compose.prod.yml": "services:\n  api:\n    image: x\n    environment:\n      DATABASE_URL: ${DATABASE_URL:?set it}\n",
  "tools/generate-sbom.sh": "#!/usr/bin/env bash\necho hi\n",
  ".github/workflows/ci.yml": "on: push\n",
  "fraiseql-deploy.yaml": "app:\n  name: acme-api\n",
};

const STANDIN_TOOLS = ["helm3", "helm4", "kubeconform", "kube-score", "actionlint", "shellcheck", "yamllint", "hadolint", "trivy", "syft", "docker-compose", "docker", "checkov"];

let root: string;
let scratch: string;

async function context(extra: Partial<VerifyContext> = {}): Promise<VerifyContext> {
  const tools = new Map<string, ToolInfo>(STANDIN_TOOLS.map((name) => [name, { name, path: path.join(standInBin, name) }]));
  return { root, answers: answersWith({ "app.name": "acme-api", "kubernetes.version": "1.31" }), files: new Map(Object.entries(files)), tools, scratch, ...extra };
}

const check = (id: string, checks: readonly Check[] = toolChecks): Check => {
  const found = checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "fd-toolchecks-"));
  scratch = path.join(root, ".scratch");
  await mkdir(scratch);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(root, { recursive: true, force: true });
});

describe("the check list", () => {
  it("has the agreed ids, each naming the tools it runs", () => {
    expect(toolChecks.map((c) => c.id)).toEqual([
      "helm-lint",
      "helm4-lint",
      "helm-kubeconform",
      "helm-pod-security",
      "helm-server-boot",
      "kubeconform",
      "kube-score",
      "hadolint",
      "shellcheck",
      "actionlint",
      "yamllint",
      "compose-config",
      "trivy-config",
      "sbom",
      "trivy-image",
      "checkov",
    ]);
    const known = new Set(toolSpecs.map((s) => s.name));
    for (const c of toolChecks) for (const tool of c.tools) expect(known).toContain(tool);
  });

  it("trivy-image applies only with --image", async () => {
    const ctx = await context();
    expect(check("trivy-image").applies?.(ctx)).toBe(false);
    expect(check("trivy-image").applies?.({ ...ctx, image: "ghcr.io/acme/api:1" })).toBe(true);
  });

  it("repoRelative keeps paths outside the repository as printed", () => {
    expect(repoRelative("/r", "/r/deploy/x.yaml")).toBe("deploy/x.yaml");
    expect(repoRelative("/r", "deploy/x.yaml")).toBe("deploy/x.yaml");
    expect(repoRelative("/r", "/elsewhere/x.yaml")).toBe("/elsewhere/x.yaml");
  });
});

describe("against the stand-ins", () => {
  it("every stand-in passes the registry's version check", async () => {
    vi.stubEnv("PATH", `${standInBin}${path.delimiter}${process.env.PATH ?? ""}`);
    const found = await discoverTools(exec);
    for (const name of STANDIN_TOOLS) expect(found.get(name)?.path, name).toBe(path.join(standInBin, name));
  });

  it("all checks pass on the stand-ins' default (clean) output", async () => {
    // helm-server-boot reads what the rendered chart and the Dockerfiles give the server, so this run needs a
    // tree that boots: the generated one, and as helm's rendering the objects of its plain manifests (what
    // the chart renders for the same answers), each under the `# Source:` of its chart template.
    const given = { "app.name": "acme-api", "kubernetes.version": "1.31" };
    const tree = await treeWith(given);
    const treeFiles = new Map([...tree].map(([p, f]) => [p, f.content]));
    for (const [file, content] of treeFiles) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), content);
    }
    const kustomization = treeFiles.get("deploy/kubernetes/kustomization.yaml") ?? "";
    const resources = [...kustomization.matchAll(/^ {2}- (\S+\.yaml)$/gm)].map((m) => m[1] ?? "").filter((r) => r !== "namespace.yaml");
    expect(resources).toContain("deployment.yaml");
    const rendered = path.join(root, "rendered.yaml");
    await writeFile(
      rendered,
      resources
        .map((r) => `---\n# Source: fraiseql/templates/${r}\n${(treeFiles.get(`deploy/kubernetes/${r}`) ?? "").replace(/^(#.*\n)+/, "")}`)
        .join("\n"),
    );
    vi.stubEnv("STANDIN_HELM3_TEMPLATE_OUTPUT", rendered);
    const ctx = await context({ answers: answersWith(given), files: treeFiles });
    const results = await runChecks(
      toolChecks.filter((c) => !c.applies || c.applies(ctx)),
      ctx,
      { jobs: 4, requireTools: true },
    );
    expect(results.map((r) => [r.id, r.status, r.reason, r.findings])).toEqual(
      toolChecks.filter((c) => c.id !== "trivy-image").map((c) => [c.id, "passed", undefined, []]),
    );
  });

  it("hadolint: captured findings come back with repository paths", async () => {
    vi.stubEnv("STANDIN_HADOLINT_OUTPUT", outputFile("hadolint", "findings.json"));
    const findings = await check("hadolint").run(await context());
    expect(findings).toHaveLength(9);
    expect(findings[0]).toMatchObject({ checkId: "hadolint", file: "Dockerfile", line: 1, rule: "DL3007", severity: "error" });
  });

  it("helm-lint: runs helm lint --strict on the chart for the target version, findings name the template", async () => {
    const log = path.join(root, "helm.log");
    vi.stubEnv("STANDIN_HELM3_LOG", log);
    vi.stubEnv("STANDIN_HELM3_LINT_OUTPUT", outputFile("helm3", "lint-broken-template.txt"));
    vi.stubEnv("STANDIN_HELM3_LINT_EXIT", "1");
    const findings = await check("helm-lint").run(await context());
    expect(findings).toMatchObject([{ checkId: "helm-lint", file: `${CHART}/templates/configmap.yaml`, line: 6, rule: "template", severity: "error" }]);
    expect((await readFile(log, "utf8")).trim()).toBe(`helm3 lint ${path.join(root, CHART)} --strict --kube-version v1.31.0`);
  });

  it("helm-kubeconform: renders every values case and maps kubeconform's findings to the chart template", async () => {
    const helmLog = path.join(root, "helm.log");
    const kcLog = path.join(root, "kubeconform.log");
    vi.stubEnv("STANDIN_HELM3_LOG", helmLog);
    vi.stubEnv("STANDIN_KUBECONFORM_LOG", kcLog);
    // The captured invalid Deployment, as if kubeconform had read it from each rendered case.
    const report = JSON.parse(captured("kubeconform", "skipped-crd.json")) as { resources: { filename: string }[] };
    const perCase = await Promise.all(
      VALUES_MATRIX.map(async (values, index) => {
        const rendered = path.join(scratch, "helm-kubeconform", values.label.replace(/[^\w.=-]+/g, "_"), "fraiseql", "templates", "all.yaml");
        const file = path.join(root, `kc-${String(index)}.json`);
        await writeFile(file, JSON.stringify({ ...report, resources: report.resources.map((r) => ({ ...r, filename: rendered })) }));
        return file;
      }),
    );
    // One canned output per call: the stand-in reads STANDIN_KUBECONFORM_OUTPUT, so run the cases through a fake exec that picks it.
    let call = 0;
    const pick: Exec = async (file, args, options) => {
      if (file.endsWith("kubeconform")) vi.stubEnv("STANDIN_KUBECONFORM_OUTPUT", perCase[call++] ?? "");
      return exec(file, args, options);
    };
    const findings = await check("helm-kubeconform", createToolChecks({ exec: pick })).run(await context());
    expect(findings.map((f) => [f.file, f.rule, f.message])).toEqual([
      [`${CHART}/templates/all.yaml`, "schema", `Deployment/web: /spec/replicas: got string, want null or integer [rendered with ${VALUES_MATRIX.map((v) => v.label).join("; ")}]`],
      [
        `${CHART}/templates/all.yaml`,
        "schema",
        `Deployment/web: /spec/template/spec/containers/0: additional properties 'bogusField' not allowed [rendered with ${VALUES_MATRIX.map((v) => v.label).join("; ")}]`,
      ],
    ]);
    const helmCalls = (await readFile(helmLog, "utf8")).trim().split("\n");
    expect(helmCalls).toHaveLength(4);
    expect(helmCalls[1]).toContain("--set image.variant=hardened");
    expect(helmCalls[2]).toContain("--set ingress.enabled=true --set ingress.host=fraiseql.example.com");
    expect(helmCalls[0]).toContain("--namespace");
    const kcCalls = (await readFile(kcLog, "utf8")).trim().split("\n");
    expect(kcCalls).toHaveLength(4);
    expect(kcCalls[0]).toMatch(/^kubeconform -strict -summary -output json -kubernetes-version 1\.31\.0 .*-skip monitoring\.coreos\.com\/v1\/ServiceMonitor/);
  });

  it("helm-kubeconform: a values case the chart cannot render is a finding, not a crash", async () => {
    vi.stubEnv("STANDIN_HELM3_TEMPLATE_EXIT", "1");
    vi.stubEnv("STANDIN_HELM3_TEMPLATE_STDERR", outputFile("helm3", "template-broken-schema.txt.stderr"));
    const findings = await check("helm-kubeconform").run(await context());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ file: `${CHART}/values.schema.json`, rule: "values-schema", severity: "error" });
    expect(findings[0]?.message).toMatch(/^helm template failed: values don't meet .* \[rendered with default values; image\.variant=hardened; ingress\.enabled=true; autoscaling\.enabled=true\]$/);
  });

  it("helm-pod-security: a privileged container in the rendered chart is reported on its template", async () => {
    const rendered = path.join(root, "rendered.yaml");
    await writeFile(
      rendered,
      [
        "---",
        "# Source: fraiseql/templates/deployment.yaml",
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: acme-api}",
        "spec:",
        "  template:",
        "    spec:",
        "      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}",
        "      containers:",
        "        - name: fraiseql-server",
        "          image: x",
        "          securityContext: {privileged: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}",
        "",
      ].join("\n"),
    );
    vi.stubEnv("STANDIN_HELM3_TEMPLATE_OUTPUT", rendered);
    const findings = await check("helm-pod-security").run(await context());
    expect(findings).toMatchObject([{ checkId: "helm-pod-security", file: `${CHART}/templates/deployment.yaml`, rule: "privileged", severity: "error" }]);
    expect(findings[0]?.message).toBe("Deployment/acme-api: container fraiseql-server: privileged must be false [rendered with hardened values (image.variant=hardened)]");
  });

  it("kubeconform: validates the kustomization's resources plus the hardened manifest, relative to the repository", async () => {
    const log = path.join(root, "kc.log");
    vi.stubEnv("STANDIN_KUBECONFORM_LOG", log);
    expect(await check("kubeconform").run(await context())).toEqual([]);
    expect(await readFile(log, "utf8")).toMatch(/ deploy\/kubernetes\/deployment\.yaml deploy\/kubernetes\/service\.yaml deploy\/kubernetes\/fraiseql-hardened\.yaml\n$/);
  });

  it("kubeconform: output it cannot read is a tool error", async () => {
    vi.stubEnv("STANDIN_KUBECONFORM_OUTPUT", "/dev/null");
    vi.stubEnv("STANDIN_KUBECONFORM_EXIT", "2");
    await expect(check("kubeconform").run(await context())).rejects.toThrow(/kubeconform did not print JSON/);
  });

  it("kube-score: findings on plain manifests are repository-relative", async () => {
    const output = path.join(root, "ks.json");
    await writeFile(output, captured("kube-score", "findings.json").replaceAll("/ROOT/", `${root}/`));
    vi.stubEnv("STANDIN_KUBE_SCORE_OUTPUT", output);
    const findings = await check("kube-score").run(await context());
    expect(findings.filter((f) => f.file === "deploy/kubernetes/deployment.yaml").length).toBeGreaterThan(0);
    expect(findings.every((f) => !f.file?.startsWith("/"))).toBe(true);
  });

  it("kube-score: findings on the rendered chart name the template, without rendered line numbers", async () => {
    // kube-score itself is faked here so only the chart run reports something; helm is the stand-in.
    const pick: Exec = async (file, args, options) =>
      file.endsWith("kube-score")
        ? { exitCode: 0, stdout: captured("kube-score", args.some((a) => a.startsWith(scratch)) ? "rendered-chart.json" : "clean.json"), stderr: "" }
        : exec(file, args, options);
    const findings = await check("kube-score", createToolChecks({ exec: pick })).run(await context());
    expect(findings).toEqual([
      {
        checkId: "kube-score",
        file: `${CHART}/templates/all.yaml`,
        rule: "deployment-replicas",
        severity: "warning",
        message: "Deployment/fraiseql: Deployment few replicas [rendered with default values]",
        fix: "Deployments targeted by Services are recommended to have at least 2 replicas to prevent unwanted downtime.",
      },
    ]);
  });

  it("sbom: both documents written and valid; missing ones are errors", async () => {
    expect(await check("sbom").run(await context())).toEqual([]);
    vi.stubEnv("STANDIN_SYFT_WRITE", "0");
    const findings = await check("sbom").run(await context());
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ["error", "the SPDX SBOM sbom.spdx.json was not written"],
      ["error", "the CycloneDX SBOM sbom.cdx.json was not written"],
    ]);
  });

  it("trivy-image: vulnerabilities become findings; a failed run is a tool error", async () => {
    vi.stubEnv("STANDIN_TRIVY_IMAGE_OUTPUT", outputFile("trivy", "image-debian-buster.json"));
    const ctx = await context({ image: "ghcr.io/acme/api:1" });
    expect(await check("trivy-image").run(ctx)).toMatchObject([{ rule: "CVE-2019-18224", severity: "error" }]);
    vi.stubEnv("STANDIN_TRIVY_IMAGE_OUTPUT", "/dev/null");
    vi.stubEnv("STANDIN_TRIVY_IMAGE_STDERR", outputFile("trivy", "image-db-offline.txt.stderr"));
    vi.stubEnv("STANDIN_TRIVY_IMAGE_EXIT", "1");
    await expect(check("trivy-image").run(ctx)).rejects.toThrow(/trivy image ghcr\.io\/acme\/api:1 failed: run error: init error: DB error: failed to download vulnerability DB/);
  });

  it("compose-config: findings come from stderr, per file", async () => {
    vi.stubEnv("STANDIN_DOCKER_COMPOSE_STDERR", outputFile("docker-compose", "config-version.txt.stderr"));
    const findings = await check("compose-config").run(await context());
    expect(findings.map((f) => [f.file, f.severity])).toEqual([
      ["docker-compose.yml", "warning"],
      ["docker-compose.prod.yml", "warning"],
    ]);
  });
});

describe("with a fake exec", () => {
  interface Call {
    file: string;
    args: readonly string[];
    options: ExecOptions | undefined;
  }
  const recording = (reply: (call: Call) => { exitCode?: number; stdout?: string; stderr?: string }): { exec: Exec; calls: Call[] } => {
    const calls: Call[] = [];
    return {
      calls,
      exec: async (file, args, options) => {
        const call = { file, args, options };
        calls.push(call);
        const r = reply(call);
        return { exitCode: r.exitCode ?? 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
      },
    };
  };

  it("compose-config gives required variables a placeholder and enables every profile", async () => {
    const fake = recording(() => ({}));
    await check("compose-config", createToolChecks({ exec: fake.exec })).run(await context());
    expect(fake.calls.map((c) => c.args)).toEqual([
      ["--file", "docker-compose.yml", "--profile", "*", "config", "--quiet"],
      ["--file", "docker-compose.prod.yml", "--profile", "*", "config", "--quiet"],
    ]);
    expect(fake.calls[1]?.options?.env?.DATABASE_URL).toBe("postgres://verify:verify@localhost:5432/verify");
    expect(fake.calls[1]?.options?.cwd).toBe(root);
  });

  it("trivy-config scans a copy of exactly the generated files, offline", async () => {
    const fake = recording(() => ({ stdout: captured("trivy", "config-clean.json") }));
    await check("trivy-config", createToolChecks({ exec: fake.exec })).run(await context());
    const [call] = fake.calls;
    const target = call?.args.at(-1) ?? "";
    expect(target).toBe(path.join(scratch, "generated-tree"));
    expect(await readFile(path.join(target, "deploy/kubernetes/fraiseql-hardened.yaml"), "utf8")).toBe(files["deploy/kubernetes/fraiseql-hardened.yaml"]);
    expect(call?.args).toContain("--skip-check-update");
    expect(call?.options?.env?.TRIVY_SKIP_CHECK_UPDATE).toBe("true");
  });

  it("every tool run gets the run's concurrency environment, under the check's own variables", async () => {
    const fake = recording(() => ({ stdout: captured("trivy", "config-clean.json") }));
    await check("trivy-config", createToolChecks({ exec: fake.exec })).run(await context({ toolEnv: { GOMAXPROCS: "1", TRIVY_SKIP_CHECK_UPDATE: "overridden" } }));
    expect(fake.calls[0]?.options?.env?.GOMAXPROCS).toBe("1");
    expect(fake.calls[0]?.options?.env?.TRIVY_SKIP_CHECK_UPDATE).toBe("true");
  });

  it("kubeconform uses the offline schemas when the version's folder exists, else kubeconform's default", async () => {
    const schemas = path.join(root, "schemas");
    await mkdir(path.join(schemas, "v1.31.0-standalone-strict"), { recursive: true });
    const fake = recording(() => ({ stdout: captured("kubeconform", "valid.json") }));
    await check("kubeconform", createToolChecks({ exec: fake.exec, env: { FRAISEQL_DEPLOY_KUBE_SCHEMAS: schemas } })).run(await context());
    expect(fake.calls[0]?.args).toContain(`${schemas}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`);
    const older = { ...(await context()), answers: answersWith({ "kubernetes.version": "1.24" }) };
    await check("kubeconform", createToolChecks({ exec: fake.exec, env: { FRAISEQL_DEPLOY_KUBE_SCHEMAS: schemas } })).run(older);
    expect(fake.calls[1]?.args).not.toContain("-schema-location");
    expect(fake.calls[1]?.args).toContain("1.24.0");
  });

  it("kubeconform offline without schemas for the version says so", async () => {
    const fake = recording(() => ({ exitCode: 1, stdout: captured("kubeconform", "download-failed.json") }));
    const older = { ...(await context()), answers: answersWith({ "kubernetes.version": "1.24" }) };
    const checks = createToolChecks({ exec: fake.exec, env: { FRAISEQL_DEPLOY_KUBE_SCHEMAS: path.join(root, "none") } });
    await expect(check("kubeconform", checks).run(older)).rejects.toThrow(/^no offline Kubernetes 1\.24 schemas in .*none \(scripts\/install-tools\.sh provides 1\.29 and later\), and kubeconform's remote location: could not download/);
  });

  it("a tool that cannot start is a tool error", async () => {
    const failing: Exec = async () => ({ exitCode: -1, stdout: "", stderr: "", failedToStart: "spawn hadolint ENOENT" });
    await expect(check("hadolint", createToolChecks({ exec: failing })).run(await context())).rejects.toThrow("hadolint could not start: spawn hadolint ENOENT");
  });

  it("checks with nothing to look at do not run their tool", async () => {
    const fake = recording(() => ({}));
    const empty = { ...(await context()), files: new Map<string, string>() };
    for (const c of createToolChecks({ exec: fake.exec }).filter((c) => !["trivy-config", "sbom", "checkov", "trivy-image"].includes(c.id))) {
      expect(await c.run(empty), c.id).toEqual([]);
    }
    expect(fake.calls).toEqual([]);
  });
});
