/**
 * helm (v3 and v4): `helm lint` prints `[LEVEL] location: message` lines (v4
 * wraps template errors over several lines); `helm template --output-dir`
 * writes one file per chart template, so findings on rendered objects can
 * name the template they came from.
 */
import type { Finding } from "../checks/types.js";

export interface HelmLintOptions {
  chartDir: string;
  strict?: boolean;
  /** "1.31" or "1.31.0": Capabilities.KubeVersion, also checked against Chart.yaml kubeVersion. */
  kubeVersion?: string;
  set?: readonly string[];
  valuesFiles?: readonly string[];
}

export interface HelmTemplateOptions {
  releaseName: string;
  chartDir: string;
  namespace?: string;
  kubeVersion?: string;
  /** `key=value` pairs for --set. */
  set?: readonly string[];
  valuesFiles?: readonly string[];
  /** Capabilities.APIVersions, e.g. monitoring.coreos.com/v1/ServiceMonitor. */
  apiVersions?: readonly string[];
  outputDir?: string;
}

/** "1.31" -> "v1.31.0". */
export function helmKubeVersion(version: string): string {
  const parts = version.replace(/^v/, "").split(".");
  while (parts.length < 3) parts.push("0");
  return `v${parts.slice(0, 3).join(".")}`;
}

const valueArgs = (set: readonly string[] = [], files: readonly string[] = []): string[] => [
  ...files.flatMap((f) => ["--values", f]),
  ...set.flatMap((s) => ["--set", s]),
];

export function helmLintArgs(options: HelmLintOptions): string[] {
  return [
    "lint",
    options.chartDir,
    ...(options.strict === false ? [] : ["--strict"]),
    ...(options.kubeVersion ? ["--kube-version", helmKubeVersion(options.kubeVersion)] : []),
    ...valueArgs(options.set, options.valuesFiles),
  ];
}

export function helmTemplateArgs(options: HelmTemplateOptions): string[] {
  return [
    "template",
    options.releaseName,
    options.chartDir,
    ...(options.namespace ? ["--namespace", options.namespace] : []),
    ...(options.kubeVersion ? ["--kube-version", helmKubeVersion(options.kubeVersion)] : []),
    ...(options.apiVersions ?? []).flatMap((v) => ["--api-versions", v]),
    ...valueArgs(options.set, options.valuesFiles),
    ...(options.outputDir ? ["--output-dir", options.outputDir] : []),
  ];
}

/** `fraiseql/templates/deployment.yaml` (relative to --output-dir) -> `<chartPath>/templates/deployment.yaml`. */
export function renderedToChartPath(relativeToOutputDir: string, chartPath: string): string {
  const parts = relativeToOutputDir.split(/[\\/]/);
  return [chartPath, ...parts.slice(1)].join("/");
}

/** `mychart/templates/x.yaml:6:15` inside a helm message -> chart-relative file and line. */
function templateLocation(message: string): { file: string; line?: number } | undefined {
  const match = /(?:^|[\s"])[\w.-]+\/((?:charts\/[\w.-]+\/)?templates\/[^\s:"]+):(\d+)/.exec(message);
  if (!match?.[1]) return undefined;
  return { file: match[1], line: Number(match[2]) };
}

