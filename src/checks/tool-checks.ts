/**
 * Checks backed by the real validation tools. Each one builds its argv with
 * the pure builders in src/tools/<tool>.ts, runs the tool through the one exec
 * module, and turns the tool's machine-readable output into findings with
 * repository-relative paths. A tool that cannot run or prints something we
 * cannot read throws; the runner reports that as status "error".
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import yaml from "js-yaml";
import { CHART_DIR } from "../generate/tree.js";
import { parseYamlDocuments } from "../generate/check.js";
import { isObj, type ManifestDoc } from "./manifests.js";
import { podBootFindings } from "./server-boot.js";
import { checkPodSecurityRestricted } from "../k8s/pod-security.js";
import { actionlintArgs, actionlintCrashed, parseActionlint } from "../tools/actionlint.js";
import { checkovArgs, parseCheckov } from "../tools/checkov.js";
import { composeConfigArgs, parseComposeConfig, placeholderEnvironment, requiredComposeVariables } from "../tools/docker-compose.js";
import { exec as realExec, type Exec, type ExecOptions, type ExecResult } from "../tools/exec.js";
import { findExecutable } from "../tools/registry.js";
import { hadolintArgs, parseHadolint } from "../tools/hadolint.js";
import { helmLintArgs, helmTemplateArgs, parseHelmLint, parseHelmTemplateFailure, renderedToChartPath } from "../tools/helm.js";
import { kubeScoreArgs, parseKubeScore } from "../tools/kube-score.js";
import { KubeconformSchemaDownloadError, MONITORING_KINDS, kubeSchemaDir, kubeconformArgs, offlineSchemaLocation, offlineSchemaVersionDir, parseKubeconform } from "../tools/kubeconform.js";
import { parseShellcheck, shellcheckArgs, shellcheckCrashed } from "../tools/shellcheck.js";
import { SYFT_ENV, sbomFindings, syftArgs } from "../tools/syft.js";
import { TRIVY_ENV, parseTrivyConfig, parseTrivyImage, trivyConfigArgs, trivyFailureReason, trivyImageArgs } from "../tools/trivy.js";
import { parseYamllint, yamllintArgs, yamllintConfig, yamllintCrashed } from "../tools/yamllint.js";
import { HARDENED_MANIFEST, KUSTOMIZATION, field } from "./manifests.js";
import type { Check, Finding, VerifyContext } from "./types.js";

export interface ToolCheckDeps {
  exec: Exec;
  /** Environment read for FRAISEQL_DEPLOY_KUBE_SCHEMAS / FRAISEQL_DEPLOY_TOOLS (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  home?: string;
}

/** One chart rendering that helm-kubeconform validates. */
export interface ValuesCase {
  label: string;
  set: readonly string[];
}

/** The values matrix: defaults plus each switch that adds or changes objects. */
export const VALUES_MATRIX: readonly ValuesCase[] = [
  { label: "default values", set: [] },
  { label: "image.variant=hardened", set: ["image.variant=hardened"] },
  { label: "ingress.enabled=true", set: ["ingress.enabled=true", "ingress.host=fraiseql.example.com"] },
  { label: "autoscaling.enabled=true", set: ["autoscaling.enabled=true"] },
];

export const HARDENED_VALUES: ValuesCase = { label: "hardened values (image.variant=hardened)", set: ["image.variant=hardened"] };

const DOCKERFILES = ["Dockerfile", "deploy/docker/Dockerfile.hardened"];
const COMPOSE_FILES = ["docker-compose.yml", "docker-compose.prod.yml"];

// ---------------------------------------------------------------- helpers

function toolPath(ctx: VerifyContext, name: string): string {
  const tool = ctx.tools.get(name);
  if (!tool) throw new Error(`${name} is not available`);
  return tool.path;
}

export async function run(deps: ToolCheckDeps, ctx: VerifyContext, tool: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const result = await deps.exec(toolPath(ctx, tool), args, { cwd: ctx.root, ...options, env: { ...ctx.toolEnv, ...options.env } });
  if (result.failedToStart) throw new Error(`${tool} could not start: ${result.failedToStart}`);
  return result;
}

export function crashed(tool: string, result: ExecResult): Error {
  const detail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(0, 6).join(" | ").slice(0, 600);
  return new Error(`${tool} exited ${String(result.exitCode)}: ${detail || "(no output)"}`);
}

