/**
 * kubeconform: validates Kubernetes objects against the JSON schemas of one
 * Kubernetes version. Offline it reads the schemas scripts/install-tools.sh
 * lays out (`<dir>/v1.31.0-standalone-strict/deployment-apps-v1.json`).
 */
import path from "node:path";
import type { Finding } from "../checks/types.js";

export interface KubeconformOptions {
  /** "1.31", "v1.31" or "1.31.0". */
  kubernetesVersion: string;
  /** A kubeconform -schema-location template; omitted means kubeconform's default (remote) location. */
  schemaLocation?: string;
  /** Reject unknown fields and duplicate keys (default true). */
  strict?: boolean;
  /** Kinds or group/version/Kind to skip (custom resources whose schemas we do not have). */
  skip?: readonly string[];
  /** Files or folders. */
  files: readonly string[];
}

/** Prometheus Operator custom resources: their schemas ship with the operator, not with Kubernetes. */
export const MONITORING_KINDS: readonly string[] = [
  "monitoring.coreos.com/v1/ServiceMonitor",
  "monitoring.coreos.com/v1/PodMonitor",
  "monitoring.coreos.com/v1/PrometheusRule",
];

/** "1.31" -> "1.31.0"; "v1.31.2" -> "1.31.2". */
export function fullKubernetesVersion(version: string): string {
  const parts = version.replace(/^v/, "").split(".");
  while (parts.length < 3) parts.push("0");
  return parts.slice(0, 3).join(".");
}

export function kubeconformArgs(options: KubeconformOptions): string[] {
  return [
    ...(options.strict === false ? [] : ["-strict"]),
    "-summary",
    "-output",
    "json",
    "-kubernetes-version",
    fullKubernetesVersion(options.kubernetesVersion),
    ...(options.schemaLocation ? ["-schema-location", options.schemaLocation] : []),
    ...(options.skip && options.skip.length > 0 ? ["-skip", options.skip.join(",")] : []),
    ...options.files,
  ];
}

/** The folder of offline schemas: FRAISEQL_DEPLOY_KUBE_SCHEMAS, else the tools root's kubernetes-json-schema. */
export function kubeSchemaDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  if (env.FRAISEQL_DEPLOY_KUBE_SCHEMAS) return env.FRAISEQL_DEPLOY_KUBE_SCHEMAS;
  const toolsRoot = env.FRAISEQL_DEPLOY_TOOLS ?? path.join(home, ".cache", "fraiseql-deploy", "tools");
  return path.join(toolsRoot, "kubernetes-json-schema");
}

/** The -schema-location template for a folder in kubeconform's own layout (a value with `{{` is already a template). */
export function offlineSchemaLocation(dir: string): string {
  if (dir.includes("{{")) return dir;
  return `${dir}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
}

/** The folder that must exist for `version` to validate offline, e.g. `<dir>/v1.31.0-standalone-strict`. */
export function offlineSchemaVersionDir(dir: string, version: string, strict = true): string {
  return path.join(dir, `v${fullKubernetesVersion(version)}-standalone${strict ? "-strict" : ""}`);
}

interface KubeconformResource {
  filename?: string;
  kind?: string;
  name?: string;
  version?: string;
  status?: string;
  msg?: string;
  validationErrors?: { path?: string; msg?: string }[] | null;
}

/** kubeconform could not fetch a schema: an environment problem (offline, no local schemas), not a finding. */
export class KubeconformSchemaDownloadError extends Error {
  override name = "KubeconformSchemaDownloadError";
}

/** Splits "... - at '/spec': validation failed   - at '/spec/replicas': got string, want integer" into leaves. */
export function validationLeaves(message: string): { path: string; message: string }[] {
  const leaves: { path: string; message: string }[] = [];
  const pattern = /- at '([^']*)': ([\s\S]*?)(?=\s+- at '|$)/g;
  for (const match of message.matchAll(pattern)) leaves.push({ path: match[1] ?? "", message: (match[2] ?? "").trim() });
  const specific = leaves.filter((l) => l.message !== "validation failed");
  return (specific.length > 0 ? specific : leaves).sort((a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message));
}

function schemaFix(message: string): string | undefined {
  const unknown = /additional properties? ((?:'[^']+'(?:, )?)+) not allowed/.exec(message)?.[1];
  if (unknown) return `remove ${unknown} or fix its spelling/indentation: the target Kubernetes version has no such field`;
  const missing = /missing propert(?:y|ies) ((?:'[^']+'(?:, )?)+)/.exec(message)?.[1];
  if (missing) return `add the required field ${missing}`;
  if (/^got \w+, want /.test(message)) return "use the type the schema expects (quote or unquote the value)";
  return undefined;
}

export function parseKubeconform(stdout: string, checkId: string): Finding[] {
  let report: { resources?: KubeconformResource[] | null };
  try {
    report = JSON.parse(stdout) as typeof report;
  } catch {
    throw new Error(`kubeconform did not print JSON: ${stdout.trim().slice(0, 300) || "(no output)"}`);
  }
  const findings: Finding[] = [];
  for (const r of report.resources ?? []) {
    const object = r.kind ? `${r.kind}/${r.name ?? "(unnamed)"}` : "document";
    const base = { checkId, severity: "error" as const, ...(r.filename && r.filename !== "stdin" ? { file: r.filename } : {}) };
    const msg = r.msg ?? "";
    if (r.status === "statusInvalid") {
      let leaves = validationLeaves(msg);
      if (leaves.length === 0) leaves = (r.validationErrors ?? []).map((e) => ({ path: e.path ?? "", message: e.msg ?? "" }));
      if (leaves.length === 0) leaves = [{ path: "", message: msg }];
      for (const leaf of leaves) {
        const fix = schemaFix(leaf.message);
        findings.push({ ...base, rule: "schema", message: `${object}: ${leaf.path ? `${leaf.path}: ` : ""}${leaf.message}`, ...(fix ? { fix } : {}) });
      }
    } else if (r.status === "statusError") {
      if (/^failed downloading schema/.test(msg)) {
        throw new KubeconformSchemaDownloadError(
          `kubeconform could not download the schema for ${object} (${msg.split(": Get ")[0] ?? msg}); run scripts/install-tools.sh for offline schemas or set FRAISEQL_DEPLOY_KUBE_SCHEMAS`,
        );
      }
      if (/^could not find schema for /.test(msg)) {
        findings.push({
          ...base,
          rule: "missing-schema",
          message: `${object} (${r.version ?? "?"}): ${msg}`,
          fix: "use an apiVersion/kind the target Kubernetes version serves; custom resources need their CRD schema",
        });
      } else {
        // "line N" here counts from the start of the YAML document, not the file: keep it in the message only.
        findings.push({ ...base, rule: "yaml", message: `${object}: ${msg.replace(/^error unmarshalling resource: /, "").replace(/\s*\n\s*/g, " ")}` });
      }
    }
  }
  return findings;
}