function lintRule(message: string): string | undefined {
  if (/values don't meet the specifications|does not match values.schema.json|^- at '/.test(message)) return "values-schema";
  if (/unable to parse YAML/.test(message)) return "yaml";
  if (/executing "|^template: |parse error/.test(message)) return "template";
  if (/object name does not conform/.test(message)) return "object-name";
  if (/deprecated/i.test(message)) return "deprecated-api";
  if (/kubeVersion|kube-version/i.test(message)) return "kube-version";
  if (/Chart\.yaml|chart metadata/i.test(message)) return "chart";
  return undefined;
}

function lintFix(rule: string | undefined, location: string): string | undefined {
  switch (rule) {
    case "values-schema":
      return `make ${location === "values.yaml" ? "values.yaml" : "the values"} match values.schema.json (or fix the schema)`;
    case "template":
      return "guard the value with `default`/`if`, or add it to values.yaml";
    case "object-name":
      return "use a lowercase RFC 1123 name";
    default:
      return undefined;
  }
}

const endOfEntry = /^(==> Linting |\d+ chart\(s\) linted|Error: )/;

/**
 * Parses `helm lint` stdout (v3 and v4). INFO lines are dropped; WARNING is an
 * error under --strict (helm fails the lint on it), otherwise a warning.
 * `chartPath` is the chart folder relative to the repository.
 */
export function parseHelmLint(stdout: string, checkId: string, chartPath: string, strict = true): Finding[] {
  interface Entry {
    level: string;
    location: string;
    lines: string[];
  }
  const entries: Entry[] = [];
  let current: Entry | undefined;
  for (const raw of stdout.split("\n")) {
    const line = raw.replace(/\s+$/, "");
    const start = /^\[(INFO|WARNING|ERROR)\] ([^:]*): ?(.*)$/.exec(line);
    const chartError = /^Error (unable to .*)$/.exec(line);
    if (start) {
      current = { level: start[1] ?? "ERROR", location: start[2] ?? "", lines: [start[3] ?? ""] };
      entries.push(current);
    } else if (chartError) {
      current = { level: "ERROR", location: "Chart.yaml", lines: [chartError[1] ?? ""] };
      entries.push(current);
    } else if (endOfEntry.test(line)) {
      current = undefined;
    } else if (current && line.trim() !== "") {
      current.lines.push(line.trim());
    }
  }
  const hasValuesSchemaError = entries.some((e) => e.location === "values.yaml" && e.level === "ERROR");
  const findings: Finding[] = [];
  for (const entry of entries) {
    if (entry.level === "INFO") continue;
    let message = entry.lines.join(" ").replace(/\s+/g, " ").trim();
    if (entry.location === "values.yaml" && message.startsWith("- at ")) message = `values.yaml does not match values.schema.json: ${message.slice(2)}`;
    // helm reports a schema violation twice: once on values.yaml, once on templates/.
    if (hasValuesSchemaError && entry.location.startsWith("templates") && /^values don't meet the specifications/.test(message)) continue;
    const at = entry.location.endsWith("/") ? templateLocation(message) : undefined;
    const file = at ? `${chartPath}/${at.file}` : `${chartPath}/${entry.location.replace(/\/$/, "")}`;
    const rule = lintRule(message);
    const fix = lintFix(rule, entry.location);
    findings.push({
      checkId,
      file,
      ...(at?.line ? { line: at.line } : {}),
      ...(rule ? { rule } : {}),
      severity: entry.level === "ERROR" || strict ? "error" : "warning",
      message,
      ...(fix ? { fix } : {}),
    });
  }
  return findings;
}

/** A failed `helm template`: the chart does not render (with the values named by `valuesLabel`, when given). */
export function parseHelmTemplateFailure(stderr: string, checkId: string, chartPath: string, valuesLabel?: string): Finding {
  const message = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^Use --debug flag/.test(l))
    .join(" ")
    .replace(/^Error: /, "")
    .replace(/\s+/g, " ");
  const at = templateLocation(message);
  const rule = lintRule(message) ?? "render";
  const fix = lintFix(rule, "values");
  return {
    checkId,
    file: at ? `${chartPath}/${at.file}` : rule === "values-schema" ? `${chartPath}/values.schema.json` : chartPath,
    ...(at?.line ? { line: at.line } : {}),
    rule,
    severity: "error",
    message: `helm template failed: ${message || "(no message)"}${valuesLabel ? ` [rendered with ${valuesLabel}]` : ""}`,
    ...(fix ? { fix } : {}),
  };
}