/** A path a tool printed -> repository-relative POSIX path (paths outside the repository stay as printed). */
export function repoRelative(root: string, file: string): string {
  const absolute = path.isAbsolute(file) ? file : path.join(root, file);
  const relative = path.relative(root, absolute);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join("/");
}

function withFiles(findings: Finding[], map: (file: string) => string): Finding[] {
  return findings.map((f) => (f.file === undefined ? f : { ...f, file: map(f.file) }));
}

async function scratchDir(ctx: VerifyContext, ...parts: string[]): Promise<string> {
  const dir = path.join(ctx.scratch, ...parts);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const generated = (ctx: VerifyContext, files: readonly string[]): string[] => files.filter((f) => ctx.files.has(f));
export const hasChart = (ctx: VerifyContext): boolean => ctx.files.has(`${CHART_DIR}/Chart.yaml`);

/** The generated files only, copied into scratch: trivy and checkov scan exactly what init wrote. */
const mirrors = new Map<string, Promise<string>>();
function mirrorTree(ctx: VerifyContext): Promise<string> {
  let mirror = mirrors.get(ctx.scratch);
  if (!mirror) {
    mirror = (async () => {
      const dir = await scratchDir(ctx, "generated-tree");
      for (const [file, content] of ctx.files) {
        const target = path.join(dir, file);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, content);
      }
      return dir;
    })();
    mirrors.set(ctx.scratch, mirror);
  }
  return mirror;
}

/** The plain manifests kustomization.yaml deploys (files only; remote or folder resources are not ours). */
export function kustomizationFiles(ctx: VerifyContext): string[] {
  const text = ctx.files.get(KUSTOMIZATION);
  if (text === undefined) return [];
  let resources: unknown;
  try {
    resources = field(yaml.load(text), "resources");
  } catch {
    return []; // reported by the syntax check
  }
  return (Array.isArray(resources) ? resources : []).map((r) => path.posix.join("deploy/kubernetes", String(r))).filter((f) => ctx.files.has(f));
}

export interface Rendered {
  /** Absolute paths of the rendered files. */
  files: string[];
  /** Maps a rendered file (as a tool prints it) back to its chart template. */
  toChart: (file: string) => string;
  /** The render failure, when the chart does not render with these values (its message does not name them). */
  failure?: Finding;
}

export async function renderChart(deps: ToolCheckDeps, ctx: VerifyContext, checkId: string, tool: "helm3" | "helm4", values: ValuesCase): Promise<Rendered> {
  const outputDir = path.join(ctx.scratch, checkId, values.label.replace(/[^\w.=-]+/g, "_"));
  await rm(outputDir, { recursive: true, force: true });
  await mkdir(outputDir, { recursive: true });
  const args = helmTemplateArgs({
    releaseName: ctx.answers.app.name,
    chartDir: path.join(ctx.root, CHART_DIR),
    namespace: ctx.answers.app.namespace,
    kubeVersion: ctx.answers.kubernetes.version,
    set: values.set,
    outputDir,
  });
  const result = await run(deps, ctx, tool, args);
  // Tools print the paths they were given, except kube-score, which names a file after helm's
  // "# Source: <chart>/templates/x.yaml" comment: both are relative to the output dir.
  const toChart = (file: string): string => renderedToChartPath(path.relative(outputDir, path.resolve(outputDir, file)), CHART_DIR);
  if (result.exitCode !== 0) {
    return { files: [], toChart, failure: parseHelmTemplateFailure(result.stderr || result.stdout, checkId, CHART_DIR) };
  }
  return { files: (await listFiles(outputDir)).filter((f) => /\.ya?ml$/.test(f)), toChart };
}

function kubeconformSchema(deps: ToolCheckDeps, kubernetesVersion: string): string | undefined {
  const dir = kubeSchemaDir(deps.env ?? process.env, deps.home ?? os.homedir());
  if (dir.includes("{{")) return dir;
  // Without the version's folder kubeconform falls back to its default (remote) schema location.
  return existsSync(offlineSchemaVersionDir(dir, kubernetesVersion)) ? offlineSchemaLocation(dir) : undefined;
}

async function kubeconform(deps: ToolCheckDeps, ctx: VerifyContext, checkId: string, files: readonly string[]): Promise<Finding[]> {
  if (files.length === 0) return [];
  const schemaLocation = kubeconformSchema(deps, ctx.answers.kubernetes.version);
  const args = kubeconformArgs({
    kubernetesVersion: ctx.answers.kubernetes.version,
    ...(schemaLocation ? { schemaLocation } : {}),
    skip: MONITORING_KINDS,
    files,
  });
  const result = await run(deps, ctx, "kubeconform", args);
  let findings: Finding[];
  try {
    findings = parseKubeconform(result.stdout, checkId);
  } catch (error) {
    if (error instanceof KubeconformSchemaDownloadError && !schemaLocation) {
      const dir = kubeSchemaDir(deps.env ?? process.env, deps.home ?? os.homedir());
      throw new Error(
        `no offline Kubernetes ${ctx.answers.kubernetes.version} schemas in ${dir} (scripts/install-tools.sh provides 1.29 and later), and ${error.message.replace(/^kubeconform /, "kubeconform's remote location: ").replace(/; run scripts\/install-tools\.sh.*$/, "")}`,
      );
    }
    throw error;
  }
  if (result.exitCode !== 0 && findings.length === 0) throw crashed("kubeconform", result);
  return findings;
}

const rendered = (finding: Finding, label: string): Finding => ({ ...finding, message: `${finding.message} [rendered with ${label}]` });

/** The same problem found under several values cases is reported once, naming the cases. */
function mergeCases(found: { label: string; findings: Finding[] }[]): Finding[] {
  const merged = new Map<string, { finding: Finding; labels: string[] }>();
  for (const { label, findings } of found) {
    for (const f of findings) {
      const key = JSON.stringify([f.file, f.line, f.rule, f.message]);
      const entry = merged.get(key);
      if (entry) entry.labels.push(label);
      else merged.set(key, { finding: f, labels: [label] });
    }
  }
  return [...merged.values()].map(({ finding, labels }) => rendered(finding, labels.join("; ")));
}

// ---------------------------------------------------------------- checks

function helmLint(deps: ToolCheckDeps, id: string, tool: "helm3" | "helm4"): Check {
  return {
    id,
    title: `helm lint --strict (Helm ${tool === "helm3" ? "3" : "4"})`,
    tools: [tool],
    async run(ctx) {
      if (!hasChart(ctx)) return [];
      const result = await run(deps, ctx, tool, helmLintArgs({ chartDir: path.join(ctx.root, CHART_DIR), strict: true, kubeVersion: ctx.answers.kubernetes.version }));
      const findings = parseHelmLint(result.stdout, id, CHART_DIR, true);
      if (result.exitCode !== 0 && findings.length === 0) throw crashed(tool, result);
      return findings;
    },
  };
}

/**
 * checkov rules that cannot apply to what init generates, each with the reason (README lists them).
 * Everything else checkov reports stays a finding.
 */
export const checkovWaivers: Record<string, string> = {
  CKV_K8S_43: "the image is built after init runs, so no digest exists yet: pin it with image.digest (chart) or in your CD",
  CKV_K8S_35: "fraiseql-server reads DATABASE_URL and FRAISEQL_METRICS_TOKEN only from the environment (no *_FILE variant)",
  CKV_K8S_21: "checkov renders the chart without a namespace; the chart installs into the release namespace",
  CKV_K8S_8: "the helm test pod runs to completion: liveness probes do not apply",
  CKV_K8S_9: "the helm test pod runs to completion: readiness probes do not apply",
  CKV_DOCKER_2: "the distroless image has no shell to run a HEALTHCHECK; Kubernetes uses its probes and compose checks from outside",
  CKV_GHA_7: "the SBOM/scan workflow is not a build: its workflow_dispatch input only picks the tag to scan",
};

export function createToolChecks(deps: ToolCheckDeps = { exec: realExec }): Check[] {
  const helmKubeconform: Check = {
    id: "helm-kubeconform",
    cost: 4,
    title: "Helm chart rendered over a values matrix, validated by kubeconform -strict",
    tools: ["helm3", "kubeconform"],
    async run(ctx) {
      if (!hasChart(ctx)) return [];
      const found: { label: string; findings: Finding[] }[] = [];
      for (const values of VALUES_MATRIX) {
        const chart = await renderChart(deps, ctx, "helm-kubeconform", "helm3", values);
        const findings = chart.failure ? [chart.failure] : withFiles(await kubeconform(deps, ctx, "helm-kubeconform", chart.files), chart.toChart);
        found.push({ label: values.label, findings });
      }
      return mergeCases(found);
    },
  };

  const helmPodSecurity: Check = {
    id: "helm-pod-security",
    title: 'Helm chart (hardened values) against Pod Security "restricted"',
    tools: ["helm3"],
    async run(ctx) {
      if (!hasChart(ctx)) return [];
      const chart = await renderChart(deps, ctx, "helm-pod-security", "helm3", HARDENED_VALUES);
      if (chart.failure) return [rendered(chart.failure, HARDENED_VALUES.label)];
      const findings: Finding[] = [];
      for (const file of chart.files) {
        const template = chart.toChart(file);
        for (const doc of parseYamlDocuments(await readFile(file, "utf8"), template)) {
          for (const v of checkPodSecurityRestricted(doc)) {
            findings.push({
              checkId: "helm-pod-security",
              file: template,
              rule: v.control,
              severity: "error",
              message: `${v.object}: ${v.message} [rendered with ${HARDENED_VALUES.label}]`,
              fix: "set the restricted pod and container securityContext in the chart's defaults",
            });
          }
        }
      }
      return findings;
    },
  };

  const helmServerBoot: Check = {
    id: "helm-server-boot",
    title: "Helm chart (default and hardened values): fraiseql-server's boot-time checks, schema path and egress",
    tools: ["helm3"],
    async run(ctx) {
      if (!hasChart(ctx)) return [];
      const found: { label: string; findings: Finding[] }[] = [];
      for (const values of [VALUES_MATRIX[0], HARDENED_VALUES].filter((v): v is ValuesCase => v !== undefined)) {
        const chart = await renderChart(deps, ctx, "helm-server-boot", "helm3", values);
        if (chart.failure) {
          found.push({ label: values.label, findings: [rendered(chart.failure, values.label)] });
          continue;
        }
        const docs: ManifestDoc[] = [];
        for (const file of chart.files) {
          const template = chart.toChart(file);
          for (const doc of parseYamlDocuments(await readFile(file, "utf8"), template)) if (isObj(doc)) docs.push({ file: template, doc });
        }
        found.push({ label: values.label, findings: podBootFindings("helm-server-boot", docs, ctx, `rendered with ${values.label}`) });
      }
      return found.flatMap((f) => f.findings);
    },
  };

  const plainKubeconform: Check = {
    id: "kubeconform",
    title: "Plain manifests (kustomization.yaml resources, the hardened manifest, the switched-off ones) validated by kubeconform -strict",
    tools: ["kubeconform"],
    async run(ctx) {
      // Also the manifests a switch leaves out of kustomization.yaml (hpa.yaml, ingress.yaml): they are generated, so they must be valid.
      const others = [...ctx.files.keys()].filter((f) => /^deploy\/kubernetes\/[^/]+\.ya?ml$/.test(f) && f !== KUSTOMIZATION).sort();
      const files = [...kustomizationFiles(ctx), ...generated(ctx, [HARDENED_MANIFEST]), ...others];
      return kubeconform(deps, ctx, "kubeconform", [...new Set(files)]);
    },
  };

  /**
   * kube-score tests that only restate a choice the answers made on purpose (no NetworkPolicy, one
   * replica, IfNotPresent): failing verify on them would make the user's own decision a finding.
   */
  const waivedKubeScoreTests = (ctx: VerifyContext): string[] => [
    ...(ctx.answers.networkPolicy.enabled ? [] : ["pod-networkpolicy"]),
    ...(ctx.answers.autoscaling.enabled || ctx.answers.replicas >= 2 ? [] : ["deployment-replicas", "deployment-has-poddisruptionbudget"]),
    ...(ctx.answers.image.pullPolicy === "Always" ? [] : ["container-image-pull-policy"]),
  ];

  const kubeScore: Check = {
    id: "kube-score",
    cost: 2,
    title: "kube-score on the plain manifests, the hardened manifest and the chart (default values)",
    tools: ["kube-score", "helm3"],
    async run(ctx) {
      const score = async (files: readonly string[], toRepo: (f: string) => string, valuesLabel?: string): Promise<Finding[]> => {
        if (files.length === 0) return [];
        const result = await run(deps, ctx, "kube-score", kubeScoreArgs({ files, kubernetesVersion: ctx.answers.kubernetes.version, ignoreTests: waivedKubeScoreTests(ctx) }));
        if (result.stdout.trim() === "" && result.exitCode !== 0) throw crashed("kube-score", result);
        const findings = withFiles(parseKubeScore(result.stdout, "kube-score"), toRepo);
        if (!valuesLabel) return findings;
        // Rendered files have their own line numbers, not the template's.
        return findings.map((f) => {
          const copy = rendered(f, valuesLabel);
          delete copy.line;
          return copy;
        });
      };
      const relative = (f: string): string => repoRelative(ctx.root, f);
      const findings = [...(await score(kustomizationFiles(ctx), relative)), ...(await score(generated(ctx, [HARDENED_MANIFEST]), relative))];
      if (hasChart(ctx)) {
        const defaults = VALUES_MATRIX[0] as ValuesCase;
        const chart = await renderChart(deps, ctx, "kube-score", "helm3", defaults);
        if (chart.failure) findings.push(rendered(chart.failure, defaults.label));
        else findings.push(...(await score(chart.files, chart.toChart, defaults.label)));
      }
      return findings;
    },
  };

  const hadolint: Check = {
    id: "hadolint",
    title: "hadolint on the Dockerfiles",
    tools: ["hadolint"],
    async run(ctx) {
      const files = generated(ctx, DOCKERFILES);
      if (files.length === 0) return [];
      const result = await run(deps, ctx, "hadolint", hadolintArgs({ files }));
      if (result.exitCode !== 0 && result.stdout.trim() === "") throw crashed("hadolint", result);
      return withFiles(parseHadolint(result.stdout, "hadolint"), (f) => repoRelative(ctx.root, f));
    },
  };

  const shellcheck: Check = {
    id: "shellcheck",
    title: "shellcheck on the generated shell scripts",
    tools: ["shellcheck"],
    async run(ctx) {
      const files = [...ctx.files.keys()].filter((f) => f.endsWith(".sh") || (f.startsWith("tools/") && /^#!.*\b(ba|da|k)?sh\b/.test(ctx.files.get(f) ?? "")));
      if (files.length === 0) return [];
      const result = await run(deps, ctx, "shellcheck", shellcheckArgs({ files }));
      if (shellcheckCrashed(result.exitCode)) throw crashed("shellcheck", result);
      return withFiles(parseShellcheck(result.stdout, "shellcheck"), (f) => repoRelative(ctx.root, f));
    },
  };

  const actionlint: Check = {
    id: "actionlint",
    title: "actionlint on the GitHub Actions workflows",
    tools: ["actionlint"],
    async run(ctx) {
      const files = [...ctx.files.keys()].filter((f) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(f));
      if (files.length === 0) return [];
      const shellcheckPath = ctx.tools.get("shellcheck")?.path;
      const result = await run(deps, ctx, "actionlint", actionlintArgs({ files, ...(shellcheckPath ? { shellcheck: shellcheckPath } : {}) }));
      if (actionlintCrashed(result.exitCode)) throw crashed("actionlint", result);
      return withFiles(parseActionlint(result.stdout, "actionlint"), (f) => repoRelative(ctx.root, f));
    },
  };

  const yamllint: Check = {
    id: "yamllint",
    cost: 2,
    title: "yamllint on every generated YAML file (Helm templates excepted)",
    tools: ["yamllint"],
    async run(ctx) {
      const files = [...ctx.files.keys()].filter((f) => /\.ya?ml$/.test(f) && !f.startsWith(`${CHART_DIR}/templates/`));
      if (files.length === 0) return [];
      const configFile = path.join(await scratchDir(ctx, "yamllint"), "yamllint.yaml");
      await writeFile(configFile, yamllintConfig());
      const result = await run(deps, ctx, "yamllint", yamllintArgs({ files, configFile }));
      if (yamllintCrashed(result.exitCode)) throw crashed("yamllint", result);
      const findings = parseYamllint(result.stdout, "yamllint");
      if (result.exitCode !== 0 && findings.length === 0) throw crashed("yamllint", result);
      return withFiles(findings, (f) => repoRelative(ctx.root, f));
    },
  };

  const composeConfig: Check = {
    id: "compose-config",
    title: "docker compose config on the compose files",
    tools: ["docker-compose"],
    async run(ctx) {
      const findings: Finding[] = [];
      for (const file of generated(ctx, COMPOSE_FILES)) {
        const env = placeholderEnvironment(requiredComposeVariables(ctx.files.get(file) ?? ""));
        const result = await run(deps, ctx, "docker-compose", composeConfigArgs({ file, profiles: ["*"] }), { env: { ...env, COMPOSE_PROJECT_NAME: "fraiseql-verify" } });
        findings.push(...parseComposeConfig(result.stderr, result.exitCode, "compose-config", file));
      }
      return findings;
    },
  };

  const trivyConfig: Check = {
    id: "trivy-config",
    cost: 8,
    title: "trivy config (HIGH, CRITICAL) on the Dockerfiles, manifests and chart",
    tools: ["trivy"],
    async run(ctx) {
      const tree = await mirrorTree(ctx);
      const result = await run(deps, ctx, "trivy", trivyConfigArgs({ target: tree, helmKubeVersion: ctx.answers.kubernetes.version }), { cwd: tree, env: { ...TRIVY_ENV } });
      if (result.exitCode !== 0) throw new Error(`trivy config failed: ${trivyFailureReason(result.stderr || result.stdout)}`);
      return parseTrivyConfig(result.stdout, "trivy-config");
    },
  };

  const sbom: Check = {
    id: "sbom",
    cost: 6,
    title: "syft SBOM of the repository (SPDX and CycloneDX JSON)",
    tools: ["syft"],
    async run(ctx) {
      const dir = await scratchDir(ctx, "sbom");
      const spdx = path.join(dir, "sbom.spdx.json");
      const cdx = path.join(dir, "sbom.cdx.json");
      // A file left from an earlier run must not pass for one syft did not write.
      await Promise.all([rm(spdx, { force: true }), rm(cdx, { force: true })]);
      const args = syftArgs({
        source: `dir:${ctx.root}`,
        outputs: [
          { format: "spdx-json", file: spdx },
          { format: "cyclonedx-json", file: cdx },
        ],
        exclude: ["./target/**", "./node_modules/**"],
      });
      const result = await run(deps, ctx, "syft", args, { env: { ...SYFT_ENV } });
      if (result.exitCode !== 0) throw crashed("syft", result);
      const read = async (file: string): Promise<string | undefined> => readFile(file, "utf8").catch(() => undefined);
      return sbomFindings("sbom", { name: "sbom.spdx.json", text: await read(spdx) }, { name: "sbom.cdx.json", text: await read(cdx) });
    },
  };

  const trivyImage: Check = {
    id: "trivy-image",
    title: "trivy image: HIGH and CRITICAL vulnerabilities with a fix",
    tools: ["trivy"],
    applies: (ctx) => Boolean(ctx.image),
    async run(ctx) {
      if (!ctx.image) return [];
      const result = await run(deps, ctx, "trivy", trivyImageArgs({ image: ctx.image }), { env: { ...TRIVY_ENV } });
      if (result.exitCode !== 0) throw new Error(`trivy image ${ctx.image} failed: ${trivyFailureReason(result.stderr || result.stdout)}`);
      return parseTrivyImage(result.stdout, "trivy-image");
    },
  };

  const checkov: Check = {
    optional: true,
    id: "checkov",
    cost: 10,
    title: "checkov (optional) on the Dockerfiles, manifests, chart and workflows",
    tools: ["checkov"],
    async run(ctx) {
      const tree = await mirrorTree(ctx);
      // checkov renders the chart with whatever `helm` is on PATH: make that a Helm 3.
      const env: Record<string, string> = { BC_SKIP_MAPPING: "TRUE" };
      const helm = ctx.tools.get("helm3")?.path ?? (await findExecutable("helm3"));
      const notes: Finding[] = [];
      if (!helm && hasChart(ctx)) {
        notes.push({ checkId: "checkov", file: CHART_DIR, rule: "helm-missing", severity: "warning", message: "checkov could not render the Helm chart without Helm 3 (helm3) and skipped it" });
      }
      if (helm) {
        const bin = await scratchDir(ctx, "checkov-bin");
        await symlink(helm, path.join(bin, "helm")).catch((e: unknown) => {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        });
        env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ""}`;
      }
      const result = await run(deps, ctx, "checkov", checkovArgs({
          directory: tree,
          // CKV2_K8S_6 (pods without a NetworkPolicy) restates networkPolicy.enabled=false, a deliberate answer.
          skipChecks: [...Object.keys(checkovWaivers), ...(ctx.answers.networkPolicy.enabled ? [] : ["CKV2_K8S_6"])],
        }), { cwd: tree, env });
      if (result.exitCode !== 0 && result.exitCode !== 1) throw crashed("checkov", result);
      return [...parseCheckov(result.stdout, "checkov"), ...notes];
    },
  };

  return [
    helmLint(deps, "helm-lint", "helm3"),
    helmLint(deps, "helm4-lint", "helm4"),
    helmKubeconform,
    helmPodSecurity,
    helmServerBoot,
    plainKubeconform,
    kubeScore,
    hadolint,
    shellcheck,
    actionlint,
    yamllint,
    composeConfig,
    trivyConfig,
    sbom,
    trivyImage,
    checkov,
  ];
}

export const toolChecks: Check[] = createToolChecks();
